"""What foidesk will read: the largest file, and the most that a zip may unpack to."""

from foidesk.responses import tables

# What foidesk will read. A released file may be larger than an answer table (a scanned
# report, a year of spending), so the size is what the reverse proxy accepts for an upload.
# The parts of an Office file are read streaming, so a zip may unpack to more than an
# answer table may (a 7 MB workbook of 150,000 rows unpacks to 60 MB) while memory stays
# small; beyond the limit it is refused unread, as a zip bomb. The parts read whole (the
# workbook's list of sheets, properties, styles) are held to a few megabytes.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_ZIP_MEMBERS = tables.MAX_ZIP_MEMBERS
MAX_WHOLE_PART_BYTES = 10 * 1024 * 1024
