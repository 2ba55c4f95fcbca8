"""The grey cloud of feasible deals behind the frontier plots (HTML and static): when it is
drawn, and what its legend says about where its deals came from."""

from __future__ import annotations

MIN_CLOUD = 20
"""A sample of fewer feasible deals than this (not all of them) is left out, with a note:
a handful of grey dots says nothing about the dominated region."""


def cloud_name(method: str, complete: bool, count: int) -> str:
    """The legend's name for the grey cloud: how its deals were found, and how many."""
    if complete:
        return f"feasible deals, dominated or not (all {count:,})"
    if method == "solver":
        return f"feasible deals, dominated or not ({count:,} found by the solver, not uniform)"
    return f"feasible deals, dominated or not (a random sample of {count:,})"


def cloud_points(sample: object) -> tuple[list, str]:
    """The deals to draw as the grey cloud, and the note when it is left out ("" if drawn)."""
    points = list(sample) if sample is not None else []
    if not points:
        if sample is None:
            return [], ""
        return [], getattr(sample, "note", "") or "no feasible deal was sampled"
    sampled = hasattr(sample, "method")  # a FeasibleSample; a plain list is drawn as given
    if sampled and len(points) < MIN_CLOUD and not getattr(sample, "complete", False):
        return [], f"only {len(points)} feasible deals were found, too few to show the region"
    return points, ""
