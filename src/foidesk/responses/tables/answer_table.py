"""The answer table: an :class:`AnswerTable` of sheets (each a :class:`Sheet`) of row
titles x column headings, each :class:`Cell` of one of the :data:`KINDS`; and
:class:`TableError`, which every part raises when a table cannot be read or written."""

from dataclasses import dataclass, field

VALUE = "value"
WITHHELD = "withheld"
PUBLISHED = "published"
NOT_HELD = "not_held"
EMPTY = "empty"
KINDS = (VALUE, WITHHELD, PUBLISHED, NOT_HELD, EMPTY)


class TableError(Exception):
    """A table cannot be read (or written); the message says what is wrong and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Cell:
    """One answer: ``kind`` is one of :data:`KINDS`.

    ``exemption`` is how a withheld cell's exemption is cited ("section 43(2)"); ``link`` is
    where a published cell's information is. ``value`` is the text of a value cell; on a
    withheld cell it may hold what was withheld, and is never exported.
    """

    kind: str
    value: str = ""
    exemption: str = ""
    link: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Cell kind must be one of {', '.join(KINDS)}, not {self.kind!r}")


EMPTY_CELL = Cell(EMPTY)


@dataclass
class Sheet:
    """Row titles x column headings; ``cells`` by (row index, column index), missing = empty.

    Sheets read from a file hold only the cells that are not empty.
    """

    name: str
    columns: list[str]
    rows: list[str]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)

    def cell(self, row: int, column: int) -> Cell:
        return self.cells.get((row, column), EMPTY_CELL)


@dataclass
class AnswerTable:
    """Sheets, and footnotes: exemption citation -> the sentence explaining it."""

    sheets: list[Sheet]
    footnotes: dict[str, str] = field(default_factory=dict)
