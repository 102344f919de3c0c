"""Bank holidays of each UK nation, from the ``holidays`` package.

Building them with the package takes a few hundred milliseconds, too slow for a command
line, so a snapshot of its data for SNAPSHOT_YEARS ships in data/bank-holidays.json and the
package is asked only for years outside it. Regenerate the snapshot after upgrading the
package with ``python -m foidesk.law.bank_holidays``; a test checks that they agree.
"""

import functools
import json
from datetime import date
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "data" / "bank-holidays.json"
SNAPSHOT_YEARS = range(2000, 2061)

# The holidays package's subdivisions of GB, by foidesk's name for each nation.
SUBDIVISIONS = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}


def from_package(nation, years):
    """{date: name} for ``nation`` in ``years``, computed by the holidays package."""
    import holidays

    found = holidays.country_holidays("GB", subdiv=SUBDIVISIONS[nation], years=years)
    return dict(found.items())


@functools.cache
def _snapshot():
    """{nation: {year: {date: name}}} from the snapshot file."""
    by_nation = {}
    for nation, days in json.loads(SNAPSHOT.read_text()).items():
        by_year = by_nation.setdefault(nation, {})
        for text, name in days.items():
            day = date.fromisoformat(text)
            by_year.setdefault(day.year, {})[day] = name
    return by_nation


@functools.cache
def of_year(nation, year):
    """{date: name} of the bank holidays of ``nation`` in ``year``."""
    if year in SNAPSHOT_YEARS:
        return _snapshot()[nation].get(year, {})
    return from_package(nation, [year])


def write_snapshot():
    data = {
        nation: {
            day.isoformat(): name
            for day, name in sorted(from_package(nation, list(SNAPSHOT_YEARS)).items())
        }
        for nation in SUBDIVISIONS
    }
    SNAPSHOT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    write_snapshot()
