"""How much of a message is read: the largest message and attachment, how deeply
forwarded messages and parts may nest, when a message of many parts is read the faster
way, and how many problems are listed. Beyond them the message is still stored, and a
problem says what was not read."""

from __future__ import annotations

MB = 1024 * 1024
MAX_MESSAGE_BYTES = 25 * MB
# The largest message foidesk takes in by any channel (SMTP, the API, a mailbox): twice
# what it reads, so that a message too large to read is still stored for an officer.
MAX_RECEIVED_BYTES = 2 * MAX_MESSAGE_BYTES
MAX_ATTACHMENT_BYTES = 10 * MB
# Forwarded messages inside forwarded messages: a person never nests more than a few; a
# hostile message nests thousands to exhaust the stack.
MAX_FORWARD_DEPTH = 5
MAX_PART_DEPTH = 30
MANY_PARTS = 2000
MAX_PROBLEMS = 30
TOO_MANY_PROBLEMS = "There are more problems with the message than are listed here"
