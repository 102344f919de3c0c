"""What callers see: the :class:`Results` of a search, a :class:`Hit` for each entry found,
and the :class:`Filters` that narrow a search."""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

from foidesk.law.dates import LONDON


@dataclass(frozen=True, slots=True)
class Hit:
    entry_id: int
    rank: float  # higher is better; 0 for a listing without words
    snippet_html: str  # escaped text, matches in <mark>: safe to output as HTML


@dataclass(frozen=True, slots=True)
class Results:
    total: int
    hits: list[Hit]
    # True when more than ``total`` entries matched: only the newest ``total`` were ranked.
    capped: bool = False


@dataclass(frozen=True, slots=True)
class Filters:
    """Published between two days (inclusive, UK time), and exact values of the version."""

    published_from: date | None = None
    published_to: date | None = None
    service_area: str = ""
    outcome: str = ""
    regime: str = ""
    topic: str = ""

    @classmethod
    def of(cls, filters):
        """A Filters from None, a Filters, or a mapping with the same keys (blanks ignored)."""
        if filters is None:
            return cls()
        if isinstance(filters, cls):
            return filters
        if not isinstance(filters, Mapping):
            raise TypeError(f"filters must be a Filters or a mapping, not {type(filters)}")
        known = {field.name for field in fields(cls)}
        unknown = set(filters) - known
        if unknown:
            raise TypeError(f"unknown filters {sorted(unknown)}: use {sorted(known)}")
        values = {key: value for key, value in filters.items() if value not in (None, "")}
        for key in ("published_from", "published_to"):
            if key in values:
                values[key] = _as_date(values[key])
        return cls(**values)

    def facets(self):
        """The (kind, value) pairs every match must have."""
        pairs = [
            ("service_area", self.service_area),
            ("outcome", self.outcome),
            ("regime", self.regime),
            ("topic", self.topic),
        ]
        return [(kind, value) for kind, value in pairs if value]

    def published_range(self):
        """[start, end) as aware datetimes, either None when open."""
        start = end = None
        if self.published_from:
            start = datetime.combine(self.published_from, time(), tzinfo=LONDON)
        if self.published_to:
            end = datetime.combine(self.published_to + timedelta(days=1), time(), tzinfo=LONDON)
        return start, end


def _as_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
