"""The percentile every benchmark reports its timings by, taken one way."""

import math


def percentile(values, fraction):
    """The nearest-rank percentile: the smallest of ``values`` that at least ``fraction``
    of them are at or below (0.95 for the p95)."""
    ordered = sorted(values)
    return ordered[math.ceil(len(ordered) * fraction) - 1]
