"""Answer tables written as XLSX, ODS and CSV, and read back from uploads.

The reference letter (Barnet, ref 5973764): the requester asked for "Microsoft Excel format
with one worksheet for Adults Service and one Childrens Services", the council withheld the
spend figures under section 43(2) and pointed to the published Capita contract for Family
Services.
"""

import contextlib
import csv
import getpass
import hashlib
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from defusedxml import ElementTree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foidesk.responses.tables import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_SHEETS,
    AnswerTable,
    Cell,
    Sheet,
    TableError,
    cell_text,
    footnote_lines,
    parse_cell_text,
    safe_file_names,
    safe_sheet_names,
    sheet_from_csv,
    sheets_from_xlsx,
    to_csv_zip,
    to_ods,
    to_xlsx,
)

S43 = "section 43(2)"
S43_FOOTNOTE = (
    "Withheld: disclosure would be likely to prejudice commercial interests "
    "(Freedom of Information Act 2000, section 43(2))"
)
CSG = "https://open.barnet.gov.uk/dataset/customer-and-support-group-csg-contract"
ROW_TITLES = [
    "System name",
    "Supplier",
    "Type",
    "Number of users",
    "First implemented",
    "Licence fees 2015-16",
    "Annual support 2015-16",
    "Professional services 2015-16",
    "Contract length",
    "Contract end date",
]
SPEND = [5, 6, 7]  # the rows of the three spend figures


def value(text):
    return Cell("value", value=text)


def withheld(exemption=S43, held=""):
    return Cell("withheld", value=held, exemption=exemption)


def published(link=CSG):
    return Cell("published", link=link)


def barnet():
    adults = Sheet(
        "Adults",
        ["Mosaic"],
        list(ROW_TITLES),
        {
            (0, 0): value("Mosaic"),
            (1, 0): value("Servelec HSE"),
            (2, 0): value("Case management and electronic document storage"),
            (3, 0): value("Around 415"),
            (4, 0): value("1 April 2017"),
            (5, 0): withheld(),
            (6, 0): withheld(),
            (7, 0): withheld(),
            (8, 0): value("10 years"),
            (9, 0): value("2023"),
        },
    )
    childrens = Sheet(
        "Childrens",
        ["LiquidLogic"],
        list(ROW_TITLES),
        {
            (0, 0): value("LiquidLogic"),
            (1, 0): published(),
            (3, 0): value("350"),
            (8, 0): published(),
            (9, 0): published(),
        },
    )
    return AnswerTable([adults, childrens], {S43: S43_FOOTNOTE})


def open_xlsx(data):
    return openpyxl.load_workbook(io.BytesIO(data))


# --- XLSX --------------------------------------------------------------------------------


def test_xlsx_has_one_worksheet_per_sheet_with_headings_and_row_titles():
    workbook = open_xlsx(to_xlsx(barnet()))
    assert workbook.sheetnames == ["Adults", "Childrens"]
    adults = workbook["Adults"]
    assert adults["A1"].value is None
    assert [c.value for c in adults[1]] == [None, "Mosaic"]
    assert [adults.cell(row, 1).value for row in range(2, 12)] == ROW_TITLES
    assert adults["B2"].value == "Mosaic"
    assert adults["B4"].value == "Case management and electronic document storage"
    assert adults["B5"].value == "Around 415"
    assert adults["B6"].value == "1 April 2017"


def test_xlsx_headings_and_row_titles_are_bold_and_frozen_at_b2():
    workbook = open_xlsx(to_xlsx(barnet()))
    for worksheet in workbook.worksheets:
        assert worksheet.freeze_panes == "B2"
        assert worksheet["B1"].font.b
        assert all(worksheet.cell(row, 1).font.b for row in range(2, 12))
        assert not worksheet["B2"].font.b


def test_xlsx_withheld_cells_cite_the_exemption_and_a_footnote_explains_it():
    adults = open_xlsx(to_xlsx(barnet()))["Adults"]
    assert [adults.cell(row + 2, 2).value for row in SPEND] == ["Withheld (section 43(2))"] * 3
    # One blank row below the table, then the footnote.
    assert all(cell.value is None for cell in adults[12])
    assert adults["A13"].value == f"section 43(2): {S43_FOOTNOTE}"
    assert adults.max_row == 13


def test_xlsx_published_cells_link_to_where_the_information_is():
    childrens = open_xlsx(to_xlsx(barnet()))["Childrens"]
    for coordinate in ("B3", "B10", "B11"):
        assert childrens[coordinate].value == f"Published: {CSG}"
        assert childrens[coordinate].hyperlink.target == CSG
    # Nothing withheld on this sheet, so no footnote.
    assert childrens.max_row == 11


def test_xlsx_numbers_are_numbers_and_other_values_stay_text():
    workbook = open_xlsx(to_xlsx(barnet()))
    assert workbook["Childrens"]["B5"].value == 350
    assert workbook["Adults"]["B11"].value == 2023
    sheet = Sheet("Numbers", ["A"], ["r1", "r2", "r3", "r4", "r5"])
    for row, text in enumerate(["007", "1.50", "1.5", "-0", "12,000"]):
        sheet.cells[row, 0] = value(text)
    numbers = open_xlsx(to_xlsx(AnswerTable([sheet])))["Numbers"]
    assert [numbers.cell(row, 2).value for row in range(2, 7)] == [
        "007",
        "1.50",
        1.5,
        "-0",
        "12,000",
    ]


def test_xlsx_column_widths_follow_the_content_up_to_a_cap():
    sheet = Sheet("Widths", ["Short", "Long"], ["A row title"])
    sheet.cells[0, 0] = value("x")
    sheet.cells[0, 1] = value("word " * 100)
    worksheet = open_xlsx(to_xlsx(AnswerTable([sheet])))["Widths"]
    widths = {letter: worksheet.column_dimensions[letter].width for letter in "ABC"}
    assert 10 <= widths["A"] < 20
    assert 10 <= widths["B"] < 20
    assert 55 <= widths["C"] <= 61  # capped, and the text wraps


def test_xlsx_has_no_hidden_sheets_defined_names_or_personal_properties():
    data = to_xlsx(barnet(), title="FOI 5973764: social care systems")
    workbook = open_xlsx(data)
    assert [ws.sheet_state for ws in workbook.worksheets] == ["visible", "visible"]
    assert len(workbook.defined_names) == 0
    assert all(len(ws.defined_names) == 0 for ws in workbook.worksheets)
    properties = workbook.properties
    assert properties.creator in (None, "", "foidesk")
    assert properties.lastModifiedBy in (None, "", "foidesk")
    assert properties.title == "FOI 5973764: social care systems"
    assert properties.created is not None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        app = archive.read("docProps/app.xml").decode()
        everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
        core = ElementTree.fromstring(archive.read("docProps/core.xml"))
    # Every core property is empty but the title and the dates.
    filled = {element.tag.split("}")[1] for element in core if element.text}
    assert filled == {"title", "created", "modified"}
    for field in ("Company", "Manager"):
        assert f"<{field}></{field}>" in app or f"<{field}" not in app
    assert str(Path.cwd()) not in everything
    assert str(Path.home()) not in everything
    assert f">{getpass.getuser()}<" not in app


def test_xlsx_without_a_title_has_an_empty_title():
    assert open_xlsx(to_xlsx(barnet())).properties.title in (None, "")


def test_a_withheld_value_is_never_written_anywhere():
    table = barnet()
    table.sheets[0].cells[5, 0] = withheld(held="£123,456 secret")
    for data in (to_xlsx(table), to_ods(table), to_csv_zip(table)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                assert b"123,456" not in archive.read(name), name


# --- ODS ---------------------------------------------------------------------------------

ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
}


def ods_tables(data):
    """{table name: rows of cell texts}, and the parsed content.xml."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        content = ElementTree.fromstring(archive.read("content.xml"))
    tables = {}
    for sheet in content.iter(f"{{{ODS['table']}}}table"):
        rows = []
        for row in sheet.iter(f"{{{ODS['table']}}}table-row"):
            cells = row.findall(f"{{{ODS['table']}}}table-cell")
            rows.append(["".join(cell.itertext()) for cell in cells])
        tables[sheet.get(f"{{{ODS['table']}}}name")] = rows
    return tables, content


def test_ods_has_one_table_per_sheet_with_the_same_texts():
    tables, content = ods_tables(to_ods(barnet()))
    assert list(tables) == ["Adults", "Childrens"]
    adults = tables["Adults"]
    assert adults[0] == ["", "Mosaic"]
    assert [row[0] for row in adults[1:11]] == ROW_TITLES
    assert [adults[row + 1][1] for row in SPEND] == ["Withheld (section 43(2))"] * 3
    assert adults[11] == []  # the blank row
    assert adults[12] == [f"section 43(2): {S43_FOOTNOTE}"]
    childrens = tables["Childrens"]
    assert childrens[2] == ["Supplier", f"Published: {CSG}"]
    assert childrens[4] == ["Number of users", "350"]
    links = [a.get(f"{{{ODS['xlink']}}}href") for a in content.iter(f"{{{ODS['text']}}}a")]
    assert links == [CSG] * 3


def test_ods_headings_and_row_titles_are_bold():
    _tables, content = ods_tables(to_ods(barnet()))
    bold = {
        made.get(f"{{{ODS['style']}}}name")
        for made in content.iter(f"{{{ODS['style']}}}style")
        if any(
            p.get(f"{{{ODS['fo']}}}font-weight") == "bold"
            for p in made.iter(f"{{{ODS['style']}}}text-properties")
        )
    }
    style_name = f"{{{ODS['table']}}}style-name"
    first_table = next(content.iter(f"{{{ODS['table']}}}table"))
    rows = list(first_table.iter(f"{{{ODS['table']}}}table-row"))
    heading = rows[0].findall(f"{{{ODS['table']}}}table-cell")[1]
    title = rows[1].findall(f"{{{ODS['table']}}}table-cell")[0]
    answer = rows[1].findall(f"{{{ODS['table']}}}table-cell")[1]
    assert heading.get(style_name) in bold
    assert title.get(style_name) in bold
    assert answer.get(style_name) not in bold


def test_ods_numbers_are_numbers():
    _tables, content = ods_tables(to_ods(barnet()))
    floats = [
        cell.get("{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value")
        for cell in content.iter(f"{{{ODS['table']}}}table-cell")
        if cell.get("{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type") == "float"
    ]
    assert floats == ["2023", "350"]


def test_ods_keeps_spaces_tabs_and_line_breaks():
    sheet = Sheet("Spacing", ["A"], ["Row"], {(0, 0): value("two  spaces\ttab\nline")})
    tables, _content = ods_tables(to_ods(AnswerTable([sheet])))
    paragraph = tables["Spacing"][1][1]
    # itertext leaves out text:s, text:tab and text:line-break; the words are all there.
    assert paragraph.replace(" ", "") == "twospacestabline"


# --- CSV ---------------------------------------------------------------------------------


def csv_files(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_csv_zip_has_one_utf8_file_per_sheet_laid_out_as_the_sheet():
    files = csv_files(to_csv_zip(barnet()))
    assert list(files) == ["Adults.csv", "Childrens.csv"]
    assert files["Adults.csv"].startswith(b"\xef\xbb\xbf")
    adults = list(csv.reader(io.StringIO(files["Adults.csv"].decode("utf-8-sig"), newline="")))
    assert adults[0] == ["", "Mosaic"]
    assert adults[1] == ["System name", "Mosaic"]
    assert adults[6] == ["Licence fees 2015-16", "Withheld (section 43(2))"]
    assert adults[10] == ["Contract end date", "2023"]
    assert adults[11] == []
    assert adults[12] == [f"section 43(2): {S43_FOOTNOTE}"]
    assert len(adults) == 13
    childrens = list(csv.reader(io.StringIO(files["Childrens.csv"].decode("utf-8-sig"))))
    assert childrens[2] == ["Supplier", f"Published: {CSG}"]
    assert childrens[3] == ["Type", ""]
    assert len(childrens) == 11


def test_csv_fields_that_excel_would_run_as_formulas_are_neutralised():
    risky = ['=HYPERLINK("http://evil")', "@SUM(A1)", "+cmd", "-2+3", "'=already", "\t=1+1"]
    safe = ["-5", "+44", "12.5%", "Mosaic"]
    sheet = Sheet("Risky", ["C"], [f"r{n}" for n in range(len(risky + safe))])
    for row, text in enumerate(risky + safe):
        sheet.cells[row, 0] = value(text)
    (data,) = csv_files(to_csv_zip(AnswerTable([sheet]))).values()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [f"'{text}" for text in risky] + safe
    read = sheet_from_csv("Risky", data)
    # A cell is read without the spaces around it, the tab included.
    assert [read.cell(row, 0).value for row in range(len(risky + safe))] == [
        text.strip() for text in risky + safe
    ]


def test_csv_file_names_are_safe_and_unique():
    names = ["Adults/Children", "adults-children", "CON", 'Say "hi"', "...", ""]
    assert safe_file_names(names) == [
        "Adults-Children.csv",
        "adults-children (2).csv",
        "_CON.csv",
        "Say -hi-.csv",
        "Sheet 5.csv",
        "Sheet 6.csv",
    ]


# --- Reading back ------------------------------------------------------------------------


def normalised(sheet, name=None):
    """The sheet as it reads back: only the cells that are not empty."""
    return Sheet(
        name if name is not None else sheet.name,
        list(sheet.columns),
        list(sheet.rows),
        {key: cell for key, cell in sheet.cells.items() if cell.kind != "empty"},
    )


def test_the_reference_table_reads_back_from_xlsx():
    table = barnet()
    assert sheets_from_xlsx(to_xlsx(table)) == table.sheets


def test_the_reference_table_reads_back_from_csv():
    table = barnet()
    files = csv_files(to_csv_zip(table))
    assert [sheet_from_csv(name, data) for name, data in files.items()] == [
        normalised(sheet, f"{sheet.name}.csv") for sheet in table.sheets
    ]


def test_footnotes_below_the_table_are_not_read_as_rows():
    (adults, _childrens) = sheets_from_xlsx(to_xlsx(barnet()))
    assert adults.rows == ROW_TITLES
    assert adults.cell(5, 0) == withheld()


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("Withheld (section 43(2))", withheld()),
        ("Withheld: section 43(2)", withheld()),
        ("  withheld  (  section   43(2) )  ", withheld()),
        ("WITHHELD:section 43(2)", withheld()),
        ("Withheld under section 43(2)", withheld()),
        ("Withheld", withheld("")),
        ("withheld ", withheld("")),
        ("Withheld (s.40(2) and s.43(2))", withheld("s.40(2) and s.43(2)")),
        (f"Published: {CSG}", published()),
        (f"published:{CSG} ", published()),
        (f"Published at {CSG}", published()),
        ("Published", published("")),
        ("Not held", Cell("not_held")),
        ("  NOT   held. ", Cell("not_held")),
        ("", Cell("empty")),
        ("   \n ", Cell("empty")),
        (" Mosaic ", value("Mosaic")),
        ("Withheld in part", value("Withheld in part")),
        ("Not held by us", value("Not held by us")),
        ("Unpublished", value("Unpublished")),
    ],
)
def test_cell_text_conventions(text, cell):
    assert parse_cell_text(text) == cell


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (withheld(), "Withheld (section 43(2))"),
        (withheld(""), "Withheld"),
        (withheld(held="12,000"), "Withheld (section 43(2))"),
        (published(), f"Published: {CSG}"),
        (Cell("not_held"), "Not held"),
        (Cell("empty"), ""),
        (value("Around 415"), "Around 415"),
    ],
)
def test_cells_are_written_by_the_conventions(cell, text):
    assert cell_text(cell) == text


def test_a_cell_kind_must_be_known():
    with pytest.raises(ValueError, match="Cell kind"):
        Cell("secret")


def test_footnotes_are_one_line_per_exemption_in_order_of_first_use():
    sheet = Sheet("Mixed", ["A", "B"], ["r1", "r2"])
    sheet.cells[0, 1] = withheld("section 40(2)")
    sheet.cells[1, 0] = withheld(S43)
    sheet.cells[1, 1] = withheld("Section  43(2)")
    sheet.cells[0, 0] = withheld("")
    lines = footnote_lines(sheet, {S43: S43_FOOTNOTE})
    assert lines == [
        "section 40(2): Withheld under section 40(2); the covering letter explains why.",
        f"section 43(2): {S43_FOOTNOTE}",
    ]


def test_hidden_sheets_are_not_read():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    shown = workbook.add_worksheet("Shown")
    shown.write_row(0, 0, ["", "Mosaic"])
    shown.write_row(1, 0, ["Users", "415"])
    hidden = workbook.add_worksheet("Workings")
    hidden.write_row(0, 0, ["", "Secret"])
    hidden.hide()
    workbook.close()
    (sheet,) = sheets_from_xlsx(buffer.getvalue())
    assert sheet == Sheet("Shown", ["Mosaic"], ["Users"], {(0, 0): value("415")})


def test_empty_sheets_in_an_upload_are_left_out():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.add_worksheet("Sheet1").write_row(0, 0, ["", "Mosaic"])
    workbook.add_worksheet("Sheet2")
    workbook.close()
    assert [sheet.name for sheet in sheets_from_xlsx(buffer.getvalue())] == ["Sheet1"]


def test_an_uploaded_workbook_with_dates_and_gaps_reads_as_text():
    from datetime import datetime

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    worksheet = workbook.add_worksheet("Adults")
    worksheet.write_row(0, 0, ["Question", "Mosaic", "Frameworki"])
    worksheet.write_string(1, 0, "First implemented")
    worksheet.write_datetime(
        1, 1, datetime(2017, 4, 1), workbook.add_format({"num_format": "d mmm yyyy"})
    )
    worksheet.write_string(2, 0, "Licence")
    worksheet.write_string(2, 2, "withheld: section 43(2)")
    worksheet.write_boolean(3, 0, True)
    workbook.close()
    (sheet,) = sheets_from_xlsx(buffer.getvalue())
    assert sheet == Sheet(
        "Adults",
        ["Mosaic", "Frameworki"],
        ["First implemented", "Licence", "TRUE"],
        {(0, 0): value("2017-04-01"), (1, 1): withheld()},
    )


def test_csv_from_excel_on_windows_is_read_as_windows_1252():
    data = ",Mosaic\r\nSupplier,Café Systems £\r\nUsers,\u201c415\u201d\r\n".encode("cp1252")
    sheet = sheet_from_csv("Adults", data)
    assert sheet.cell(0, 0) == value("Café Systems £")
    assert sheet.cell(1, 0) == value("\u201c415\u201d")


@pytest.mark.parametrize(
    "data",
    [
        ",Mosaic\nSupplier,Café\n".encode(),
        "\ufeff,Mosaic\nSupplier,Café\n".encode(),
        ",Mosaic\nSupplier,Café\n".encode("utf-16"),
        ";Mosaic\nSupplier;Café\n".encode(),
        "\tMosaic\nSupplier\tCafé\n".encode(),
        ',"Mosaic"\nSupplier,Café\n\n\nNot read,x\n'.encode(),
    ],
)
def test_csv_encodings_and_delimiters(data):
    assert sheet_from_csv("Adults", data) == Sheet(
        "Adults", ["Mosaic"], ["Supplier"], {(0, 0): value("Café")}
    )


# --- Round trips with arbitrary content --------------------------------------------------

# Text a spreadsheet cell can hold, as it reads back: no control characters, no surrounding
# whitespace, and not openpyxl's escape marker (it drops "x005F_" from every string).
TEXT = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn")),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(lambda text: text and "x005F_" not in text)
)
NUMBER_TEXT = st.one_of(
    st.integers(-(10**16), 10**16).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
VALUE_TEXT = st.one_of(TEXT, NUMBER_TEXT, st.sampled_from(["Withheld?", "not", "published!"]))
CELLS = st.one_of(
    VALUE_TEXT.filter(lambda text: parse_cell_text(text) == value(text)).map(value),
    st.one_of(st.just(""), TEXT.map(lambda text: " ".join(text.split()))).map(withheld),
    st.one_of(st.just(""), TEXT).map(published),
    st.just(Cell("not_held")),
)


@st.composite
def sheets(draw):
    columns = draw(st.lists(TEXT, min_size=1, max_size=4))
    rows = draw(st.lists(TEXT, min_size=0, max_size=5))
    keys = st.tuples(st.integers(0, len(rows) - 1), st.integers(0, len(columns) - 1))
    cells = draw(st.dictionaries(keys, CELLS, max_size=12)) if rows else {}
    return Sheet(draw(st.text(max_size=40)), columns, rows, cells)


TABLES = st.builds(
    AnswerTable,
    st.lists(sheets(), min_size=1, max_size=3),
    st.dictionaries(TEXT, TEXT, max_size=2),
)


@given(TABLES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_table_reads_back_from_xlsx(table):
    names = safe_sheet_names([sheet.name for sheet in table.sheets])
    expected = [normalised(s, n) for s, n in zip(table.sheets, names, strict=True)]
    assert sheets_from_xlsx(to_xlsx(table)) == expected


@given(TABLES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_table_reads_back_from_csv(table):
    files = csv_files(to_csv_zip(table))
    assert [sheet_from_csv(name, data) for name, data in files.items()] == [
        normalised(sheet, name) for sheet, name in zip(table.sheets, files, strict=True)
    ]


@given(TABLES)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_table_writes_an_ods_whose_content_parses(table):
    tables, _content = ods_tables(to_ods(table))
    assert list(tables) == safe_sheet_names([sheet.name for sheet in table.sheets])


@given(CELLS)
def test_a_cell_reads_back_from_its_text(cell):
    assert parse_cell_text(cell_text(cell)) == cell


@given(st.text())
def test_reading_a_text_then_writing_it_is_stable(text):
    cell = parse_cell_text(text)
    assert parse_cell_text(cell_text(cell)) == cell


# --- Sheet names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "safe"),
    [
        (["Adults", "Childrens"], ["Adults", "Childrens"]),
        (["Adults/Children"], ["Adults-Children"]),
        (["[Draft] Q1: spend?"], ["(Draft) Q1- spend"]),
        (["'Quoted'"], ["Quoted"]),
        (["", "  "], ["Sheet 1", "Sheet 2"]),
        (["Adults", "ADULTS", "adults"], ["Adults", "ADULTS (2)", "adults (3)"]),
        (["History"], ["History (2)"]),
        (["Adult social care systems in use 2015-16"], ["Adult social care systems in us"]),
        (
            ["Adult social care systems in use 2015-16", "Adult social care systems in use"],
            ["Adult social care systems in us", "Adult social care systems i (2)"],
        ),
        (["Tab\there\nnew line"], ["Tab here new line"]),
    ],
)
def test_safe_sheet_names(names, safe):
    assert safe_sheet_names(names) == safe
    assert safe_sheet_names(names) == safe  # the same every time


@given(st.lists(st.text(max_size=40), min_size=1, max_size=8))
def test_safe_sheet_names_are_accepted_by_excel(names):
    safe = safe_sheet_names(names)
    assert len({name.casefold() for name in safe}) == len(names)
    workbook = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    for name in safe:
        assert len(name.encode("utf-16-le")) // 2 <= 31
        assert not set(name) & set("[]:*?/\\")
        workbook.add_worksheet(name)  # raises for a name Excel would refuse
    workbook.close()


# --- Bad uploads -------------------------------------------------------------------------


def workbook_bytes(fill):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fill(workbook)
    workbook.close()
    return buffer.getvalue()


def grid(rows, columns):
    lines = [",".join(["", *(f"C{c}" for c in range(columns))])]
    lines += [",".join([f"R{r}", *("x" for _ in range(columns))]) for r in range(rows)]
    return "\n".join(lines).encode()


NOT_A_SPREADSHEET = {
    "empty": (b"", "empty"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "97-2003"),
    "random": (b"".join(hashlib.sha256(bytes([n])).digest() for n in range(64)), "not"),
}


@pytest.mark.parametrize("case", NOT_A_SPREADSHEET)
def test_a_file_that_is_not_a_workbook_is_refused(case):
    data, message = NOT_A_SPREADSHEET[case]
    with pytest.raises(TableError, match=message):
        sheets_from_xlsx(data)


@pytest.mark.parametrize("case", NOT_A_SPREADSHEET)
def test_a_file_that_is_not_a_csv_is_refused(case):
    data, message = NOT_A_SPREADSHEET[case]
    with pytest.raises(TableError, match=message):
        sheet_from_csv("Adults", data)


def test_a_workbook_uploaded_as_csv_is_refused():
    with pytest.raises(TableError, match="not a CSV file"):
        sheet_from_csv("Adults", to_xlsx(barnet()))


def test_a_csv_uploaded_as_a_workbook_is_refused():
    with pytest.raises(TableError, match=r"not an Excel workbook \(.xlsx\)"):
        sheets_from_xlsx(grid(2, 2))


def test_other_zip_files_are_refused_as_workbooks():
    with pytest.raises(TableError, match="OpenDocument"):
        sheets_from_xlsx(to_ods(barnet()))
    with pytest.raises(TableError, match="zip file but not an Excel workbook"):
        sheets_from_xlsx(to_csv_zip(barnet()))
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(TableError, match="Word document"):
        sheets_from_xlsx(docx.getvalue())


def test_a_damaged_workbook_is_refused():
    data = to_xlsx(barnet())
    with pytest.raises(TableError, match="damaged"):
        sheets_from_xlsx(data[: len(data) // 2])


def test_a_workbook_that_unpacks_to_too_much_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/media/padding.bin", bytes(60 * 1024 * 1024))
    assert len(buffer.getvalue()) < MAX_FILE_BYTES
    with pytest.raises(TableError, match="too much"):
        sheets_from_xlsx(buffer.getvalue())


def test_csv_in_another_encoding_is_refused():
    data = b",Mosaic\nSupplier,\x81\x8d\xc3"
    with pytest.raises(TableError, match="UTF-8"):
        sheet_from_csv("Adults", data)


def test_files_over_5_mb_are_refused():
    data = b"," * (MAX_FILE_BYTES + 1)
    for read in (sheets_from_xlsx, lambda d: sheet_from_csv("Adults", d)):
        with pytest.raises(TableError, match="larger than 5 MB"):
            read(data)


def test_up_to_200_rows_are_read_and_more_are_refused():
    assert len(sheet_from_csv("Big", grid(MAX_ROWS, 2)).rows) == 200
    with pytest.raises(TableError, match="more than 200 rows"):
        sheet_from_csv("Big", grid(MAX_ROWS + 1, 2))
    tall = Sheet("Tall", ["A"], [f"R{n}" for n in range(MAX_ROWS + 1)])
    with pytest.raises(TableError, match="more than 200 rows"):
        sheets_from_xlsx(to_xlsx(AnswerTable([tall])))


def test_up_to_100_columns_are_read_and_more_are_refused():
    assert len(sheet_from_csv("Wide", grid(2, MAX_COLUMNS)).columns) == 100
    with pytest.raises(TableError, match="101 columns"):
        sheet_from_csv("Wide", grid(2, MAX_COLUMNS + 1))
    wide = Sheet("Wide", [f"C{n}" for n in range(MAX_COLUMNS + 1)], ["R"])
    with pytest.raises(TableError, match="101 columns"):
        sheets_from_xlsx(to_xlsx(AnswerTable([wide])))


def test_up_to_50_sheets_are_read_and_more_are_refused():
    def many(count):
        return AnswerTable([Sheet(f"S{n}", ["A"], ["R"]) for n in range(count)])

    assert len(sheets_from_xlsx(to_xlsx(many(MAX_SHEETS)))) == 50
    with pytest.raises(TableError, match="51 sheets"):
        sheets_from_xlsx(to_xlsx(many(MAX_SHEETS + 1)))


@pytest.mark.parametrize(
    "data",
    [b"Titles only\nSupplier\nUsers\n", b"\n\n", b",,,\nSupplier,x\n", b"\t\n"],
)
def test_a_csv_with_no_headings_is_refused(data):
    with pytest.raises(TableError, match="no column headings"):
        sheet_from_csv("Adults", data)


def test_a_workbook_with_no_headings_is_refused():
    def fill(workbook):
        worksheet = workbook.add_worksheet("Adults")
        worksheet.write_column(0, 0, ["Supplier", "Users"])
        worksheet.write_column(0, 1, ["", "415"])

    with pytest.raises(TableError, match="Sheet “Adults” has no column headings"):
        sheets_from_xlsx(workbook_bytes(fill))


def test_a_workbook_with_only_empty_sheets_is_refused():
    with pytest.raises(TableError, match="every sheet is empty"):
        sheets_from_xlsx(workbook_bytes(lambda workbook: workbook.add_worksheet("Empty")))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b",Mosaic,,Liquid\nUsers,1,,2\n", "no heading in cell C1"),
        (b",Mosaic\nUsers,1,2\n", "something in cell C2"),
        (b",Mosaic\nUsers,1\n,2\n", "no row title in cell A3"),
        (b',"Mosaic\nUsers,1\n', "quotes in it do not match"),
        (b',"Mosaic"s\nUsers,1\n', "quotes in it do not match"),
    ],
)
def test_a_csv_laid_out_wrongly_is_refused_with_the_cell(data, message):
    with pytest.raises(TableError, match=message):
        sheet_from_csv("Adults", data)


def test_a_csv_cell_too_long_for_the_reader_is_refused():
    data = b',"Mosaic\nUsers,' + b"x" * 200_000 + b'"\n'
    with pytest.raises(TableError, match="too long"):
        sheet_from_csv("Adults", data)


@given(st.binary(max_size=3000))
@settings(max_examples=300, deadline=None)
def test_any_bytes_give_sheets_or_a_table_error(data):
    for read in (sheets_from_xlsx, lambda d: [sheet_from_csv("Upload", d)]):
        with contextlib.suppress(TableError):
            assert all(isinstance(sheet, Sheet) for sheet in read(data))


REFERENCE_XLSX = to_xlsx(barnet())


@given(
    st.lists(
        st.tuples(st.integers(0, len(REFERENCE_XLSX) - 1), st.integers(0, 255)),
        min_size=1,
        max_size=8,
    )
)
@settings(max_examples=150, deadline=None)
def test_a_workbook_with_bytes_changed_gives_sheets_or_a_table_error(changes):
    data = bytearray(REFERENCE_XLSX)
    for position, byte in changes:
        data[position] = byte
    with contextlib.suppress(TableError):
        sheets_from_xlsx(bytes(data))


def rezipped(replacements):
    """The reference workbook with some members' contents replaced, checksums correct."""
    source = zipfile.ZipFile(io.BytesIO(REFERENCE_XLSX))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, replacements.get(name, source.read(name)))
    return buffer.getvalue()


MEMBERS = zipfile.ZipFile(io.BytesIO(REFERENCE_XLSX)).namelist()


@given(st.sampled_from(MEMBERS), st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_workbook_with_a_damaged_part_gives_sheets_or_a_table_error(member, data):
    original = zipfile.ZipFile(io.BytesIO(REFERENCE_XLSX)).read(member)
    cut = data.draw(st.integers(0, len(original)))
    insert = data.draw(
        st.binary(max_size=20) | st.sampled_from([b"<", b"&", b'"', b"<!DOCTYPE x>"])
    )
    with contextlib.suppress(TableError):
        sheets_from_xlsx(rezipped({member: original[:cut] + insert + original[cut + 5 :]}))


# --- Writing refuses what no spreadsheet could hold ---------------------------------------


def test_writing_a_table_with_no_sheets_is_refused():
    for write in (to_xlsx, to_ods, to_csv_zip):
        with pytest.raises(TableError, match="no sheets"):
            write(AnswerTable([]))


def test_writing_a_cell_outside_the_sheet_is_refused():
    sheet = Sheet("Adults", ["Mosaic"], ["Users"], {(1, 0): value("415")})
    with pytest.raises(TableError, match="row 2, column 1"):
        to_xlsx(AnswerTable([sheet]))


def test_writing_a_cell_longer_than_a_spreadsheet_cell_is_refused():
    sheet = Sheet("Adults", ["Mosaic"], ["Users"], {(0, 0): value("x" * 32_768)})
    with pytest.raises(TableError, match="32,767 characters"):
        to_xlsx(AnswerTable([sheet]))


def test_control_characters_are_left_out_of_every_file():
    sheet = Sheet("Ad\x00ults", ["Mo\x1bsaic"], ["Us\x07ers"], {(0, 0): value("4\x0b15\r\nx")})
    table = AnswerTable([sheet])
    assert sheets_from_xlsx(to_xlsx(table)) == [
        Sheet("Adults", ["Mosaic"], ["Users"], {(0, 0): value("415\nx")})
    ]
    tables, _content = ods_tables(to_ods(table))
    assert list(tables) == ["Adults"]


def test_links_that_are_not_web_addresses_are_not_made_clickable():
    sheet = Sheet("Adults", ["Mosaic"], ["Supplier"], {(0, 0): published("file:///etc/passwd")})
    worksheet = open_xlsx(to_xlsx(AnswerTable([sheet])))["Adults"]
    assert worksheet["B2"].value == "Published: file:///etc/passwd"
    assert worksheet["B2"].hyperlink is None


def test_a_heading_full_of_semicolons_is_still_read_as_comma_separated():
    """Found by the round-trip property: ",;;0" once read as semicolon-separated."""
    sheet = Sheet("S", [";;0", ";0;"], ["r"], {(0, 0): value("a;b"), (0, 1): value("c")})
    (data,) = csv_files(to_csv_zip(AnswerTable([sheet]))).values()
    read = sheet_from_csv("S", data)
    assert (read.columns, read.rows) == ([";;0", ";0;"], ["r"])
    assert read.cell(0, 0).value == "a;b"
