"""foidesk: case management for Freedom of Information and Environmental Information requests."""


def __getattr__(name):
    # Read when asked for: importlib.metadata takes half of a short command's start-up
    # (``foidesk deadline``), and only ``--version`` needs it.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("foidesk")
        except PackageNotFoundError:  # running from a source tree that was never installed
            return "0.0.0"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
