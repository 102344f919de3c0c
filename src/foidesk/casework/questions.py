"""Splitting a request's text into its numbered questions.

Only the request itself is split: its wrapping (greeting, sign-off and signature, quoted
mail, the WhatDoTheyKnow footer: see text.wrapping) is taken off first, since
contributors are shown the questions and must never see who asked.

Requesters number their questions in many ways (wrapping.QUESTION_MARKERS): "Q1.",
"Question 1:", "1)", "(a)", bullet points. The first style found is the list; lines in
another style are part of a question. A question runs on until the next marker of its
style or a blank line. Text without any list is one question: the request's own words,
without the paragraphs before and after them that are nothing but standard phrases ("I am
writing under the Freedom of Information Act 2000 to request the following information.").
"""

import re

from foidesk.text.wrapping import QUESTION_MARKERS, only_standard_phrases, unwrap

BLANK_LINES = re.compile(r"\n\s*\n")


def split_questions(text):
    """[(number, question text)] found in the request in ``text``, numbered from 1."""
    body = unwrap(text).body
    style = _list_style(body)
    if style is None:
        return [(1, _the_request(body))] if body else []
    questions, current = [], None
    for line in body.splitlines():
        found = QUESTION_MARKERS[style].match(line)
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
        for style, pattern in QUESTION_MARKERS.items():
            if pattern.match(line):
                return style
    return None


def _the_request(body):
    """``body`` without its opening and closing paragraphs of standard phrases, unless that
    would leave nothing."""
    paragraphs, at = [], 0
    for gap in BLANK_LINES.finditer(body):
        paragraphs.append((at, gap.start()))
        at = gap.end()
    paragraphs.append((at, len(body)))
    while len(paragraphs) > 1 and only_standard_phrases(body[slice(*paragraphs[0])]):
        paragraphs.pop(0)
    while len(paragraphs) > 1 and only_standard_phrases(body[slice(*paragraphs[-1])]):
        paragraphs.pop()
    return body[paragraphs[0][0] : paragraphs[-1][1]]
