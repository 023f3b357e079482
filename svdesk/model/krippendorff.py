"""Krippendorff's alpha: how far the panel's individual scores agree beyond what chance would give.

Computed as Krippendorff, K. (2011) "Computing Krippendorff's Alpha-Reliability", Annenberg School
for Communication, University of Pennsylvania, sections A-C (the coincidence matrix and the
difference functions of section E): here a *unit* is one bid's answer to one question and its
values are the scores the members gave it (a member with no score for it is simply missing).

Written here rather than taken from the `krippendorff` package on PyPI: that package needs numpy,
a large dependency for one figure the app computes on at most 80,000 scores.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

NOMINAL, ORDINAL, INTERVAL = "nominal", "ordinal", "interval"

# Krippendorff, K. (2004) "Content Analysis: An Introduction to Its Methodology", 2nd ed., p.241:
# rely on data with alpha >= .800; consider .667 <= alpha < .800 only for tentative conclusions.
RELIABLE, TENTATIVE = 0.800, 0.667


def alpha(units: Iterable[Sequence[float]], metric: str = ORDINAL) -> float | None:
    """Alpha over `units`, each the values the coders gave one unit; None when it is undefined
    (no unit has two values, or every value is the same: no disagreement is then expected)."""
    # Step 1 (2011, A): only pairable units count, those with two values or more.
    # Step 2 (B): the coincidence matrix o[c, k] = sum over units of (pairs c-k in u) / (m_u - 1);
    # the pairs are ordered, so a unit's value c paired with its other values counts n_c * n_k (c != k)
    # or n_c * (n_c - 1) (c == k) times.
    coincidences: defaultdict[tuple[float, float], float] = defaultdict(float)
    for unit in units:
        m = len(unit)
        if m < 2:
            continue
        counts = Counter(unit)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                if pairs:
                    coincidences[c, k] += pairs / (m - 1)
    # The marginals n_c = sum over k of o[c, k], and n, the number of pairable values.
    marginal: defaultdict[float, float] = defaultdict(float)
    for (c, _k), o in coincidences.items():
        marginal[c] += o
    n = sum(marginal.values())
    if n <= 1:
        return None
    values = sorted(marginal)
    delta = _differences(values, marginal, metric)
    # Step 3 (C): alpha = 1 - D_o / D_e = 1 - (n - 1) * sum o_ck d_ck / sum n_c n_k d_ck.
    observed = sum(o * delta[c, k] for (c, k), o in coincidences.items())
    expected = sum(marginal[c] * marginal[k] * delta[c, k] for c in values for k in values)
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def _differences(values: list[float], marginal: Mapping[float, float], metric: str) -> dict[tuple[float, float], float]:
    """The squared difference function (2011, E) for each pair of the values that occur."""
    if metric == NOMINAL:
        return {(c, k): 0.0 if c == k else 1.0 for c in values for k in values}
    if metric == INTERVAL:
        return {(c, k): (c - k) ** 2 for c in values for k in values}
    if metric != ORDINAL:
        raise ValueError(f"unknown metric {metric!r}")
    # Ordinal: the values ranked; the difference between c and k is the number of values from c to
    # k, less half of c's and k's own: (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2.
    out: dict[tuple[float, float], float] = {}
    for i, c in enumerate(values):
        between = 0.0
        for j in range(i, len(values)):
            k = values[j]
            between += marginal[k]
            d = (between - (marginal[c] + marginal[k]) / 2) ** 2
            out[c, k] = out[k, c] = d
    return out


def reading(value: float | None) -> str:
    """One line, with Krippendorff's conventional thresholds (Krippendorff 2004, p.241; 2011)."""
    if value is None:
        return "agreement cannot be measured: no answer has scores from two members, or every score is the same"
    shown = f"Krippendorff's alpha {value:.3f}"
    if value >= RELIABLE:
        return f"reliable agreement ({shown} \u2265 0.800, Krippendorff's threshold)"
    if value >= TENTATIVE:
        return f"tentative agreement ({shown}: 0.667 to 0.800, enough only for tentative conclusions)"
    return f"low agreement ({shown} < 0.667, below Krippendorff's lowest threshold)"
