"""The exemptions and exceptions a response may rely on (data/exemptions.toml).

docs/law/refusals-and-exemptions.md. Each entry says how a letter cites it, whether the
public interest test applies, whether the authority may neither confirm nor deny, and default
wording for the letter. An authority's own wording is stored by the app and laid over the
default with ``dataclasses.replace(exemption("foia-43-2"), wording=...)``.
"""

import difflib
import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from foidesk.law.regimes import INFORMATION, Regime

DATA = Path(__file__).parent / "data" / "exemptions.toml"

ABSOLUTE = "absolute"
QUALIFIED = "qualified"
PROCEDURAL = "procedural"
KINDS = (ABSOLUTE, QUALIFIED, PROCEDURAL)
TESTS = ("class", "prejudice", "required for", "qualified person's opinion", "endanger", "—")

KEY_PREFIX = {Regime.FOI: "foia", Regime.EIR: "eir", Regime.FOISA: "foisa", Regime.EISR: "eisr"}


@dataclass(frozen=True)
class Exemption:
    """One exemption (FOIA, FOISA), exception (EIR, EISR) or procedural refusal.

    ``public_interest_test`` follows from ``kind`` (true exactly for qualified ones) rather
    than being given, so that a replacement can never make the two disagree.
    """

    key: str
    regime: Regime
    citation: str
    act: str
    title: str
    kind: str
    test: str
    ncnd: str
    wording: str
    advice_needed: str = ""
    presumption_of_disclosure: bool = False
    not_for_emissions: bool = False
    public_interest_test: bool = field(init=False)

    def __post_init__(self):
        regime = Regime(self.regime)
        if regime not in INFORMATION:
            raise ValueError(f"{self.key}: regime must be foi, eir, foisa or eisr, not {regime}")
        for name, allowed in (("kind", KINDS), ("test", TESTS)):
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"{self.key}: {name} must be one of {allowed}, not {value!r}")
        object.__setattr__(self, "regime", regime)
        object.__setattr__(self, "public_interest_test", self.kind == QUALIFIED)

    @property
    def full_citation(self):
        """E.g. "section 43(2) of the Freedom of Information Act 2000"."""
        return f"{self.citation} of the {self.act}"

    @property
    def is_exception(self):
        """The environmental regulations speak of exceptions; the Acts of exemptions."""
        return self.regime in (Regime.EIR, Regime.EISR)


def parent_regime(regime):
    """The regime whose exemptions apply: a review is decided under the same law as the
    request it reviews.

    Subject access has the Data Protection Act 2018's exemptions, which this catalogue does
    not hold, so it is refused here rather than answered with an empty set.
    """
    regime = Regime(regime)
    regime = regime.rules.reviews or regime
    if regime not in INFORMATION:
        raise ValueError(
            f"no exemptions catalogue for {regime}: subject access exemptions are in the "
            "Data Protection Act 2018, Schedules 2-4"
        )
    return regime


def catalogue(regime=None):
    """Every exemption in citation order, or those of one regime (a review's is its parent's)."""
    if regime is None:
        return list(_catalogue())
    return list(for_regime(regime).values())


def for_regime(regime):
    """The exemptions a response under ``regime`` may rely on, by key, in citation order."""
    return dict(_by_regime()[parent_regime(regime)])


def exemption(key):
    """One exemption by its key, e.g. ``exemption("foia-43-2")``."""
    try:
        return _by_key()[key]
    except KeyError:
        raise KeyError(_unknown_key_message(key)) from None


def _unknown_key_message(key):
    known = list(_by_key())
    near = [k for k in known if isinstance(key, str) and key and k.startswith(f"{key}-")]
    near = near or difflib.get_close_matches(str(key), known, n=3)
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    return (
        f"no exemption {key!r} in the catalogue (keys look like 'foia-43-2' or 'eir-12-5-e'){hint}"
    )


@functools.cache
def _catalogue():
    entries = tomllib.loads(DATA.read_text(encoding="utf-8"))
    exemptions = [_exemption(key, entry) for key, entry in entries.items()]
    return tuple(sorted(exemptions, key=_citation_order))


@functools.cache
def _by_key():
    return {e.key: e for e in _catalogue()}


@functools.cache
def _by_regime():
    return {
        regime: {e.key: e for e in _catalogue() if e.regime == regime} for regime in INFORMATION
    }


def _exemption(key, entry):
    regime = Regime(entry["regime"])
    if not key.startswith(f"{KEY_PREFIX.get(regime)}-"):
        raise ValueError(f"{key}: a {regime} key starts with {KEY_PREFIX.get(regime)}-")
    return Exemption(key=key, act=regime.rules.title, **entry)


def _citation_order(exemption):
    """Sections in number order, 22 before 22A, (a) before (aa) before (b)."""
    chunks = []
    for part in exemption.key.split("-")[1:]:
        for chunk in re.findall(r"\d+|[a-z]+", part):
            chunks.append((0, int(chunk), "") if chunk.isdigit() else (1, 0, chunk))
    return (INFORMATION.index(exemption.regime), chunks)
