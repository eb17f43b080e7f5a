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


def median_of_ratios_interval(rows, rng):
    """The 95% interval of the median over `rows` of each row's ratio of medians, where every row
    is a (numerators, denominators) pair of lists indexed by the same rounds (None where a round has
    no value). Resampling draws whole rounds, so the rows of one round stay together as they ran;
    None with fewer than 2 rounds."""
    rounds = max((len(n) for n, _ in rows), default=0)
    if rounds < 2:
        return None
    estimates = []
    for _ in range(BOOTSTRAP_RESAMPLES):
        sample = rng.choices(range(rounds), k=rounds)
        ratios = []
        for numerators, denominators in rows:
            pairs = [(numerators[i], denominators[i]) for i in sample
                     if numerators[i] is not None and denominators[i]]
            if pairs:
                ratios.append(statistics.median(a for a, _ in pairs) / statistics.median(b for _, b in pairs))
        if ratios:
            estimates.append(statistics.median(ratios))
    return _interval(estimates) if estimates else None


def judge(interval, target, at_least=False):
    """"met", "missed" or "cannot tell" for a bound `target` (an upper bound, or a lower one when
    `at_least`): met or missed only when the whole 95% interval is on one side of it; "no
    interval" with fewer than 2 rounds."""
    if interval is None:
        return "no interval"
    low, high = interval
    if (low >= target) if at_least else (high <= target):
        return "met"
    if (high < target) if at_least else (low > target):
        return "missed"
    return "cannot tell"


def target_verdict(interval, target, at_least=False, subject="target"):
    """judge()'s word as a phrase: "target <= 1.10 met", "target >= 0.95: this run cannot tell"
    (with `subject` in place of "target" when given)."""
    word = judge(interval, target, at_least)
    if word == "no interval":
        return "(one round: no interval)"
    bound = f"{subject} {'>=' if at_least else '<='} {target:.2f}"
    return f"{bound}: this run cannot tell" if word == "cannot tell" else f"{bound} {word}"


def overlap(a, b):
    """Whether two intervals overlap; None when either is missing."""
    return None if a is None or b is None else a[0] <= b[1] and b[0] <= a[1]
