"""The documents the code cites are in the repository, and say what the code does.

A comment, docstring, test or message that cites a markdown document ("docs/law/time-limits.md
(FOIA s.10)") must cite one that is here: a reader outside the project has nothing else. A
link between documents must also reach its heading.
"""

import re
from pathlib import Path

import pytest

from foidesk.law import catalogue

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("src", "tests", "benchmarks", "docs")
TEXT_SUFFIXES = {
    ".py",
    ".toml",
    ".md",
    ".txt",
    ".html",
    ".json",
    ".cfg",
    ".ini",
    ".yml",
    ".yaml",
    ".js",
    ".scss",
    ".css",
    ".sh",
}
SKIPPED_FOLDERS = {"__pycache__", "node_modules", ".pytest_cache"}

URL = re.compile(r"\b(?:https?|mailto):\S+")
# A path to a markdown file, absolute or relative, as prose or code writes it.
CITED = re.compile(r"(?<![\w/.:-])((?:\.{1,2}/|/)?(?:[\w.-]+/)*[\w-][\w.-]*\.md)(?:#([\w-]+))?\b")
# A markdown link's target: [words](target).
LINK = re.compile(r"\]\(([^)\s]+)\)")


def scanned_files():
    yield ROOT / "README.md"
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*")):
            if SKIPPED_FOLDERS.intersection(path.parts) or not path.is_file():
                continue
            if path.suffix in TEXT_SUFFIXES and path != Path(__file__).resolve():
                yield path


def citations(text):
    """Each markdown document ``text`` cites outside a web address, as (path, anchor)."""
    text = URL.sub(" ", text)
    return [(found[1], found[2]) for found in CITED.finditer(text) if not quoted(text, found)]


def quoted(text, found):
    """Whether ``found`` is a string that is a file name and nothing else ("case-types.md"):
    code building a path, whose folder is elsewhere on the line, rather than a citation."""
    before, after = text[found.start() - 1 : found.start()], text[found.end() : found.end() + 1]
    return before in ("'", '"') and after == before


def missing(citing, cited, anchor=None):
    """Why ``cited``, cited by the file ``citing``, is not in the repository, or ""."""
    if cited.startswith("/"):
        return f"{cited} is outside the repository"
    for base in (citing.parent, ROOT):
        target = (base / cited).resolve()
        if target.is_file() and target.is_relative_to(ROOT):
            if anchor and anchor not in anchors(target):
                return f"{cited} has no heading #{anchor}"
            return ""
    return f"{cited} is not in the repository"


def anchors(markdown):
    """The anchors GitHub gives the headings of the markdown file ``markdown``."""
    found = set()
    for line in markdown.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#{1,6} +(.+?) *#*$", line)
        if heading:
            words = re.sub(r"[^\w\- ]", "", heading[1].strip().lower())
            slug = words.replace(" ", "-")
            number = 1
            while slug in found:
                slug, number = f"{words.replace(' ', '-')}-{number}", number + 1
            found.add(slug)
    return found


def broken_links(markdown):
    """Relative links in the markdown file ``markdown`` that lead nowhere, as GitHub reads
    them: from the file's own folder."""
    broken = []
    for target in LINK.findall(markdown.read_text(encoding="utf-8")):
        if URL.match(target) or target.startswith("#"):
            continue
        path, _, anchor = target.partition("#")
        resolved = (markdown.parent / path).resolve()
        if not resolved.exists() or not resolved.is_relative_to(ROOT):
            broken.append(f"{target} leads nowhere")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target}: {path} has no heading #{anchor}")
    return broken


def test_every_markdown_document_cited_is_in_the_repository():
    problems = []
    for path in scanned_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for cited, anchor in citations(text):
            why = missing(path, cited, anchor)
            if why:
                problems.append(f"{path.relative_to(ROOT)}: {why}")
    assert problems == []


def test_every_link_between_documents_leads_somewhere():
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    problems = [
        f"{document.relative_to(ROOT)}: {why}"
        for document in documents
        for why in broken_links(document)
    ]
    assert problems == []


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("the design (DESIGNS.md: similarity)", ["DESIGNS.md"]),
        ("see docs/law/nowhere.md (FOIA s.10)", ["docs/law/nowhere.md"]),
        ("../shared/NOTES.md, section 2", ["../shared/NOTES.md"]),
        ("[the index](law/README.md#the-pages)", ["law/README.md"]),
        ("https://github.com/owner/repo/blob/main/README.md", []),
        ('path.with_suffix(".md")', []),
        ('settings.PROJECT_DIR / "docs" / "case-types.md"', []),
    ],
)
def test_a_citation_is_found_however_it_is_written(text, cited):
    assert [path for path, _ in citations(text)] == cited


def test_a_citation_of_a_document_not_here_is_caught():
    citing = ROOT / "src" / "foidesk" / "law" / "deadlines.py"
    assert missing(citing, "RULES.md") == "RULES.md is not in the repository"
    assert missing(citing, "docs/law/nowhere.md") == "docs/law/nowhere.md is not in the repository"
    assert missing(citing, "/elsewhere/RULES.md") == "/elsewhere/RULES.md is outside the repository"
    assert missing(citing, "docs/law/time-limits.md") == ""
    assert missing(ROOT / "docs" / "design.md", "law/README.md") == ""
    assert missing(citing, "docs/law/time-limits.md", "nowhere") == (
        "docs/law/time-limits.md has no heading #nowhere"
    )


def catalogue_rows():
    """{key: (provision, kind, test, NCND)} from the tables of refusals-and-exemptions.md."""
    rows = {}
    text = (ROOT / "docs" / "law" / "refusals-and-exemptions.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and re.fullmatch(r"`[a-z0-9-]+`", cells[0]):
            key, provision, _title, kind, test, ncnd = cells
            rows[key.strip("`")] = (provision, kind, test, "" if ncnd == "—" else ncnd)
    return rows


def test_the_catalogue_in_the_law_documents_is_the_catalogue_foidesk_uses():
    expected = {e.key: (e.citation, e.kind, e.test, e.ncnd) for e in catalogue()}
    assert catalogue_rows() == expected
