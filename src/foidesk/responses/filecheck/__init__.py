"""The check of a file before it is released: content its reader does not see on the page
but anyone with the file can find.

The ICO's advisory note on disclosure (2023) follows breaches in which a released file held
more than it showed: a police force's staff list on a hidden sheet, a council's pivot table
carrying its source data, named ranges left in a workbook. So before a file is released
(published in the disclosure log, uploaded as an answer, attached to a response) foidesk
reads the file itself, and :func:`check` gives each thing found as a :class:`Finding`:

- Excel (XLSX, XLSM) and OpenDocument (ODS) spreadsheets: hidden and very hidden sheets,
  hidden rows and columns that hold data, pivot tables and their caches, links to other
  files, named ranges, comments and notes, drop-down lists, embedded files, macros, and the
  properties naming who made the file.
- Word (DOCX): tracked changes, comments, hidden text, embedded files, macros, properties.
- PDF: text under a box or picture drawn over it (a redaction that hid the text without
  removing it), annotations, attached files, and metadata naming a person.
- CSV and plain text show everything they hold, so they are clean unless unreadable.
- A zip of such files (the answer tables as CSV) is checked file by file.
- Anything else gets one finding saying foidesk cannot check it, so that nothing unchecked
  is waved through.

The format is told by the content (the parts inside a zip, the PDF header); the name only
says what a file that is neither was meant to be. Office files are read part by part from
the zip with lxml, streaming, without resolving entities, within the limits in ``limits``,
so that a zip bomb is refused and memory stays bounded. openpyxl does not expose embeddings,
threaded comments or macros sheets, and shows hidden rows and columns only with the whole
workbook in memory; odfpy holds the whole document in memory too, reads only the parts its
manifest lists, and prints a part it cannot parse to standard output. openpyxl is used where
it is the right tool: for the values of the visible cells, in the CSV remedy.

Each finding blocks release until the officer removes what was found or overrides it with a
reason. :data:`REMEDIES` make a new file without it: ``remove_properties`` and
``visible_cells_as_csv``; a finding names the remedy that removes it, if there is one.

Pure Python with no Django import, so that ``foidesk check-file`` starts at once. ``check``
never raises: a file it cannot read is a finding. A remedy raises only
:class:`FileCheckError`.

Its parts:

- ``formats``: :func:`check`, which tells a file's format by its content and reads it with
  the reader of that format.
- ``findings``: what a check gives, a :class:`Finding` of one of the :data:`KINDS`.
- ``limits``: how much foidesk will read.
- ``parts``: the zip of an Office file and the XML parts inside it.
- ``workbooks``: what is found in a spreadsheet, whichever format it came in.
- ``excel`` and ``opendocument``: Excel and OpenDocument spreadsheets, read from their parts.
- ``office``: what Excel and Word files share: embedded files, macros, properties.
- ``word``: Word documents.
- ``pdf``: PDF documents; ``pdf_painting``: what is drawn over the text of a page.
- ``remedies``: the :data:`REMEDIES`; ``csv_zip``: the zip of CSV files the CSV remedy makes.
"""

from foidesk.responses.filecheck.findings import (
    KINDS,
    REMOVE_PROPERTIES,
    VISIBLE_CELLS_AS_CSV,
    FileCheckError,
    Finding,
)
from foidesk.responses.filecheck.formats import check
from foidesk.responses.filecheck.limits import (
    MAX_FILE_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_WHOLE_PART_BYTES,
    MAX_ZIP_MEMBERS,
)
from foidesk.responses.filecheck.remedies import (
    REMEDIES,
    Remedy,
    remove_properties,
    visible_cells_as_csv,
)

__all__ = [
    "KINDS",
    "MAX_FILE_BYTES",
    "MAX_UNPACKED_BYTES",
    "MAX_WHOLE_PART_BYTES",
    "MAX_ZIP_MEMBERS",
    "REMEDIES",
    "REMOVE_PROPERTIES",
    "VISIBLE_CELLS_AS_CSV",
    "FileCheckError",
    "Finding",
    "Remedy",
    "check",
    "remove_properties",
    "visible_cells_as_csv",
]
