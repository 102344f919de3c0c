"""How fast the statutory clock answers.

1. `foidesk deadline foi 2020-01-17 --json` as a new process, as other tools call it: the
   target is well under half a second from start to exit.
2. deadline() in process, for the casework pages that recompute many deadlines.

Run: uv run python benchmarks/deadline.py   (writes benchmarks/results/deadline.json)
"""

import json
import platform
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from percentiles import percentile

from foidesk.law import ClockEvent, Event, deadline

FOIDESK = Path(sys.executable).parent / "foidesk"
RESULTS = Path(__file__).parent / "results" / "deadline.json"


def command_line(runs=30):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [FOIDESK, "deadline", "foi", "2020-01-17", "--json"], check=True, capture_output=True
        )
        timings.append(time.perf_counter() - started)
    return _summary(timings)


def in_process(count=20_000):
    """A mix like a caseload's: four regimes, a tenth paused for a fee, a third extended."""
    start = date(2015, 1, 1)
    deadline("foi", start)  # loads the calendars once, as a running server has
    timings = []
    for n in range(count):
        received = start + timedelta(days=n % 3650)
        regime = ("foi", "eir", "foisa", "sar")[n % 4]
        events = []
        if n % 10 == 0:
            events = [
                ClockEvent(Event.FEE_NOTICE_GIVEN, received + timedelta(days=3)),
                ClockEvent(Event.FEE_RECEIVED, received + timedelta(days=9)),
            ]
        extended = n % 3 == 0 and regime != "foisa"
        began = time.perf_counter()
        deadline(regime, received, events, extended=extended)
        timings.append(time.perf_counter() - began)
    return _summary(timings)


def _summary(timings):
    ordered = sorted(timings)
    return {
        "runs": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(percentile(ordered, 0.95) * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


if __name__ == "__main__":
    results = {
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "command_line": command_line(),
        "in_process": in_process(),
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
