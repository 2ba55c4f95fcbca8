"""A sweep as people and programs read it: the summary text, ``dealopt.sweep/1`` JSON, the
experiments table (pandas, CSV, Parquet) and a picture. Computes nothing the sweep layer
does not already hold."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dealopt.report.numbers import exact_text, json_number
from dealopt.result import SOLUTION_NAMES

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from dealopt.sweep.result import SweepResult

SHORT = {"nash": "Nash", "kalai_smorodinsky": "KS", "egalitarian": "egal.", "utilitarian": "util."}


def deal_text(deal: Mapping[str, Any], status_quo: Mapping[str, Any] | None = None) -> str:
    """``issue=option, ...``; with ``status_quo``, only the issues that move."""
    items = [(k, v) for k, v in deal.items() if status_quo is None or status_quo.get(k) != v]
    return ", ".join(f"{k}={v}" for k, v in items) or "(the status quo)"


def _number(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(x, 6)


def _parameters(result: SweepResult, row: int) -> dict[str, Any]:
    s = result.scenarios
    out: dict[str, Any] = {
        p: json_number(Fraction(s.number(row, j))) for j, p in enumerate(s.numbers)
    }
    for k, p in enumerate(s.red_lines):
        out[p] = bool(s.holds[row, k])
    return out


def sweep_to_dict(result: SweepResult) -> dict[str, Any]:
    """The ``dealopt.sweep/1`` document (docs/sweep.md)."""
    p, lo, hi = result.zone_probability
    parties = list(result.parties)
    scenarios = []
    for row, o in enumerate(result.records()):
        solutions: dict[str, Any] = {}
        for name in SOLUTION_NAMES:
            s = o.solutions[name]
            if s is None:
                solutions[name] = None
                continue
            pairs = list(zip(parties, s.utilities, strict=True))
            solutions[name] = {
                "deal": dict(zip(result.issues, s.deal, strict=True)),
                "utilities": {q: json_number(u) for q, u in pairs},
                "utilities_exact": {q: exact_text(u) for q, u in pairs},
            }
        scenarios.append(
            {
                "index": o.index,
                "parameters": _parameters(result, row),
                "status": o.status,
                "frontier_size": o.frontier_size,
                "zone_size": o.zone_size,
                "zone_deals": o.zone_deals,
                "no_deal": {q: json_number(d) for q, d in zip(parties, o.no_deal, strict=True)},
                "nash_alignment": o.nash_alignment,
                "solutions": solutions,
            }
        )
    return {
        "schema": "dealopt.sweep/1",
        "instance": result.instance_name,
        "parties": [{"name": q, "label": label} for q, label in result.parties.items()],
        "issues": list(result.issues),
        "paths": list(result.scenarios.paths),
        "sampling": {"source": result.source, "method": result.method, "seed": result.seed},
        "scenarios_requested": result.requested,
        "scenarios_run": result.n,
        "interrupted": result.interrupted,
        "way": "fast" if result.solve_reason is None else "solve",
        "solve_reason": result.solve_reason,
        "statuses": result.statuses,
        "zone_probability": {
            "p": _number(p),
            "ci95": [_number(lo), _number(hi)],
            "partial": result.partial,
        },
        "deals": [
            {
                "deal": d.deal,
                "acceptability": _number(d.acceptability),
                "pareto": _number(d.pareto),
                "solutions": {k: _number(v) for k, v in d.solutions.items()},
                "central": None
                if d.central is None
                else {k: _number(v) for k, v in d.central.items()},
            }
            for d in result.deal_shares
        ],
        "stability": {
            "nash_deals": [
                {"deal": d, "share": _number(s), "se": _number(e)} for d, s, e in result.nash_deals
            ],
            "nash_alignments": [
                {"alignment": a, "share": _number(s), "se": _number(e)}
                for a, s, e in result.alignments
            ],
        },
        "sensitivity": _sensitivity(result),
        "scenarios": scenarios,
        "seconds": round(result.seconds, 6),
    }


def _sensitivity(result: SweepResult) -> dict[str, Any]:
    """The measure the outputs show: PRCC, or Sobol' indices with their 95% intervals."""
    if result.sobol is None:
        return {
            "method": "prcc",
            "outcomes": {
                o: {k: _number(v) for k, v in values.items()}
                for o, values in result.sensitivity.items()
            },
        }
    from dealopt.sweep.sensitivity import CONFIDENCE, RESAMPLES, base_samples

    def interval(x: float, half: float) -> list[float | None]:
        return [_number(x - half), _number(x + half)]

    return {
        "method": "sobol",
        "base_samples": base_samples(result.n, len(result.scenarios.paths)),
        "bootstrap": {"resamples": RESAMPLES, "confidence": CONFIDENCE},
        "outcomes": {
            o: {
                k: {
                    "first": _number(x.first),
                    "first_ci95": interval(x.first, x.first_conf),
                    "total": _number(x.total),
                    "total_ci95": interval(x.total, x.total_conf),
                }
                for k, x in values.items()
            }
            for o, values in result.sobol.items()
        },
    }


def drivers(result: SweepResult, outcome: str) -> list[tuple[str, str]]:
    """The paths that drive ``outcome``, largest first, each with its measure as text: PRCC
    (``+0.42``) or Sobol' total and first-order indices (``total 0.61 ± 0.05, first 0.55``)."""
    if result.sobol is None:
        values = result.sensitivity[outcome]
        ranked = sorted(
            ((k, v) for k, v in values.items() if not math.isnan(v)), key=lambda kv: -abs(kv[1])
        )
        return [(k, f"{v:+.2f}") for k, v in ranked]
    indices = result.sobol[outcome]
    kept = sorted(
        ((k, x) for k, x in indices.items() if not math.isnan(x.total)), key=lambda kv: -kv[1].total
    )
    return [(k, f"total {x.total:.2f} ± {x.total_conf:.2f}, first {x.first:.2f}") for k, x in kept]


MEASURE = {
    "prcc": "partial rank correlation",
    "sobol": "Sobol' total index ± 95% half-width, and first-order index",
}
"""How the outputs name the sensitivity measure they show."""


def experiments_frame(result: SweepResult) -> pd.DataFrame:
    """One row per scenario: ``scenario``, every path, ``status``, ``frontier_size``,
    ``zone_size``, ``no_deal_<party>``, ``nash_alignment``, and per solution ``<name>_deal``
    (``issue=option, ...``) and ``<name>_<party>`` (utility)."""
    import pandas as pd

    parties = list(result.parties)
    rows = []
    for row, o in enumerate(result.records()):
        r: dict[str, Any] = {"scenario": o.index, **_parameters(result, row)}
        r.update(status=o.status, frontier_size=o.frontier_size, zone_size=o.zone_size)
        for q, d in zip(parties, o.no_deal, strict=True):
            r[f"no_deal_{q}"] = float(d)
        r["nash_alignment"] = o.nash_alignment
        for name in SOLUTION_NAMES:
            s = o.solutions[name]
            r[f"{name}_deal"] = (
                None if s is None else deal_text(dict(zip(result.issues, s.deal, strict=True)))
            )
            for k, q in enumerate(parties):
                r[f"{name}_{q}"] = None if s is None else float(s.utilities[k])
        rows.append(r)
    return pd.DataFrame(rows)


def deals_frame(result: SweepResult) -> pd.DataFrame:
    """One row per deal in some zone: its options, acceptability, Pareto and solution shares."""
    import pandas as pd

    rows = []
    for d in result.deal_shares:
        r = dict(d.deal)
        r.update(acceptability=d.acceptability, pareto=d.pareto)
        r.update({f"share_{k}": v for k, v in d.solutions.items()})
        rows.append(r)
    return pd.DataFrame(rows)


def write_table(result: SweepResult, fmt: str, output: Path | None) -> str | None:
    """The experiments table as CSV text (returned when no ``output``) or a Parquet file."""
    frame = experiments_frame(result)
    if fmt == "parquet":
        if output is None:
            raise ValueError("parquet needs --output FILE")
        frame.to_parquet(output, index=False)
        return None
    return frame.to_csv(index=False)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def sweep_text(result: SweepResult, top: int = 5) -> str:
    """The summary ``dealopt sweep`` prints."""
    n = result.n
    how = f"{result.method}, seed {result.seed}" if result.source == "sampled" else result.source
    way = "fast way" if result.solve_reason is None else f"solved one by one: {result.solve_reason}"
    lines = [
        f"SWEEP of {result.instance_name}: {n} scenarios ({how}), each exact ({way})",
    ]
    if result.interrupted:
        lines.append(
            f"INTERRUPTED: {n} of {result.requested} scenarios done; shares are over those"
        )
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(result.statuses.items()))
    lines.append(f"statuses: {statuses}")
    p, lo, hi = result.zone_probability
    lines.append(
        f"zone non-empty: {_pct(p)} of scenarios (95% interval {_pct(lo)} to {_pct(hi)})"
        + (f"; {result.partial} partial, counted" if result.partial else "")
    )
    lines += ["", "NASH ALIGNMENT (share ± standard error)"]
    for a, s, e in result.alignments[:top]:
        lines.append(f"  {_pct(s):>6} ± {_pct(e):<5} {a}")
    if len(result.alignments) > top:
        lines.append(f"  ... {len(result.alignments) - top} more")
    sq = _status_quo(result)
    which = "options that move from the status quo" if sq is not None else "its options"
    lines += ["", f"NASH DEAL (share ± standard error; {which})"]
    for d, s, e in result.nash_deals[:top]:
        lines.append(f"  {_pct(s):>6} ± {_pct(e):<5} {deal_text(d, sq)}")
    lines += ["", "MOST ACCEPTABLE DEALS (share of scenarios: in the zone, Pareto-optimal, "
              + ", ".join(SHORT[k] for k in SOLUTION_NAMES) + ")"]  # fmt: skip
    for d in result.deal_shares[:top]:
        shares = " ".join(f"{_pct(d.solutions[k]):>6}" for k in SOLUTION_NAMES)
        lines.append(
            f"  {_pct(d.acceptability):>6} {_pct(d.pareto):>6} {shares}  {deal_text(d.deal, sq)}"
        )
    measure = MEASURE[result.sensitivity_method]
    lines += ["", f"WHAT DRIVES IT ({measure}; the largest first)"]
    for outcome in result.outcome_arrays:
        sep = ", " if result.sobol is None else "; "
        shown = sep.join(f"{k} {v}" for k, v in drivers(result, outcome)[:3]) or "(constant)"
        lines.append(f"  {outcome}: {shown}")
    return "\n".join(lines)


def _status_quo(result: SweepResult) -> dict[str, Any] | None:
    return result.extra.get("status_quo") if result.extra else None


def sweep_figure(result: SweepResult, top: int = 10) -> Figure:
    """Two panels: the acceptability of the most acceptable deals (bars, with their Nash
    share), and a tornado chart of the sensitivity (PRCC, or Sobol' indices when the scenarios
    are a Saltelli design) of the Nash alignment and the zone's existence to each uncertain
    number."""
    # A Figure directly, not pyplot (as report.plot): no GUI backend is touched.
    from matplotlib.figure import Figure

    frontiers = [points for points in result.tally.frontiers if points]
    own = result.extra.get("frontier") if result.extra else None
    overlay = bool(frontiers or own) and len(result.parties) == 2
    fig = Figure(figsize=(19 if overlay else 13, 5.5), layout="constrained")
    axes = fig.subplots(1, 3 if overlay else 2)
    left, right = axes[0], axes[1]
    if overlay:
        _overlay(axes[2], result, frontiers, own)
    deals = result.deal_shares[:top]
    sq = _status_quo(result)
    # Each bar names its deal by the options that move (values only; the full deals are in
    # the JSON and the deals table), cut to keep the panel readable.
    labels = []
    for k, d in enumerate(deals):
        moved = [str(v) for i, v in d.deal.items() if sq is None or sq.get(i) != v]
        text = ", ".join(moved) or "(the status quo)"
        labels.append(f"{k + 1}. {text[:57] + '...' if len(text) > 60 else text}")
    left.barh(labels, [d.acceptability for d in deals], color="#4c78a8", label="in the zone")
    left.barh(labels, [d.solutions["nash"] for d in deals], color="#f58518", label="Nash deal")
    left.tick_params(axis="y", labelsize=6)
    left.invert_yaxis()
    left.set_xlim(0, 1)
    left.set_xlabel("share of scenarios")
    left.set_title("Acceptability of the most acceptable deals")
    left.legend(loc="lower right")
    _tornado(right, result)
    right.set_title("What drives the answer")
    right.legend(loc="lower right", fontsize=7)
    fig.suptitle(f"{result.instance_name}: {result.n} scenarios")
    return fig


def _tornado(ax: Any, result: SweepResult) -> None:
    """The sensitivity of the Nash alignment and the zone's existence to each uncertain number:
    PRCC bars (-1 to 1), or Sobol' total indices (0 to 1) with their 95% intervals and the
    first-order index as a darker inner bar."""
    outcomes = {"nash_alignment_is_top": ("Nash alignment is the most frequent", "#54a24b"),
                "zone_exists": ("zone non-empty", "#e45756")}  # fmt: skip
    sobol = result.sobol
    if sobol is None:
        values = {o: result.sensitivity.get(o, {}) for o in outcomes}
    else:
        values = {o: {k: x.total for k, x in sobol.get(o, {}).items()} for o in outcomes}
    paths = sorted(
        result.scenarios.paths,
        key=lambda p: -max(abs(_nan0(values[o].get(p))) for o in outcomes),
    )[:12]
    y = range(len(paths))
    for shift, (o, (label, colour)) in zip((-0.2, 0.2), outcomes.items(), strict=True):
        at = [k + shift for k in y]
        if sobol is None:
            ax.barh(at, [_nan0(values[o].get(p)) for p in paths], 0.4, label=label, color=colour)
            continue
        got = [sobol.get(o, {}).get(p) for p in paths]
        ax.barh(at, [0.0 if x is None else _nan0(x.total) for x in got], 0.4, color=colour,
                alpha=0.45, label=f"{label}: total",
                xerr=[0.0 if x is None else _nan0(x.total_conf) for x in got])  # fmt: skip
        ax.barh(at, [0.0 if x is None else max(0.0, _nan0(x.first)) for x in got], 0.2,
                color=colour, label=f"{label}: first-order")  # fmt: skip
    ax.set_yticks(list(y), paths, fontsize=7)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.5)
    ax.set_xlim(-1 if sobol is None else 0, 1)
    ax.set_xlabel(
        "partial rank correlation" if sobol is None else "Sobol' index (share of variance)"
    )


def _overlay(ax: Any, result: SweepResult, frontiers: list, own: list | None) -> None:
    """The frontiers of the first scenarios (grey) over the frontier of the file's numbers."""
    labels = list(result.parties.values())
    for points in frontiers:
        xs, ys = zip(*sorted((float(a), float(b)) for a, b in points), strict=True)
        ax.plot(xs, ys, color="grey", alpha=0.35, linewidth=0.8, marker=".", markersize=3)
    if own:
        xs, ys = zip(*sorted((float(a), float(b)) for a, b in own), strict=True)
        ax.plot(xs, ys, color="black", linewidth=1.5, marker="o", markersize=4,
                label="the file's own numbers")  # fmt: skip
        d = result.extra.get("no_deal")
        if d:
            ax.axvline(float(d[0]), color="black", linestyle="--", linewidth=0.7)
            ax.axhline(float(d[1]), color="black", linestyle="--", linewidth=0.7)
    ax.plot([], [], color="grey", alpha=0.6, marker=".", label=f"{len(frontiers)} scenarios")
    ax.set_xlabel(f"utility of {labels[0]}")
    ax.set_ylabel(f"utility of {labels[1]}")
    ax.set_title("Frontiers: scenarios over the file's own")
    ax.legend(loc="lower left", fontsize=7)


def _nan0(x: float | None) -> float:
    return 0.0 if x is None or math.isnan(x) else x


def save_sweep_plot(result: SweepResult, path: Path) -> None:
    sweep_figure(result).savefig(path, dpi=120)
