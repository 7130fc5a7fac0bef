"""Small helpers every part uses: the site's address, Norwegian text, slugs, worker processes,
writing a file in one step."""
