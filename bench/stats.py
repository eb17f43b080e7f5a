"""The statistics the benchmark scripts share: percentile-bootstrap 95% intervals of a median (one
value per round) and of a ratio of two medians taken over paired runs, as duet's own stats give
one for timings (host/core/stats)."""

import statistics

BOOTSTRAP_RESAMPLES = 2000


def _interval(estimates):
    estimates.sort()
    return [estimates[int(0.025 * len(estimates))], estimates[int(0.975 * len(estimates)) - 1]]


def median_interval(values, rng):
    """The 95% interval of the median of `values`; None with fewer than 2."""
    if len(values) < 2:
        return None
    return _interval([statistics.median(rng.choices(values, k=len(values))) for _ in range(BOOTSTRAP_RESAMPLES)])


def ratio_interval(numerators, denominators, rng):
    """The 95% interval of median(numerators) / median(denominators), the two paired run by run
    (run i of each was taken back to back), so resampling keeps each pair together and a slow
    spell of the machine moves both sides of a pair; None with fewer than 2 pairs."""
    if len(numerators) != len(denominators):
        raise ValueError("ratio_interval needs paired runs")
    if len(numerators) < 2:
        return None
    indices = range(len(numerators))
    estimates = []
    for _ in range(BOOTSTRAP_RESAMPLES):
        sample = rng.choices(indices, k=len(numerators))
        estimates.append(statistics.median(numerators[i] for i in sample) /
                         statistics.median(denominators[i] for i in sample))
    return _interval(estimates)


def overlap(a, b):
    """Whether two intervals overlap; None when either is missing."""
    return None if a is None or b is None else a[0] <= b[1] and b[0] <= a[1]
