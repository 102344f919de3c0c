"""The files a response is given as: the letter's renderings and the answer tables'.

Apart from ``documents`` and ``tables``, which write them, so that the command line can
offer them without loading the libraries that do.
"""

from dataclasses import dataclass

from foidesk import file_types
from foidesk.file_types import FileType


@dataclass(frozen=True)
class Format:
    name: str
    file_type: FileType
    # "letter" or "answers"
    part: str
    description: str

    @property
    def content_type(self):
        return self.file_type.content_type

    @property
    def suffix(self):
        return self.file_type.suffix


FORMATS = {
    format.name: format
    for format in [
        Format("pdf", file_types.PDF, "letter", "the letter as PDF"),
        Format("docx", file_types.DOCX, "letter", "the letter as Word"),
        Format("html", file_types.HTML, "letter", "the letter as a web page"),
        Format("txt", file_types.TEXT, "letter", "the letter as plain text"),
        Format("xlsx", file_types.XLSX, "answers", "the answer tables as Excel"),
        Format("ods", file_types.ODS, "answers", "the answer tables as OpenDocument"),
        Format("csv", file_types.ZIP, "answers", "the answer tables as CSV files (zip)"),
    ]
}
LETTER_FORMATS = [name for name, format in FORMATS.items() if format.part == "letter"]
ANSWER_FORMATS = [name for name, format in FORMATS.items() if format.part == "answers"]
