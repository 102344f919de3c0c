"""foidesk: case management for Freedom of Information and Environmental Information requests."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("foidesk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
