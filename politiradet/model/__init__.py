"""The archive's content model: frozen data that never touches the disk."""
