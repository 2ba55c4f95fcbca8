"""``dealopt explain``: why the deal space has the shape it has.

Six analyses over one compiled instance and one backend session (:class:`Space`):

1. the zone and its alignments (exchange structures), and the structures of all acceptable
   deals (:mod:`~dealopt.analysis.alignments`);
2. the backbone over all acceptable deals (:mod:`~dealopt.analysis.backbone`);
3. the minimal conflicts when there is no feasible or no acceptable deal
   (:mod:`~dealopt.analysis.conflicts`);
4. the price of each red line (:mod:`~dealopt.analysis.prices`);
5. linkage of the instance's issue groups (:mod:`~dealopt.analysis.linkage`);
6. what it would take to open a zone, or how much room the no-deal values have
   (:mod:`~dealopt.analysis.what_it_takes`).

A time limit is shared by all of them, in that order; an analysis that runs out of time is
reported as stopped (``Explanation.stopped``) and the later ones are skipped. Every deal
reported has been re-checked by the rules oracle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dealopt.analysis import acceptance as acc
from dealopt.analysis.acceptance import AcceptanceSummary
from dealopt.analysis.alignments import alignments, named_alignments
from dealopt.analysis.backbone import backbone
from dealopt.analysis.conflicts import Conflicts, find_conflicts
from dealopt.analysis.linkage import linkage
from dealopt.analysis.prices import red_line_prices
from dealopt.analysis.space import Space, TimeUp
from dealopt.analysis.switches import build_switched
from dealopt.analysis.what_it_takes import what_it_takes
from dealopt.analysis.zone import Zone
from dealopt.explanation import Explanation
from dealopt.progress import Progress
from dealopt.spec.model import Instance

SCHEMA = "dealopt.explanation/1"
SECTIONS = ("zone", "alignments", "backbone", "conflicts", "prices", "linkage", "what_it_takes")


def explain(
    instance: Instance | str | Path,
    *,
    backend: str = "auto",
    time_limit: float | None = None,
    threads: int | None = None,
    seed: int | None = None,
    linkage_groups: bool | None = None,
    max_conflicts: int = 5,
    deals_cap: int = 10_000,
    progress: Progress | None = None,
) -> Explanation:
    """Explain an instance: the six analyses of the module docstring.

    ``linkage_groups``: run the linkage analysis (None: when the instance names groups).
    ``max_conflicts``: at most this many minimal conflicts. ``deals_cap``: at most this many
    acceptable deals are enumerated for the structures of the acceptable set. ``progress``:
    the command's shared deadline (instead of ``time_limit``), told each analysis as it starts.
    """
    from dealopt.errors import UsageError

    if isinstance(instance, str | Path):
        from dealopt.api import load

        instance = load(instance)
    if max_conflicts < 1:
        raise UsageError(f"--max-conflicts must be at least 1, got {max_conflicts}")
    if deals_cap < 1:
        raise UsageError(f"the deal cap must be at least 1, got {deals_cap}")
    space = Space.build(
        instance,
        backend=backend,
        time_limit=time_limit,
        threads=threads,
        seed=seed,
        progress=progress,
    )
    out: dict[str, Any] = dict.fromkeys(SECTIONS)
    stopped: dict[str, str] = {}
    status = "zone"
    switched = None

    def run(name: str, job) -> None:
        if stopped and any(v == "time limit" for v in stopped.values()):
            stopped[name] = "skipped"
            return
        space.progress.phase(f"explaining: {name.replace('_', ' ')}")
        try:
            out[name] = job()
        except TimeUp as stop:
            stopped[name] = str(stop)

    def zone_job() -> Zone:
        return space.zone()

    run("zone", zone_job)
    zone: Zone | None = out["zone"]
    feasible = True
    if zone is not None and not len(zone):
        try:
            feasible = space.find(bounds={}) is not None
        except TimeUp as stop:
            stopped["conflicts"] = str(stop)
        status = "no-acceptable-deal" if feasible else "no-feasible-deal"

    def switched_session():
        nonlocal switched
        if switched is None:
            switched = build_switched(space)
        return switched

    if zone is not None and len(zone):
        run("alignments", lambda: alignments(space, zone, cap=deals_cap))
        known = []
        if out["alignments"] is not None:
            known = [d for a in out["alignments"].acceptable for d, _ in a.deals]
        run("backbone", lambda: backbone(space, known))
        out["conflicts"] = Conflicts("none", (), True, 0)
    else:
        stopped.setdefault("alignments", "no zone")
        stopped.setdefault("backbone", "no acceptable deal")
        run(
            "conflicts",
            lambda: find_conflicts(
                space,
                max_conflicts=max_conflicts,
                feasible=feasible,
                acceptable=False,
                switched=switched_session(),
            ),
        )
    if zone is not None:
        run("prices", lambda: red_line_prices(space, zone, switched_session()))
    if linkage_groups is False:
        stopped["linkage"] = "not asked"
    elif not instance.groups:
        stopped["linkage"] = "no groups"
    else:
        run("linkage", lambda: linkage(space, zone))
    if zone is not None:
        run("what_it_takes", lambda: what_it_takes(space, zone, feasible))
    for name in SECTIONS:
        if out[name] is None and name not in stopped:
            stopped[name] = "skipped"
    if zone is None:
        status = "unknown"  # the zone itself was not computed in time
    summary, pivotal, blocked = _who_decides(space, out["zone"])
    return Explanation(
        instance=instance,
        backend=space.backend_name,
        status=status,
        zone=out["zone"],
        alignments=out["alignments"],
        backbone=out["backbone"],
        conflicts=out["conflicts"],
        prices=out["prices"],
        linkage=out["linkage"],
        what_it_takes=out["what_it_takes"],
        solver_calls=space.calls,
        seconds=space.elapsed(),
        exact=space.exact,
        resolution=dict(zip(space.parties, space.model.resolution, strict=False)),
        no_deal=space.no_deal,
        stopped=stopped,
        named=named_alignments(instance, out["alignments"]) if out["alignments"] else (),
        acceptance=summary,
        pivotal=pivotal,
        blocked=blocked,
    )


def _who_decides(
    space: Space, zone: Zone | None
) -> tuple[AcceptanceSummary | None, tuple[tuple[str, ...], ...], dict[str, tuple[str, ...]]]:
    """Under an acceptance rule: its summary over the zone, each zone point's pivotal parties,
    and the blockers of each feasible named deal the rule does not pass."""
    rule, parties = space.instance.acceptance, space.parties
    if rule.unanimous:
        return None, (), {}
    nd = space.no_deal
    accepted = [acc.accepting(p.utilities, nd) for p in zone.points] if zone is not None else []
    pivotal = tuple(acc.pivotal(rule, yes, parties) for yes in accepted)
    blocked = {}
    for name, named in space.instance.deals.items():
        deal = named.deal(space.instance.issues)
        if space.oracle.is_feasible(deal) and not space.oracle.is_acceptable(deal):
            yes = space.oracle.accepting(deal)
            blocked[name] = acc.blockers(rule, yes, parties)
    return acc.summarise(rule, parties, accepted), pivotal, blocked
