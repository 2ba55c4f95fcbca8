"""Multi-objective 0/1 knapsacks by the published recipe of Kirlik and Sayın (EJOR 232(3), 2014),
as used for the Tamby-Vanderpooten benchmark set: the same seed gives the same instance.

Every profit and every weight is an integer drawn uniformly from [1, 100]; one capacity
constraint, the capacity half the sum of the weights (rounded down). The instance is MOIP JSON
data (the neutral form of the shared anchors, ``dealopt.io.moip``), all objectives maximised,
so it runs through the same loader and peers as the anchors.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

LOW, HIGH = 1, 100
"""Profits and weights are integers drawn uniformly from this closed range."""


def knapsack(objectives: int, items: int, seed: int) -> dict[str, Any]:
    """A ``objectives``-objective knapsack with ``items`` items (MOIP JSON data)."""
    if objectives < 1 or items < 1:
        raise ValueError("at least one objective and one item")
    rng = random.Random(f"kirlik-kp/{objectives}/{items}/{seed}")
    profits = [[rng.randint(LOW, HIGH) for _ in range(items)] for _ in range(objectives)]
    weights = [rng.randint(LOW, HIGH) for _ in range(items)]
    return {
        "name": f"kirlik-style KP p{objectives} n{items} seed {seed}",
        "sense": "max",
        "objectives": profits,
        "constraints": [{"coefs": weights, "op": "<=", "rhs": sum(weights) // 2}],
        "binary": True,
    }


def write(objectives: int, items: int, seed: int, folder: Path) -> Path:
    """:func:`knapsack` written as ``KP_p<objectives>_n<items>_s<seed>.json`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"KP_p{objectives}_n{items}_s{seed}.json"
    path.write_text(json.dumps(knapsack(objectives, items, seed)), encoding="utf-8")
    return path


__all__ = ["HIGH", "LOW", "knapsack", "write"]
