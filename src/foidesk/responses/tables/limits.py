"""What an upload may hold, and what a spreadsheet holds in a cell and a sheet's name."""

# Limits on what an upload may hold.
MAX_ROWS = 200  # below the heading row
MAX_COLUMNS = 100  # right of the row titles
MAX_SHEETS = 50
MAX_FILE_BYTES = 5 * 1024 * 1024
# An XLSX file is a zip: what it may unpack to, so a small file cannot expand without bound.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 1000
# A spreadsheet cell holds at most this many characters (UTF-16 code units), as Excel.
MAX_CELL_CHARS = 32_767
MAX_SHEET_NAME_CHARS = 31
