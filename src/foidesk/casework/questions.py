"""Splitting a request's text into its numbered questions.

Requesters number their questions in many ways: "Q1.", "Question 1:", "1)", "(a)", bullet
points. The first style found is the list; lines in another style are part of a question.
A question runs on until the next marker of its style or a blank line. Text without any
list is one question.
"""

import re

STYLES = {
    "question": re.compile(r"^\s*(?:q|question)\s*(\d+)\s*[.):\-–]?\s+(.*)$", re.IGNORECASE),
    "number": re.compile(r"^\s*\(?(\d+)[.)]\s+(.*)$"),
    "letter": re.compile(r"^\s*\(?([a-z])\)\s+(.*)$"),
    "bullet": re.compile(r"^\s*([-*•‣◦])\s+(.*)$"),
}


def split_questions(text):
    """[(number, question text)] found in ``text``, numbered from 1."""
    style = _list_style(text)
    if style is None:
        return [(1, text.strip())] if text.strip() else []
    questions, current = [], None
    for line in text.splitlines():
        found = STYLES[style].match(line)
        if found:
            current = [found.group(2).strip()]
            questions.append(current)
        elif current is not None and line.strip():
            current.append(line.strip())
        else:
            current = None
    return [(number, "\n".join(lines)) for number, lines in enumerate(questions, start=1)]


def _list_style(text):
    for line in text.splitlines():
        for style, pattern in STYLES.items():
            if pattern.match(line):
                return style
    return None
