"""OpenDocument spreadsheets: a table written as one (:func:`to_ods`), with the same
content as the Excel workbook, and LibreOffice's view settings freezing the headings."""

import io

from odf import config, dc, style, table, teletype, text
from odf.opendocument import OpenDocumentSpreadsheet

from foidesk.responses.tables.answer_table import EMPTY_CELL, VALUE, AnswerTable
from foidesk.responses.tables.grids import _grids, _hyperlink, _number, _widths
from foidesk.responses.tables.names import _clean


def to_ods(answer: AnswerTable, title: str = "") -> bytes:
    """The table as an OpenDocument spreadsheet, with the same content as :func:`to_xlsx`."""
    grids = _grids(answer)
    document = OpenDocumentSpreadsheet()
    if title := _clean(title).strip():
        document.meta.addElement(dc.Title(text=title))

    def cell_style(name: str, **text_properties) -> style.Style:
        made = style.Style(name=name, family="table-cell")
        made.addElement(style.TableCellProperties(wrapoption="wrap", verticalalign="top"))
        if text_properties:
            made.addElement(style.TextProperties(**text_properties))
        document.automaticstyles.addElement(made)
        return made

    bold = {"fontweight": "bold", "fontweightasian": "bold", "fontweightcomplex": "bold"}
    heading = cell_style("heading", **bold)
    row_title = cell_style("row-title", **bold)
    plain = cell_style("plain")
    note = style.Style(name="note", family="table-cell")
    note.addElement(style.TextProperties(fontstyle="italic"))
    document.automaticstyles.addElement(note)
    column_styles: dict[int, style.Style] = {}

    def column_style(width: int) -> style.Style:
        if width not in column_styles:
            made = style.Style(name=f"width-{width}", family="table-column")
            made.addElement(style.TableColumnProperties(columnwidth=f"{width * 0.2 + 0.2:.1f}cm"))
            document.automaticstyles.addElement(made)
            column_styles[width] = made
        return column_styles[width]

    def add_cell(row, written="", look=plain, number=None, url="") -> None:
        if not written:
            row.addElement(table.TableCell())
            return
        if number is not None:
            made = table.TableCell(valuetype="float", value=written, stylename=look)
        else:
            made = table.TableCell(valuetype="string", stylename=look)
        paragraph = text.P()
        if url:
            anchor = text.A(type="simple", href=url)
            teletype.addTextToElement(anchor, written)
            paragraph.addElement(anchor)
        else:
            teletype.addTextToElement(paragraph, written)
        made.addElement(paragraph)
        row.addElement(made)

    for grid in grids:
        sheet = table.Table(name=grid.name)
        for width in _widths(grid):
            sheet.addElement(table.TableColumn(stylename=column_style(width)))
        row = table.TableRow()
        add_cell(row)
        for value in grid.columns:
            add_cell(row, value, heading)
        sheet.addElement(row)
        for index, value in enumerate(grid.rows):
            row = table.TableRow()
            add_cell(row, value, row_title)
            for column in range(len(grid.columns)):
                cell, written = grid.cells.get((index, column), (EMPTY_CELL, ""))
                number = _number(written) if cell.kind == VALUE else None
                add_cell(row, written, number=number, url=_hyperlink(cell))
            sheet.addElement(row)
        if grid.footnotes:
            sheet.addElement(table.TableRow())
            for line in grid.footnotes:
                row = table.TableRow()
                add_cell(row, line, note)
                sheet.addElement(row)
        document.spreadsheet.addElement(sheet)

    document.settings.addElement(_ods_frozen_panes([grid.name for grid in grids]))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _ods_frozen_panes(names: list[str]) -> config.ConfigItemSet:
    """LibreOffice's view settings freezing the heading row and row-title column."""
    settings = config.ConfigItemSet(name="ooo:view-settings")
    views = config.ConfigItemMapIndexed(name="Views")
    view = config.ConfigItemMapEntry()
    view.addElement(config.ConfigItem(name="ViewId", type="string", text="view1"))
    tables = config.ConfigItemMapNamed(name="Tables")
    for name in names:
        entry = config.ConfigItemMapEntry(name=name)
        for item, kind, value in (
            ("HorizontalSplitMode", "short", "2"),
            ("VerticalSplitMode", "short", "2"),
            ("HorizontalSplitPosition", "int", "1"),
            ("VerticalSplitPosition", "int", "1"),
            ("ActiveSplitRange", "short", "2"),
            ("PositionLeft", "int", "0"),
            ("PositionRight", "int", "1"),
            ("PositionTop", "int", "0"),
            ("PositionBottom", "int", "1"),
        ):
            entry.addElement(config.ConfigItem(name=item, type=kind, text=value))
        tables.addElement(entry)
    view.addElement(tables)
    if names:
        view.addElement(config.ConfigItem(name="ActiveTable", type="string", text=names[0]))
    views.addElement(view)
    settings.addElement(views)
    return settings
