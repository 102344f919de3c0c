"""Personal data in what is about to be published: the requester's own details in every form
they take, and anyone's details that a council should not publish by accident.

A disclosure log must never identify the requester, and should carry no one else's personal
data unless an officer decided it should (docs/law/personal-data.md, publishing). :func:`find`
says where each detail is and why it was found, so that an officer sees it in place: a detail
of the requester's must go before anything is published; anyone else's is removed, or kept
with a reason that is recorded.

Kinds of :class:`Finding`:

    requester_name      the requester's name, in any of its forms (see :func:`find`)
    requester_email     the requester's email address, also written as "jo at example dot com"
    requester_phone     one of the requester's telephone numbers, however it is spaced
    requester_address   a line of the requester's postal address above the town
    requester_postcode  the requester's postcode, in any spacing or case
    email               anyone's email address
    phone               a UK telephone number: landline, mobile, 03, 08, +44
    address             a house number and street followed by a postcode
    ni_number           a National Insurance number
    date_of_birth       a date written as someone's date of birth

Pure Python: the caller passes in what it knows of the requester (:class:`Requester`) and
the authority's own published contact details (``allowed``). Nothing here is logged.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

# Every response must tell the requester how to complain to the Commissioner (FOIA s.17(7);
# FOISA s.19): their published details are nobody's personal data, so never a finding.
COMMISSIONERS = (
    "The Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire, "
    "SK9 5AF, telephone 0303 123 1113",
    "Scottish Information Commissioner, Kinburn Castle, Doubledykes Road, St Andrews, Fife, "
    "KY16 9DS",
)


@dataclass(frozen=True)
class Requester:
    """What is known of the requester, as the app stores it: a name, their email address or
    addresses, a free-text postal address, and any telephone numbers (for example those
    found in their request's signature)."""

    name: str = ""
    emails: tuple[str, ...] = ()
    postal_address: str = ""
    phones: tuple[str, ...] = ()

    def __post_init__(self):
        # A single address or number reads the same as a list of one.
        for field in ("emails", "phones"):
            value = getattr(self, field)
            values = (value,) if isinstance(value, str) else tuple(value or ())
            object.__setattr__(self, field, tuple(v for v in values if isinstance(v, str)))
        for field in ("name", "postal_address"):
            if not isinstance(getattr(self, field), str):
                object.__setattr__(self, field, "")


@dataclass(frozen=True)
class Finding:
    """``text[start:end]`` is personal data of ``kind``; ``reason`` says what it is, in a
    sentence an officer reads; ``requester`` is whether it is the requester's own."""

    start: int
    end: int
    kind: str
    reason: str
    requester: bool


def find(text, requester, allowed=()):
    """Each place in ``text`` that holds personal data, in order, none overlapping.

    ``requester`` is a :class:`Requester` (None: nothing is known of them). ``allowed`` are
    the authority's own published contact details (its postal address, email address,
    telephone number): they, and the Commissioners' (:data:`COMMISSIONERS`), are never
    findings, though a detail of the requester's is found even there.

    The requester's name is found as: their full name; first and last name, with or without
    middle names or an initial; a title and surname ("Ms Brambleworth", "Mr. Brambleworth");
    initials and surname ("C. Brambleworth", "CJ Brambleworth"); "Brambleworth, Cuthbert";
    the surname alone, and each part of a double-barrelled one; and the first name alone
    where it ends a short line, as in a sign-off ("Thanks, Cuthbert") or a greeting. Case,
    accents, hyphens and apostrophes are matched loosely ("Zoe" finds "Zoë", "ONeill" finds
    "O'Neill"). A surname that is also an everyday word ("Green", "Hall") or has one or two
    letters counts alone only where it reads as a name: capitalised, inside a sentence and
    not part of a longer name ("Town Hall", "Green Lane") or a date ("May 2020"). A
    requester that is an organisation ("Acme Research Ltd") is found by its whole name.
    """
    if not isinstance(text, str) or not text:
        return []
    if not isinstance(requester, Requester):
        requester = Requester()
    folded = _Folded(text)
    permitted = _Permitted([*COMMISSIONERS, *(a for a in allowed or () if isinstance(a, str))])
    candidates = [
        *_requester_candidates(folded.text, requester),
        *(c for c in _anyone_candidates(folded.text) if not permitted.covers(c, folded.text)),
    ]
    return [
        Finding(*folded.span(c.start, c.end), c.kind, c.reason, c.requester)
        for c in _merged(candidates)
    ]


class _Candidate(NamedTuple):
    start: int
    end: int
    kind: str
    reason: str
    requester: bool


def _merged(candidates):
    """Overlapping candidates as one finding over them all, named after the longest of the
    requester's among them, or else the longest."""
    groups = []
    for candidate in sorted(candidates, key=lambda c: (c.start, -c.end)):
        if groups and candidate.start < groups[-1][0]:
            groups[-1][0] = max(groups[-1][0], candidate.end)
            groups[-1][1].append(candidate)
        else:
            groups.append([candidate.end, [candidate]])
    merged = []
    for end, members in groups:
        named = max(members, key=lambda c: (c.requester, c.end - c.start, -c.start))
        merged.append(named._replace(start=members[0].start, end=end))
    return merged


# ---------------------------------------------------------------------------------------
# Text compared loosely: accents, ligatures, curly quotes, dashes and invisible characters
# folded away, with the way back to the original's positions.

_FOLDED_CHARACTERS = {
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "ħ": "h", "Ħ": "H", "ı": "i", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss",
    "þ": "th", "Þ": "Th",
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'", "\u00b4": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ",
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
}  # fmt: skip


@lru_cache(maxsize=4096)
def _fold_character(character):
    if character in _FOLDED_CHARACTERS:
        return _FOLDED_CHARACTERS[character]
    decomposed = unicodedata.normalize("NFKD", character)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fold(value):
    if value.isascii():
        return value
    return "".join(c if c.isascii() else _fold_character(c) for c in value)


class _Folded:
    """``text`` folded, and where each of its characters came from in the original."""

    def __init__(self, original):
        self.original = original
        if original.isascii():
            self.text, self._origin = original, None
            return
        parts, origin = [], []
        for index, character in enumerate(original):
            folded = character if character.isascii() else _fold_character(character)
            parts.append(folded)
            origin.extend([index] * len(folded))
        self.text, self._origin = "".join(parts), origin

    def span(self, start, end):
        """The original's (start, end) for the folded text's, with any accents after it."""
        if self._origin is None:
            return start, end
        first, last = self._origin[start], self._origin[end - 1] + 1
        while last < len(self.original) and unicodedata.combining(self.original[last]):
            last += 1
        return first, last


def _key(value):
    """A value compared ignoring case, spacing and punctuation."""
    return "".join(c for c in _fold(value).casefold() if c.isalnum())


# ---------------------------------------------------------------------------------------
# Anyone's details

EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# "jo[at]example[dot]com", "jo (at) example.com": written so that spam robots miss it.
_AT = r"\s?[\[({<]\s?at\s?[\])}>]\s?"
_DOT = r"\s?[\[({<]\s?dot\s?[\])}>]\s?"
_HIDDEN_EMAIL = re.compile(
    rf"(?<![\w.+'-])[\w.+'-]+{_AT}[\w-]+(?:(?:\.|{_DOT})[\w-]+)+", re.IGNORECASE
)

# A UK number: 0 and nine or ten digits, or +44 / 0044 and the same without the 0,
# spaced, dashed, dotted or bracketed as people write them.
_UK_PREFIX = r"(?:(?:\+|00)\s?44[\s-]?(?:\(0\)\s?)?|\(?0)"
_PHONE = re.compile(
    rf"(?<![\w+])(?P<prefix>{_UK_PREFIX})[1-9](?:[ .)-]{{0,2}}[0-9]){{8,9}}(?![0-9])"
)


def _national(match):
    """A UK number's digits as dialled at home (0 and nine or ten digits), or "" if the
    digits cannot be a UK telephone number."""
    rest = re.sub(r"[^0-9]", "", match.group()[len(match["prefix"]) :])
    digits = "0" + rest
    if digits[1] not in "1235789":
        return ""
    if len(digits) == 11 or (len(digits) == 10 and digits[1] in "18"):
        return digits
    return ""


# The UK's postcode areas, then the district and the inward code (never C, I, K, M, O or V).
_POSTCODE_AREAS = (
    "AB|AL|BA|BB|BD|BF|BH|BL|BN|BR|BS|BT|BX|B|CA|CB|CF|CH|CM|CO|CR|CT|CV|CW|DA|DD|DE|DG|DH|DL|"
    "DN|DT|DY|EC|EH|EN|EX|E|FK|FY|GL|GU|GY|G|HA|HD|HG|HP|HR|HS|HU|HX|IG|IM|IP|IV|JE|KA|KT|KW|"
    "KY|LA|LD|LE|LL|LN|LS|LU|L|ME|MK|ML|M|NE|NG|NN|NP|NR|NW|N|OL|OX|PA|PE|PH|PL|PO|PR|RG|RH|"
    "RM|SA|SE|SG|SK|SL|SM|SN|SO|SP|SR|SS|ST|SW|SY|S|TA|TD|TF|TN|TQ|TR|TS|TW|UB|WA|WC|WD|WF|"
    "WN|WR|WS|WV|W|YO|ZE"
)
_POSTCODE = rf"\b(?:{_POSTCODE_AREAS})[0-9][A-Z0-9]?[ \t]{{0,2}}[0-9][ABD-HJLNP-UW-Z]{{2}}\b"
# As people write one in an address: in capitals.
POSTCODE = re.compile(_POSTCODE)
# The requester's is found however it is written.
_ANY_CASE_POSTCODE = re.compile(_POSTCODE, re.IGNORECASE)

# Words that end a street's name (or name a building), as written in addresses.
_STREET_WORDS = (
    "road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|place|pl|crescent|cres|court|"
    "ct|gardens|gdns|grove|terrace|tce|square|sq|hill|park|row|mews|walk|rise|view|green|"
    "parade|broadway|gate|wharf|quay|yard|vale|meadows?|mead|chase|croft|end|lea|heights|"
    "boulevard|embankment|circus|approach|bank|brow|causeway|passage|path|ride|wynd|hollow|"
    "fold|garth|brae|circle|cottages?|buildings|mansions|estate|house|villas|market|common|"
    "grange|manor|farm|lodge|flat|apartment"
)
# Abbreviations read as the word they stand for, in the requester's address.
_STREET_ABBREVIATIONS = [
    {"road", "rd"},
    {"street", "st"},
    {"avenue", "ave", "av"},
    {"lane", "ln"},
    {"close", "cl"},
    {"drive", "dr"},
    {"place", "pl"},
    {"crescent", "cres"},
    {"court", "ct"},
    {"gardens", "gdns"},
    {"terrace", "terr", "tce"},
    {"square", "sq"},
    {"parade", "pde"},
]
_HOUSE_NUMBER = r"[0-9]{1,4}[A-Za-z]?(?:-[0-9]{1,4}[A-Za-z]?)?"
_STREET = (
    rf"(?:(?:Flat|Apartment|Apt|Unit)\.?\s{{1,3}}[0-9]{{1,4}}[A-Za-z]?,?\s{{1,3}})?"
    rf"{_HOUSE_NUMBER},?\s{{1,3}}(?:[A-Z][\w'-]*\.?\s{{1,3}}){{0,3}}(?i:{_STREET_WORDS})\b\.?"
)
# A house number and street, then up to six words of the place, then the postcode.
_ADDRESS = re.compile(
    rf"(?<![\w£$./:-]){_STREET}(?:[,\s]{{1,4}}[A-Z][\w'.-]*){{0,6}}?[,\s]{{1,4}}{_POSTCODE}"
)
_NUMBER_AND_STREET = re.compile(rf"(?<![\w-]){_STREET}(?!\w)")

_NI_NUMBER = re.compile(
    r"(?<!\w)(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z](?:[ -]?[0-9]{2}){3}"
    r"[ -]?[A-D](?!\w)",
    re.IGNORECASE,
)

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_DAY = r"[0-3]?[0-9](?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)[0-9]{2}"
_DATE = (
    rf"(?:[0-3]?[0-9][/.-][01]?[0-9][/.-](?:19|20)?[0-9]{{2}}|{_YEAR}-[01][0-9]-[0-3][0-9]|"
    rf"{_DAY}\s{{1,3}}(?:of\s{{1,3}})?{_MONTHS}(?:,?\s{{1,3}}{_YEAR})?|"
    rf"{_MONTHS}\s{{1,3}}{_DAY}(?:,?\s{{1,3}}{_YEAR})?)"
)
_DATE_OF_BIRTH = re.compile(
    rf"\b(?:d\.?\s?o\.?\s?b\b\.?|date\s{{1,3}}of\s{{1,3}}birth|birth\s?date|born(?:\s{{1,3}}on)?)"
    rf"[\s:=(-]{{0,6}}(?:(?:is|was)\s{{1,3}})?(?P<date>{_DATE})(?![0-9])",
    re.IGNORECASE,
)


def _anyone_candidates(text):
    for pattern in (EMAIL, _HIDDEN_EMAIL):
        for match in pattern.finditer(text):
            yield _Candidate(match.start(), match.end(), "email", "an email address", False)
    for match in _PHONE.finditer(text):
        if _national(match):
            yield _Candidate(match.start(), match.end(), "phone", "a UK telephone number", False)
    for match in _ADDRESS.finditer(text):
        yield _Candidate(
            match.start(), match.end(), "address", "a postal address: house, street and postcode",
            False,
        )  # fmt: skip
    for match in _NI_NUMBER.finditer(text):
        yield _Candidate(
            match.start(), match.end(), "ni_number", "a National Insurance number", False
        )
    for match in _DATE_OF_BIRTH.finditer(text):
        yield _Candidate(
            match.start("date"), match.end("date"), "date_of_birth", "a date of birth", False
        )


class _Permitted:
    """The details that are never findings: the authority's and the Commissioners'."""

    def __init__(self, details):
        self.emails, self.phones, self.parts = set(), set(), set()
        for detail in details:
            detail = _fold(detail)
            self.emails |= {m.group().casefold() for m in EMAIL.finditer(detail)}
            self.phones |= {_national(m) for m in _PHONE.finditer(detail)} - {""}
            self.parts |= _address_parts(detail)

    def covers(self, candidate, text):
        value = text[candidate.start : candidate.end]
        if candidate.kind == "email":
            return value.casefold() in self.emails
        if candidate.kind == "phone":
            return _national(_PHONE.match(value)) in self.phones
        parts = _address_parts(value)
        return bool(parts) and parts <= self.parts


def _address_parts(value):
    """An address's parts (lines, and the postcode apart) compared loosely."""
    parts = set()
    for piece in re.split(r"[,;\n]", value):
        parts |= {_key(m.group()) for m in _ANY_CASE_POSTCODE.finditer(piece)}
        parts.add(_key(_ANY_CASE_POSTCODE.sub(" ", piece)))
    return parts - {""}


# ---------------------------------------------------------------------------------------
# The requester's details

_TITLES = (
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Master", "Dr", "Doctor", "Prof", "Professor", "Sir",
    "Dame", "Lord", "Lady", "Rev", "Revd", "Reverend", "Cllr", "Councillor", "Fr", "Rabbi",
    "Imam", "Capt", "Captain",
)  # fmt: skip
# After a name, as written in it: not part of the name.
_POST_NOMINALS = {
    "MBE", "OBE", "CBE", "KBE", "DBE", "BEM", "QC", "KC", "MP", "MSP", "MLA", "AM", "JP",
    "PhD", "PHD", "DPhil", "BA", "BSc", "MA", "MSc", "MEng", "MD", "FRS", "Esq", "Jr", "Jnr",
    "Sr", "Snr", "II", "III",
}  # fmt: skip
# Written in lower case before the last word of a surname: "van der Berg", "de la Cruz".
_PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "das", "le",
    "la", "st", "bin", "bint", "al", "el", "ap", "ter", "ten",
}  # fmt: skip
# Surnames that are everyday words too: alone, they count only where they read as a name,
# so that a request from Ms Hall about the Town Hall, or Mr Price about prices, can be read.
_EVERYDAY_SURNAMES = frozenset(
    {
        "bailey", "baker", "bank", "banks", "barber", "bell", "best", "bill", "bird", "bishop",
        "black", "bond", "booth", "bridge", "bright", "brook", "brooks", "brown", "bush",
        "butcher", "butler", "care", "carter", "cash", "chambers", "chance", "child", "church",
        "clay", "cook", "cooper", "cross", "day", "dean", "dear", "drake", "east", "english",
        "field", "fields", "fish", "fisher", "ford", "fox", "free", "french", "friend", "frost",
        "gale", "garden", "gates", "glass", "gold", "golden", "good", "grant", "gray", "green",
        "grey", "hall", "hand", "hardy", "harper", "hart", "hay", "head", "heath", "hill",
        "holiday", "hope", "horn", "house", "hunt", "hunter", "joy", "judge", "keen", "king",
        "knight", "lake", "lamb", "lane", "law", "lee", "light", "little", "long", "lord", "love",
        "low", "major", "march", "mark", "marsh", "mason", "may", "mill", "miller", "mills",
        "money", "moon", "moor", "morning", "new", "noble", "north", "oak", "page", "palmer",
        "park", "parks", "parish", "parsons", "peace", "penny", "pike", "pool", "porter", "post",
        "power", "price", "prince", "rain", "read", "reed", "rice", "rich", "rivers", "rock",
        "rose", "rush", "sage", "sale", "salt", "sand", "savage", "sharp", "shepherd", "short",
        "silver", "singer", "small", "smart", "snow", "south", "spring", "stone", "street",
        "strong", "summer", "summers", "sweet", "swift", "tanner", "thatcher", "tower", "turner",
        "wall", "walker", "ward", "warden", "waters", "weaver", "well", "wells", "welsh", "west",
        "white", "wild", "winter", "wise", "wood", "woods", "worth", "young",
    }
)  # fmt: skip
# A requester that is an organisation: its name is found whole, never a word of it alone
# ("Ltd", "Research").
_ORGANISATION_WORDS = {
    "ltd", "limited", "plc", "llp", "llc", "inc", "cic", "company", "group", "trust",
    "council", "association", "society", "foundation", "partnership", "partners", "services",
    "solutions", "consulting", "consultancy", "research", "news", "media", "union", "charity",
    "campaign", "university", "college", "school", "party", "network", "agency",
}  # fmt: skip

_REQUESTER_REASONS = {
    "name": "the requester's name",
    "initials": "the requester's initials and surname",
    "title": "the requester's title and surname",
    "surname": "the requester's surname",
    "first": "the requester's first name",
}


def _requester_candidates(text, requester):
    yield from _name_candidates(text, _fold(requester.name))
    for email in requester.emails:
        yield from _found(text, _email_pattern(_fold(email)), "requester_email",
                          "the requester's email address")  # fmt: skip
    for phone in requester.phones:
        yield from _found(text, _phone_pattern(_fold(phone)), "requester_phone",
                          "the requester's telephone number")  # fmt: skip
    address = _fold(requester.postal_address)
    for line in _house_lines(address):
        yield from _found(text, _line_pattern(line), "requester_address",
                          "the requester's postal address")  # fmt: skip
    postcodes = {_key(m.group()) for m in _ANY_CASE_POSTCODE.finditer(address)}
    for match in _ANY_CASE_POSTCODE.finditer(text):
        if _key(match.group()) in postcodes:
            yield _Candidate(match.start(), match.end(), "requester_postcode",
                             "the requester's postcode", True)  # fmt: skip


def _found(text, pattern, kind, reason):
    if pattern is None:
        return
    for match in pattern.finditer(text):
        if match.end() > match.start():
            yield _Candidate(match.start(), match.end(), kind, reason, True)


# Names


@dataclass(frozen=True)
class _Name:
    given: tuple  # first and middle names
    initials: frozenset  # of the given names, as capitals
    surname: str  # "Whitlock-Price", "van der Berg"

    @property
    def surname_parts(self):
        """Each part of a double-barrelled or many-word surname, on its own."""
        words = [w for w in re.split(r"[-\s]+", self.surname) if w.casefold() not in _PARTICLES]
        return [w for w in words if len(w) >= 2] if len(words) > 1 else []


def _parsed_name(name):
    """The given names, initials and surname in ``name`` as the app stores it ("Ms Zoë
    O'Neill", "Brambleworth, Cuthbert", "Jane Smith MBE", "J. Smith"), or None if it names
    no one."""
    name = re.sub(r"\([^)]*\)|[^\w\s,.'-]", " ", name)
    if name.count(",") == 1:
        before, after = name.split(",")
        kept = [w for w in after.split() if w.strip(".") not in _POST_NOMINALS]
        name = f"{' '.join(kept)} {before}" if kept else before
    words = [w for w in name.replace(",", " ").split() if w.strip(".'-")]
    words = [w for w in words if not re.search(r"[0-9_]", w)]
    titles = {t.casefold() for t in _TITLES}
    while words and words[0].strip(".").casefold() in titles:
        words.pop(0)
    while words and words[-1].strip(".") in _POST_NOMINALS:
        words.pop()
    if not words:
        return None
    surname = [words.pop().strip(".")]
    while len(words) > 1 and words[-1].strip(".").casefold() in _PARTICLES:
        surname.insert(0, words.pop())
    surname = " ".join(surname)
    if len(_key(surname)) < 2:
        return None
    given = tuple(w.strip(".") for w in words if len(w.strip(".")) >= 2)
    initials = frozenset(p[0].upper() for w in words for p in w.split("-") if p[:1].isalpha())
    return _Name(given, initials, surname)


def _word_pattern(word):
    """A word of a name or address as a pattern: hyphens, apostrophes and dots as written or
    left out ("O'Neill", "ONeill", "O Neill"; "Whitlock-Price", "Whitlock Price")."""
    pattern = []
    for piece in re.split(r"([-'`.\s]+)", word):
        if not piece:
            continue
        if "-" in piece:
            pattern.append(r"(?:\s{0,2}-\s{0,2}|\s{1,2})")
        elif "'" in piece or "`" in piece:
            pattern.append(r"(?:['`]\s?|\s)?")
        elif "." in piece:
            pattern.append(r"\.?\s{0,2}")
        elif piece.isspace():
            pattern.append(r"\s{1,3}")
        else:
            pattern.append(re.escape(piece))
    return "".join(pattern)


def _alternatives(words):
    words = sorted(set(words), key=len, reverse=True)  # the longest first
    return "|".join(_word_pattern(w) for w in words)


_TITLE_PATTERN = "|".join(sorted({*_TITLES, *(t.upper() for t in _TITLES)}, key=len, reverse=True))


def _name_candidates(text, name):
    if _ORGANISATION_WORDS & {_key(word) for word in name.split()}:
        whole = " ".join(name.split())
        if len(_key(whole)) >= 2:
            pattern = re.compile(rf"(?<!\w){_word_pattern(whole)}(?!\w)", re.IGNORECASE)
            yield from _found(text, pattern, "requester_name", _REQUESTER_REASONS["name"])
        return
    parsed = _parsed_name(name)
    if parsed is None:
        return
    surnames = _alternatives([parsed.surname, *parsed.surname_parts])
    given = _alternatives(parsed.given) if parsed.given else None
    initials = "".join(sorted(parsed.initials))
    prefix = rf"(?:(?P<title>(?-i:{_TITLE_PATTERN}))\.?\s{{1,3}})?"
    if given:
        # Known first and middle names, and perhaps one more middle name not known.
        prefix += rf"(?:(?P<given>(?:(?:{given})\s{{1,3}})+)(?-i:[A-Z][\w'-]*\.?\s{{1,3}})?)?"
    if initials:
        # The first initial is one of theirs; the ones after it may be of names not known.
        prefix += (
            rf"(?P<initials>(?-i:[{initials}]\.\s{{0,2}}(?:[A-Z]\.\s{{0,2}}){{0,2}}|"
            rf"[{initials}][A-Z]{{0,2}}\s{{1,3}}))?"
        )
    named = re.compile(rf"(?<!\w){prefix}(?P<surname>{surnames})(?!\w)", re.IGNORECASE)
    for match in named.finditer(text):
        form = _form(text, match)
        if form is not None:
            yield _Candidate(form[1], match.end(), "requester_name",
                             _REQUESTER_REASONS[form[0]], True)  # fmt: skip
    if not given:
        return
    reversed_name = re.compile(
        rf"(?<!\w)(?:{_word_pattern(parsed.surname)})\s{{0,2}},\s{{0,3}}"
        rf"(?:(?-i:{_TITLE_PATTERN})\.?\s{{1,3}})?(?:{given})(?!\w)",
        re.IGNORECASE,
    )
    yield from _found(text, reversed_name, "requester_name", _REQUESTER_REASONS["name"])
    first = re.compile(rf"(?<!\w)(?:{given})(?!\w)", re.IGNORECASE)
    for match in first.finditer(text):
        if text[match.start()].isupper() and _ends_short_line(text, match):
            yield _Candidate(match.start(), match.end(), "requester_name",
                             _REQUESTER_REASONS["first"], True)  # fmt: skip


def _form(text, match):
    """Which form of the name ``match`` is, and where it starts; None where it is only an
    everyday word that happens to be the surname."""
    groups = match.groupdict()
    everyday = _key(match["surname"]) in _EVERYDAY_SURNAMES or len(_key(match["surname"])) <= 2
    initials = groups.get("initials")
    if initials and everyday and initials.strip() in {"A", "I", "O"}:
        initials = None  # "A Green space" is not A. Green
    if groups.get("given"):
        return "name", match.start()
    if initials:
        return "initials", match.start()
    if groups["title"]:
        return "title", match.start()
    start = match.start("surname")
    if not everyday or _reads_as_a_name(text, start, match.end()):
        return "surname", start
    return None


def _reads_as_a_name(text, start, end):
    """Whether a capitalised everyday word at ``text[start:end]`` stands alone in a sentence:
    not at its start, and with no capitalised word or number beside it."""
    if not text[start].isupper():
        return False
    before = text[max(0, start - 40) : start].rstrip(" \t")
    if not before or before[-1] in ".!?\n:;\"'(":
        return False
    previous = re.search(r"([\w'-]+)[ \t]*$", before)
    following = re.match(r"[ \t]+([\w'-]+)", text[end : end + 40])
    return not any(
        word and (word[0].isupper() or word[0].isdigit())
        for word in (previous and previous[1], following and following[1])
    )


def _ends_short_line(text, match):
    """Whether a first name ends a short line, as in "Thanks, Cuthbert" or "Dear Zoë,"."""
    line_start = text.rfind("\n", 0, match.start()) + 1
    line_end = text.find("\n", match.end())
    line_end = len(text) if line_end == -1 else line_end
    before = text[line_start : match.start()]
    after = text[match.end() : line_end]
    return (
        len(re.findall(r"\w+", before)) <= 3
        and not re.search(r"[0-9]", before)
        and re.fullmatch(rf"[\s,.!;:-]*(?:\((?:{_TITLE_PATTERN})\.?\)[\s,.!]*)?", after) is not None
    )


# Email, telephone and address


def _email_pattern(email):
    """The requester's address as written, or spelt out: "jo dot bloggs at example dot com"."""
    email = email.strip().strip("<>")
    local, at, domain = email.rpartition("@")
    if not (local and at and "." in domain):
        return None
    dot = rf"(?:\s?\.\s?|{_DOT}|\s+dot\s+)"
    spelt = [dot.join(re.escape(p) for p in part.split(".")) for part in (local, domain)]
    at_sign = rf"(?:\s?@\s?|{_AT}|\s+at\s+)"
    return re.compile(rf"(?<![\w.+'-]){spelt[0]}{at_sign}{spelt[1]}(?![\w-])", re.IGNORECASE)


def _phone_pattern(phone):
    """The requester's number however it is spaced, and a UK one with +44 or 0 alike."""
    phone = phone.strip()
    digits = re.sub(r"[^0-9]", "", phone.replace("(0)", ""))
    if phone.startswith("+44") or phone.startswith("0044"):
        digits = "0" + digits[2 if phone.startswith("+") else 4 :]
    elif phone.startswith("+"):
        digits = "+" + digits
    if len(digits.lstrip("+")) < 6:
        return None
    separator = r"[ .()-]{0,3}"
    if digits.startswith("0"):
        prefix = _UK_PREFIX
        rest = digits[1:]
    else:
        prefix = r"(?:\+|00)?\s?" if digits.startswith("+") else ""
        rest = digits.lstrip("+")
    body = separator.join(rest)
    return re.compile(rf"(?<![\w+]){prefix}{body}(?![0-9])")


def _house_lines(address):
    """The lines of the requester's address that are theirs alone: up to the last that has a
    house number or a street (or, with neither, the first), without the postcode; the town
    and county below are shared by thousands, and name the authority's own area."""
    lines = []
    for line in re.split(r"[,;\n]", address):
        line = " ".join(_ANY_CASE_POSTCODE.sub(" ", line).split())
        if line:
            lines.append(line)
    street = re.compile(rf"[0-9]|\b(?:{_STREET_WORDS})\b", re.IGNORECASE)
    marked = [index for index, line in enumerate(lines) if street.search(line)]
    house = lines[: marked[-1] + 1] if marked else lines[:1]
    parts = set(house)
    for line in house:
        # "c/o 12 Acacia Avenue London" holds "12 Acacia Avenue", often written alone.
        parts |= {m.group() for m in _NUMBER_AND_STREET.finditer(line)}
    return sorted(part for part in parts if len(_key(part)) >= 4)


def _line_pattern(line):
    words = re.findall(r"[\w'`-]+", line)
    if not words:
        return None
    patterns = []
    for word in words:
        same = next((s for s in _STREET_ABBREVIATIONS if word.casefold() in s), None)
        if same:
            patterns.append(rf"(?:{'|'.join(sorted(same, key=len, reverse=True))})\.?")
        else:
            patterns.append(_word_pattern(word))
    return re.compile(rf"(?<!\w){r'[\s,.]{1,4}'.join(patterns)}(?!\w)", re.IGNORECASE)
