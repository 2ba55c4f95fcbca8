"""Generated negotiation families with three and four parties (issue 7): the same seed gives the
same instance.

:func:`multi_party` returns a plain instance dict for :func:`dealopt.instance`;
:func:`multi_party_parts` also returns the red lines and interaction terms as plain tuples, so a
peer (negmas) can evaluate exactly the same utilities and filter exactly the same red lines
without parsing dealopt's rule language.
"""

from __future__ import annotations

import random
from typing import Any

from benchmarks.families import option

PARTY_NAMES = ("a", "b", "c", "d")
DENSITIES = {"none": 0.0, "third": 1 / 3, "two_thirds": 2 / 3}
"""Red lines per issue: none, about k/3, about 2k/3."""
OPPOSED_SHARE = 0.6
"""Share of issues on which a party other than ``a`` has scores falling with the option level."""

RedLine = tuple[Any, ...]
Term = tuple[str, int, str, int, int]


def red_line_count(k: int, density: str) -> int:
    return round(k * DENSITIES[density])


def multi_party_parts(
    parties: int, k: int, seed: int, density: str = "third", *, options: int = 5
) -> tuple[dict[str, Any], dict[str, list[RedLine]], dict[str, list[Term]]]:
    """The instance dict of :func:`multi_party`, its red lines ``{owner: [shape, ...]}`` and its
    interaction terms ``{party: [(xi, li, xj, lj, value), ...]}`` (``value`` when
    ``level(xi) >= li and level(xj) >= lj``)."""
    if not 2 <= parties <= len(PARTY_NAMES) or k < 2 or options < 3:
        raise ValueError("2 to 4 parties, at least 2 issues of at least 3 options")
    rng = random.Random(f"multi-party/{parties}/{k}/{options}/{density}/{seed}")
    names = [f"x{i:02d}" for i in range(1, k + 1)]
    levels = [option(v) for v in range(options)]
    who = PARTY_NAMES[:parties]
    sq = {x: rng.randint(1, options - 2) for x in names}

    weights: dict[str, dict[str, int]] = {p: {} for p in who}
    scores: dict[str, dict[str, list[int]]] = {p: {} for p in who}
    for x in names:
        for i, p in enumerate(who):
            s = [rng.randint(0, 100) for _ in range(options)]
            if i == 0:
                s.sort()
            elif rng.random() < OPPOSED_SHARE:
                s.sort(reverse=True)
            scores[p][x] = s
            weights[p][x] = rng.randint(1, 10)

    # A few interaction terms per party: a bonus when two issues are both high enough.
    terms: dict[str, list[Term]] = {p: [] for p in who}
    for p in who:
        for _ in range(max(1, k // 6)):
            xi, xj = rng.sample(names, 2)
            li, lj = rng.randint(1, options - 1), rng.randint(1, options - 1)
            terms[p].append((xi, li, xj, lj, rng.randint(50, 300)))

    wanted = red_line_count(k, density)
    lines: dict[str, list[RedLine]] = {p: [] for p in who}
    made = 0
    while made < wanted:
        xi, xj = rng.sample(names, 2)
        shape = rng.randrange(3)
        owner = rng.choice(who)
        if shape == 0:
            lo, hi = rng.randint(1, options - 2), rng.randint(1, options - 2)
            line: RedLine = ("implies", xi, lo, xj, hi)
        elif shape == 1:
            line = ("score", owner, xi, xj, 60)
        else:
            line = ("cap", xi, xj, rng.randint(options - 1, 2 * options - 4))
        if holds(line, sq, scores):  # keep the status quo feasible
            lines[owner].append(line)
            made += 1

    interests = {
        p: {
            "weights": weights[p],
            "scores": {x: dict(zip(levels, scores[p][x], strict=True)) for x in names},
            "terms": [
                {"value": v, "when": f"{xi} >= {option(li)} and {xj} >= {option(lj)}"}
                for xi, li, xj, lj, v in terms[p]
            ],
        }
        for p in who
    }
    data: dict[str, Any] = {
        "dealopt": 1,
        "name": f"{parties}-party k={k} red lines {density} seed={seed}",
        # no-deal 0: every utility is >= 0, so the zone is the whole frontier
        "parties": {p: {"no_deal": 0} for p in who},
        "issues": {x: {"options": levels, "status_quo": option(sq[x])} for x in names},
        "interests": interests,
    }
    if made:
        data["red_lines"] = {
            p: [{"label": f"red line {p}{n + 1}", "rule": rule_text(r)} for n, r in enumerate(v)]
            for p, v in lines.items()
            if v
        }
    return data, lines, terms


def multi_party(parties: int, k: int, seed: int, density: str = "third") -> dict[str, Any]:
    """A negotiation among ``parties`` (3 or 4; 2 works too) over ``k`` issues of 5 options.

    * Additive interests: per party and issue an integer weight in 1..10 and integer scores in
      0..100; party ``a``'s rise with the option level, each other party's fall on about
      :data:`OPPOSED_SHARE` of the issues and are a random order on the rest.
    * A few interaction terms: ``max(1, k // 6)`` per party, each a bonus of 50..300 when two
      issues are both at or above given levels.
    * Red lines at ``density`` (``none``, ``third`` = round(k/3), ``two_thirds`` = round(2k/3)),
      of the three shapes of :func:`benchmarks.families.two_party`; each holds at the status
      quo, so the status quo is feasible. Every no-deal value is 0.
    """
    return multi_party_parts(parties, k, seed, density)[0]


def rule_text(line: RedLine) -> str:
    if line[0] == "implies":
        _, xi, lo, xj, hi = line
        return f"{xi} >= {option(lo)} -> {xj} <= {option(hi)}"
    if line[0] == "score":
        _, owner, xi, xj, floor = line
        return f"score({owner}, {xi}) + score({owner}, {xj}) >= {floor}"
    _, xi, xj, cap = line
    return f"level({xi}) + level({xj}) <= {cap}"


def holds(line: RedLine, level: dict[str, int], scores: dict[str, dict[str, list[int]]]) -> bool:
    """Whether a red line holds for the deal given as ``{issue: level}``."""
    if line[0] == "implies":
        _, xi, lo, xj, hi = line
        return level[xi] < lo or level[xj] <= hi
    if line[0] == "score":
        _, owner, xi, xj, floor = line
        return scores[owner][xi][level[xi]] + scores[owner][xj][level[xj]] >= floor
    _, xi, xj, cap = line
    return level[xi] + level[xj] <= cap
