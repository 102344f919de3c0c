"""The kinds of file foidesk writes, serves and reads, with the suffix and MIME type of each.

The one table of them: the response's documents and answer tables, the checks on released
files, email attachments and every view's Content-Type take their types from here. Plain
Python, so that any part of foidesk, the command line included, may use it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    suffix: str
    mime_type: str
    # Text foidesk writes is UTF-8 and says so, so that no browser has to guess.
    text: bool = False

    @property
    def content_type(self):
        """The Content-Type to serve it with: the MIME type, and the charset of text."""
        return f"{self.mime_type}; charset=utf-8" if self.text else self.mime_type


PDF = FileType("pdf", "application/pdf")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODS = FileType("ods", "application/vnd.oasis.opendocument.spreadsheet")
OTS = FileType("ots", "application/vnd.oasis.opendocument.spreadsheet-template")
ZIP = FileType("zip", "application/zip")
HTML = FileType("html", "text/html", text=True)
TEXT = FileType("txt", "text/plain", text=True)
CSV = FileType("csv", "text/csv", text=True)
CALENDAR = FileType("ics", "text/calendar")
JSON = FileType("json", "application/json")
ATOM = FileType("atom", "application/atom+xml", text=True)
EMAIL = FileType("eml", "message/rfc822")
PNG = FileType("png", "image/png")
JPEG = FileType("jpg", "image/jpeg")
GIF = FileType("gif", "image/gif")
