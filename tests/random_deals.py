"""Small random deal spaces with a brute-force frontier written out here (not computed by
dealopt), for the tests of the frontier searches."""

import itertools
import random


def random_instance(parties: int, issues: int, options: int, seed: int) -> dict:
    """Additive utilities with small integer scores (many ties) and one red line."""
    rng = random.Random(seed)
    names = [f"x{i}" for i in range(issues)]
    levels = [f"o{j}" for j in range(options)]
    who = [f"p{i}" for i in range(parties)]
    scores = {p: {x: [rng.randint(0, 6) for _ in levels] for x in names} for p in who}
    weights = {p: {x: rng.randint(1, 3) for x in names} for p in who}
    data = {
        "dealopt": 1,
        "name": f"random {seed}",
        "parties": {p: {"no_deal": 0} for p in who},
        "issues": {x: {"options": levels} for x in names},
        "interests": {
            p: {
                "weights": weights[p],
                "scores": {x: dict(zip(levels, scores[p][x], strict=True)) for x in names},
            }
            for p in who
        },
        # the first two issues may not both take their last option
        "rules": [{"label": "cap", "rule": f"level(x0) + level(x1) <= {2 * options - 3}"}],
    }
    return data, scores, weights


def every_vector(parties: int, issues: int, options: int, scores, weights) -> set[tuple]:
    """Every deal's utility vector (the deals the instance's red line allows)."""
    vectors = set()
    for deal in itertools.product(range(options), repeat=issues):
        if deal[0] + deal[1] > 2 * options - 3:
            continue
        vectors.add(
            tuple(
                sum(weights[p][f"x{i}"] * scores[p][f"x{i}"][d] for i, d in enumerate(deal))
                for p in (f"p{i}" for i in range(parties))
            )
        )
    return vectors


def brute_force(parties: int, issues: int, options: int, scores, weights) -> set[tuple]:
    """Every deal's utility vector, then the vectors no other one dominates."""
    vectors = every_vector(parties, issues, options, scores, weights)
    return {
        v
        for v in vectors
        if not any(w != v and all(a >= b for a, b in zip(w, v, strict=True)) for w in vectors)
    }
