"""Secrets that foidesk makes for itself (the demo's key and password), kept in files."""

import secrets


def secret_in(path, nbytes):
    """A random value made once and kept at ``path``, readable by its owner only."""
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()
