"""The command line and the commands that are not the build: new, the key guide, progress."""
