"""What a check gives: a :class:`Finding` of one of the :data:`KINDS` for each thing found,
and the words that findings of every format share."""

from dataclasses import dataclass

KINDS = (
    "hidden_sheet",
    "hidden_rows",
    "hidden_columns",
    "pivot_cache",
    "external_link",
    "defined_name",
    "comment",
    "data_validation",
    "embedded_object",
    "properties",
    "macros",
    "tracked_changes",
    "hidden_text",
    "text_under_box",
    "pdf_attachment",
    "annotation",
    "metadata",
    "unreadable",
    "unknown_format",
)

REMOVE_PROPERTIES = "remove_properties"
VISIBLE_CELLS_AS_CSV = "visible_cells_as_csv"


@dataclass(frozen=True)
class Finding:
    """Something in a file its reader would not see.

    ``kind`` is one of :data:`KINDS`; ``where`` says where it is ("sheet “Staff”", "page 2");
    ``detail`` says, for an officer, what was found and why it matters; ``remedy`` is the
    key in :data:`REMEDIES` of the remedy that removes it, or None when the officer must
    remove it in the program that made the file.
    """

    kind: str
    where: str
    detail: str
    remedy: str | None = None

    def __str__(self):
        return f"{self.where}: {self.detail}"


class FileCheckError(Exception):
    """A remedy cannot be applied; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Unreadable(Exception):
    """Why a file cannot be read, said as the end of "The file could not be read as X: ..."."""


def _finding(kind: str, where: str, detail: str, remedy: str | None = None) -> Finding:
    assert kind in KINDS
    return Finding(kind, where, detail, remedy)


def _unreadable(noun: str, why: str) -> Finding:
    return _finding(
        "unreadable",
        "the file",
        f"The file could not be read as {noun}: {why}. foidesk could not check it for "
        "hidden content; release it only if you have checked it yourself.",
    )


def _unknown(sentence: str = "") -> Finding:
    return _finding(
        "unknown_format",
        "the file",
        sentence
        or "This is not a format foidesk can check (it checks Excel, OpenDocument "
        "spreadsheet, Word, PDF, CSV and plain text files): release it only if you have "
        "checked it yourself.",
    )


def _quoted(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return f"“{value if len(value) <= limit else value[: limit - 1] + '…'}”"


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _plural(count: int, one: str) -> str:
    return f"{count:,} {one if count == 1 else one + 's'}"


def _comments(count: int, one: str, many: str) -> str:
    if count == 1:
        return (
            f"A {one}, with the name of the person who wrote it: it travels with the file "
            "and anyone can read it."
        )
    return (
        f"{count:,} {many}, each with the name of the person who wrote it: they travel "
        "with the file and anyone can read them."
    )


def _properties_findings(properties: list[tuple[str, str]]) -> list[Finding]:
    if not properties:
        return []
    said = _listed([f"{what} {_quoted(value)}" for what, value in properties])
    return [
        _finding(
            "properties",
            "the document properties",
            f"The file's properties say who made it or worked on it: {said}. Anyone can read "
            "them (File > Info, or the file's properties).",
            REMOVE_PROPERTIES,
        )
    ]
