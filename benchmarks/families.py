"""Reproducible instance families for the benchmarks: the same seed gives the same instance.

Every generator returns a plain dict shaped like an instance file, ready for
:func:`dealopt.instance`, so a generated instance can also be dumped to YAML and solved with
the command line.
"""

from __future__ import annotations

import random
from typing import Any

OPTIONS = 5
"""Options per issue in the two-party family."""
PARTIES = ("a", "b")
OPPOSED_SHARE = 0.75
"""Share of issues on which the two parties' scores run in opposite directions."""


def option(level: int) -> str:
    return f"o{level}"


def two_party(
    k: int,
    seed: int,
    *,
    options: int = OPTIONS,
    red_lines: int | None = None,
    status_quo: bool = True,
    no_deal: int | None = None,
) -> dict[str, Any]:
    """A two-party negotiation over ``k`` issues of ``options`` ordered options each.

    * Interests are additive: per party and issue an integer weight in 1..10 and integer scores
      in 0..100. Party ``a``'s scores rise with the option level; on about
      :data:`OPPOSED_SHARE` of the issues ``b``'s fall (opposed), on the rest ``b``'s are a
      random order (neither aligned nor opposed), so both trade-offs and logrolling exist and
      the frontier is far from a single point.
    * ``red_lines`` (default ``round(k / 3)``) random red lines, each of one of three shapes:
      ``xi >= oL -> xj <= oM`` (a conditional concession), ``score(p, xi) + score(p, xj) >= 60``
      (a floor on what two issues give the owner), ``level(xi) + level(xj) <= S`` (a cap on
      how far two issues move). Every red line holds at the status quo, so the status quo is
      feasible and the zone of agreement is never empty.
    * ``status_quo``: each issue's status quo is a random middle option (o1..o3) and each
      party's no-deal value is its utility there (the file format's default); ``no_deal``
      (an integer) instead sets both parties' no-deal value explicitly.
    """
    if k < 2 or options < 3:
        raise ValueError("the family needs at least 2 issues of at least 3 options")
    rng = random.Random(f"two-party/{k}/{options}/{seed}")
    names = [f"x{i:02d}" for i in range(1, k + 1)]
    levels = [option(v) for v in range(options)]
    sq = {x: rng.randint(1, options - 2) if status_quo else 0 for x in names}

    weights: dict[str, dict[str, int]] = {p: {} for p in PARTIES}
    scores: dict[str, dict[str, list[int]]] = {p: {} for p in PARTIES}
    for x in names:
        rising = sorted(rng.randint(0, 100) for _ in range(options))
        other = [rng.randint(0, 100) for _ in range(options)]
        if rng.random() < OPPOSED_SHARE:
            other.sort(reverse=True)
        scores["a"][x], scores["b"][x] = rising, other
        for p in PARTIES:
            weights[p][x] = rng.randint(1, 10)

    wanted = round(k / 3) if red_lines is None else red_lines
    lines: dict[str, list[dict[str, str]]] = {p: [] for p in PARTIES}
    made = 0
    while made < wanted:
        xi, xj = rng.sample(names, 2)
        shape = rng.randrange(3)
        owner = rng.choice(PARTIES)
        if shape == 0:
            lo, hi = rng.randint(1, options - 2), rng.randint(1, options - 2)
            rule = f"{xi} >= {option(lo)} -> {xj} <= {option(hi)}"
            holds = sq[xi] < lo or sq[xj] <= hi
        elif shape == 1:
            rule = f"score({owner}, {xi}) + score({owner}, {xj}) >= 60"
            holds = scores[owner][xi][sq[xi]] + scores[owner][xj][sq[xj]] >= 60
        else:
            cap = rng.randint(options - 1, 2 * options - 4)
            rule = f"level({xi}) + level({xj}) <= {cap}"
            holds = sq[xi] + sq[xj] <= cap
        if holds:  # keep the status quo feasible
            lines[owner].append({"label": f"red line {made + 1}", "rule": rule})
            made += 1

    interests = {
        p: {
            "weights": weights[p],
            "scores": {x: dict(zip(levels, scores[p][x], strict=True)) for x in names},
        }
        for p in PARTIES
    }
    parties: dict[str, dict[str, Any]] = {p: {} for p in PARTIES}
    if no_deal is not None:
        for p in PARTIES:
            parties[p]["no_deal"] = no_deal
    data: dict[str, Any] = {
        "dealopt": 1,
        "name": f"two-party k={k} seed={seed}",
        "parties": parties,
        "issues": {x: {"options": levels, "status_quo": option(sq[x])} for x in names},
        "interests": interests,
    }
    if made:
        data["red_lines"] = {p: v for p, v in lines.items() if v}
    return data


def additive_tables(
    data: dict[str, Any],
) -> tuple[list[str], list[str], dict[str, dict[str, int]], dict[str, dict[str, dict[str, int]]]]:
    """The issues, options, weights and score tables of an additive two-party instance dict
    (for building the same utility functions in another library)."""
    issues = list(data["issues"])
    levels = list(data["issues"][issues[0]]["options"])
    weights = {p: dict(data["interests"][p]["weights"]) for p in PARTIES}
    scores = {p: {x: dict(t) for x, t in data["interests"][p]["scores"].items()} for p in PARTIES}
    return issues, levels, weights, scores
