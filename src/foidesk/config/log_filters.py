"""Filters on what foidesk logs."""

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A refused permission (403) is everyday work, not a fault: Django logs it with the
    exception's traceback, many lines whose frames show the request being handled; this
    keeps its one warning line, which names only the path."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
