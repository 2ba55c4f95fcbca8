"""Static frontier plots (matplotlib, imported inside the functions, never at module level).

Two parties: the utility plane with every frontier point, the no-deal lines, the zone shaded,
a grey sample of feasible deals behind it, and the bargaining solutions ringed and labelled.
Three or more: on top, each zone deal's gain over no deal as one line across the parties
(parallel coordinates, the solutions drawn thick with their own dashes); below, a scatter
matrix of the pairwise projections, every panel with both axes labelled, the solutions told
apart by marker shape (a key in the legend), never by text that could collide. Made for
print: nothing is told by colour alone (filled markers are in the zone, open ones outside),
and the fonts are large enough for a page. A sampled cloud of fewer than
:data:`~dealopt.report.cloud.MIN_CLOUD` deals is left out, with a note in the legend.

The figures are built with :class:`matplotlib.figure.Figure` directly, not pyplot, so no GUI
backend is touched and nothing is left open in a global figure registry.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from dealopt.errors import UsageError
from dealopt.report.cloud import cloud_name, cloud_points
from dealopt.report.numbers import short_text
from dealopt.report.text import MARKS, NAMES

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from dealopt.analysis.evaluate import NamedPoint
    from dealopt.analysis.sample import FeasibleSample, SampledDeal
    from dealopt.result import Result

FORMATS = ("png", "svg", "pdf")
"""File types :func:`save_plot` writes, by suffix."""

# Okabe-Ito colours (colour-blind safe); the marks never depend on them alone.
FRONTIER = "#0072B2"
ZONE_FILL = "#56B4E9"
SAMPLE = "#b0b0b0"
NO_DEAL = "#444444"
SOLUTION = "#D55E00"
NAMED = "#000000"
BASE_FONT = 10
#: One marker per solution where several parties are drawn (matplotlib markers), and a dash.
SOLUTION_MARKERS = {"nash": "o", "kalai_smorodinsky": "s", "egalitarian": "D", "utilitarian": "^"}
SOLUTION_DASHES = {
    "nash": "-",
    "kalai_smorodinsky": "--",
    "egalitarian": ":",
    "utilitarian": "-.",
}


def frontier_figure(
    result: Result,
    sample: FeasibleSample | Iterable[SampledDeal] | None = None,
    *,
    title: str | None = None,
    deals: Iterable[NamedPoint] = (),
) -> Figure:
    """The frontier of ``result`` as a matplotlib figure.

    Parameters
    ----------
    result
        A solved result.
    sample
        Feasible deals to draw in grey behind the frontier (the dominated region), e.g.
        :func:`dealopt.analysis.sample.feasible_sample`; anything with ``.utilities``.
    title
        Replaces the instance name as the title.
    deals
        Named deals to mark (diamonds, filled when feasible, labelled): anything with
        ``.name``, ``.label`` and ``.utilities``, e.g.
        :func:`dealopt.analysis.evaluate.named_points` or an evaluation's deals.

    Every frontier point is one marker of the scatter whose ``gid`` is ``"frontier"``; each
    distinct solution point carries an annotation whose ``gid`` is ``"solutions:"`` followed
    by the comma-separated names of the solutions at that point. Named deals are one scatter
    with ``gid`` ``"named-deals"`` and one annotation each with ``gid`` ``"deal:"`` + its name.
    """
    from matplotlib.figure import Figure

    parties = list(result.parties)
    points = _Points(result, sample, deals)
    heading = _plain(title or result.instance_name)
    n, z = len(result.frontier), len(result.zone)
    sub = f"{n} Pareto-optimal point{'s' * (n != 1)}, {z} in the zone ({result.status})"
    if len(parties) <= 2 or not result.frontier:
        fig = Figure(figsize=(8, 7), layout="constrained")
        ax = fig.add_subplot()
        fig.suptitle(f"{heading}\n{sub}", fontsize=BASE_FONT + 3)
        if not result.frontier or len(parties) < 2:
            ax.set_axis_off()
            ax.text(0.5, 0.5, _nothing_to_draw(result), ha="center", va="center", wrap=True)
            return fig
        _panel(ax, points, 0, 1, long_labels=True)
        ax.set_xlabel(_wrap(result.parties[parties[0]], 60), fontsize=BASE_FONT + 1)
        ax.set_ylabel(_wrap(result.parties[parties[1]], 45), fontsize=BASE_FONT + 1)
        _legend(fig, points, ncols=2)
        return fig
    k = len(parties) - 1
    size = max(8.0, 3.4 * k)
    fig = Figure(figsize=(size, size + 3.2), layout="constrained")
    fig.suptitle(f"{heading}\n{sub}", fontsize=BASE_FONT + 3)
    top, bottom = fig.subfigures(2, 1, height_ratios=[3.2, size])
    _parallel(top.add_subplot(), points)
    grid = bottom.add_gridspec(k, k)
    for row in range(k):
        for col in range(row + 1):
            ax = bottom.add_subplot(grid[row, col])
            _panel(ax, points, col, row + 1, long_labels=False)
            # Every panel names both axes: a reader should not trace a row to its edge.
            ax.set_xlabel(_wrap(_short(result.parties[parties[col]]), 26), fontsize=BASE_FONT)
            ax.set_ylabel(_wrap(_short(result.parties[parties[row + 1]]), 26), fontsize=BASE_FONT)
    if k > 1:
        legend_ax = bottom.add_subplot(grid[0, k - 1])
        legend_ax.set_axis_off()
        _legend(legend_ax, points, ncols=1, keys=True)
    else:
        _legend(bottom, points, ncols=2, keys=True)
    return fig


def _parallel(ax: Axes, points: _Points) -> None:
    """Each zone deal (else each frontier deal) as a line of the parties' gains over no deal;
    the solutions again on top, thick, each with its own dash and marker."""
    result = points.result
    parties = points.parties
    shown = list(result.zone) or list(range(len(result.frontier)))
    d = points.no_deal
    xs = list(range(len(parties)))

    def gains(i: int) -> list[float]:
        return [points.frontier[i][k] - d[k] for k in xs]

    for n, i in enumerate(shown):
        ax.plot(
            xs,
            gains(i),
            color=FRONTIER,
            lw=1,
            alpha=0.45,
            marker="o",
            ms=3,
            zorder=2,
            label=("zone deal" if result.zone else "frontier deal") if n == 0 else None,
            gid="parallel-deal",
        )
    for name, index in result.solutions.items():
        if index is None or index not in shown:
            continue
        ax.plot(
            xs,
            gains(index),
            color=SOLUTION,
            lw=2.2,
            ls=SOLUTION_DASHES[name],
            marker=SOLUTION_MARKERS[name],
            ms=7,
            mfc="white",
            zorder=3,
            label=f"{MARKS[name]}: {NAMES[name][0].upper() + NAMES[name][1:]}",
            gid=f"parallel:{name}",
        )
    ax.axhline(0, color=NO_DEAL, ls=(0, (5, 3)), lw=1.1, zorder=1)
    ax.set_xticks(xs, [_wrap(_short(result.parties[p]), 18) for p in parties])
    ax.set_xlim(-0.15, len(parties) - 0.85)
    ax.set_ylabel("gain over no deal", fontsize=BASE_FONT)
    ax.set_title(
        "Gains over no deal (above the dashed line: better than no deal)",
        fontsize=BASE_FONT + 1,
        loc="left",
    )
    ax.tick_params(labelsize=BASE_FONT - 1)
    ax.grid(True, axis="y", color="#e6e6e6", linewidth=0.6, zorder=0)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=BASE_FONT - 1, frameon=False)


def save_plot(
    result: Result,
    path: str | Path,
    sample: FeasibleSample | Iterable[SampledDeal] | None = None,
    *,
    dpi: int = 150,
    deals: Iterable[NamedPoint] = (),
) -> Path:
    """Write the frontier figure to ``path``; the suffix picks the format (png, svg, pdf)."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(
            f"cannot write a plot as '{path.suffix or path.name}': use .png, .svg or .pdf"
        )
    from matplotlib import rc_context

    fig = frontier_figure(result, sample, deals=deals)
    # No creation dates and no random ids in the files: the same result, the same bytes.
    metadata = {"Date": None} if fmt == "svg" else {"CreationDate": None} if fmt == "pdf" else {}
    with rc_context({"svg.hashsalt": "dealopt"}):
        fig.savefig(path, format=fmt, dpi=dpi, metadata=metadata)
    return path


# Internals ------------------------------------------------------------------------------------


class _Points:
    """The numbers every panel draws, as floats (exact values only in labels)."""

    def __init__(self, result: Result, sample: object, named_deals: Iterable[object] = ()):
        self.result = result
        self.parties = list(result.parties)
        self.frontier = [_vector(p.utilities, self.parties) for p in result.frontier]
        self.in_zone = [p.acceptable for p in result.frontier]
        deals, self.cloud_note = cloud_points(sample)
        self.sample = [_vector(s.utilities, self.parties) for s in deals]
        self.sample_complete = bool(getattr(sample, "complete", False))
        self.sample_method = str(getattr(sample, "method", "random"))
        self.no_deal = _vector(result.no_deal, self.parties)
        named = list(named_deals)
        self.named = [(d.name, d.label, _vector(d.utilities, self.parties)) for d in named]  # type: ignore[attr-defined]
        self.named_feasible = [bool(getattr(d, "feasible", True)) for d in named]
        # One entry per distinct frontier index: the solution names there, in the usual order.
        self.solutions: dict[int, list[str]] = {}
        for name, index in result.solutions.items():
            if index is not None:
                self.solutions.setdefault(index, []).append(name)

    def limits(self, i: int) -> tuple[float, float]:
        values = [v[i] for v in self.frontier] + [v[i] for v in self.sample] + [self.no_deal[i]]
        values += [v[i] for _, _, v in self.named]
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.06 or 1.0
        return lo - pad, hi + pad


def _vector(utilities: Mapping[str, Fraction], parties: Sequence[str]) -> tuple[float, ...]:
    return tuple(float(utilities[p]) for p in parties)


def _panel(ax: Axes, points: _Points, i: int, j: int, *, long_labels: bool) -> None:
    """Draw the projection on parties ``i`` (x) and ``j`` (y)."""
    result = points.result
    two_parties = len(points.parties) == 2
    ax.tick_params(labelsize=BASE_FONT - 1)
    ax.grid(True, color="#e6e6e6", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    if points.sample:
        ax.scatter(
            [v[i] for v in points.sample],
            [v[j] for v in points.sample],
            s=9,
            marker="o",
            color=SAMPLE,
            linewidths=0,
            alpha=0.7,
            zorder=1,
            gid="sample",
        )
    if two_parties:
        _zone_area(ax, points)
        ordered = sorted(points.frontier)
        ax.step(
            [v[0] for v in ordered],
            [v[1] for v in ordered],
            where="pre",
            color=FRONTIER,
            linewidth=0.9,
            alpha=0.6,
            zorder=2,
            gid="frontier-boundary",
        )
    d = points.no_deal
    for value, vertical in ((d[i], True), (d[j], False)):
        line = ax.axvline if vertical else ax.axhline
        line(value, color=NO_DEAL, linestyle=(0, (5, 3)), linewidth=1.1, zorder=2, gid="no-deal")
    if long_labels:
        label_i = result.parties[points.parties[i]]
        label_j = result.parties[points.parties[j]]
        ax.annotate(
            f"{_short(label_i)}: no deal {short_text(result.no_deal[points.parties[i]])}",
            xy=(d[i], 0.99),
            xycoords=("data", "axes fraction"),
            xytext=(3, 0),
            textcoords="offset points",
            rotation=90,
            ha="left",
            va="top",
            fontsize=BASE_FONT - 1,
            color=NO_DEAL,
        )
        ax.annotate(
            f"{_short(label_j)}: no deal {short_text(result.no_deal[points.parties[j]])}",
            xy=(0.99, d[j]),
            xycoords=("axes fraction", "data"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=BASE_FONT - 1,
            color=NO_DEAL,
        )
    ax.scatter(
        [v[i] for v in points.frontier],
        [v[j] for v in points.frontier],
        s=42 if two_parties else 26,
        marker="o",
        facecolors=[FRONTIER if z else "white" for z in points.in_zone],
        edgecolors=FRONTIER,
        linewidths=1.3,
        zorder=4,
        gid="frontier",
    )
    ax.set_xlim(*points.limits(i))
    ax.set_ylim(*_top_room(points.limits(j), 0.22 if long_labels else 0.0))
    if long_labels:
        ax.set_xlim(*_top_room(points.limits(i), 0.12))
    _solutions(ax, points, i, j, long_labels=long_labels)
    _named(ax, points, i, j, long_labels=long_labels)


def _named(ax: Axes, points: _Points, i: int, j: int, *, long_labels: bool) -> None:
    """Mark each named deal with a diamond (filled: feasible; open: it breaks a rule) and its
    label (its name in a scatter matrix)."""
    if not points.named:
        return
    ax.scatter(
        [v[i] for _, _, v in points.named],
        [v[j] for _, _, v in points.named],
        s=90 if long_labels else 50,
        marker="D",
        facecolors=[NAMED if f else "white" for f in points.named_feasible],
        edgecolors=NAMED,
        linewidths=1.5,
        zorder=7,
        gid="named-deals",
    )
    for k, (name, label, v) in enumerate(points.named):
        ax.annotate(
            _wrap(label, 28) if long_labels else name,
            xy=(v[i], v[j]),
            xytext=(8, -12 - 10 * (k % 2)) if long_labels else (6, -10),
            textcoords="offset points",
            fontsize=BASE_FONT - 1 if long_labels else BASE_FONT - 2,
            fontstyle="italic",
            zorder=7,
            gid=f"deal:{name}",
        )


def _top_room(limits: tuple[float, float], share: float) -> tuple[float, float]:
    lo, hi = limits
    return lo, hi + (hi - lo) * share


def _zone_area(ax: Axes, points: _Points) -> None:
    """Shade what the zone's points attain above both no-deal values (2 parties)."""
    zone = sorted(v for v, z in zip(points.frontier, points.in_zone, strict=True) if z)
    if not zone:
        return
    d1, d2 = points.no_deal
    xs, ys = [d1, d1], [d2, zone[0][1]]
    for k, (x, y) in enumerate(zone):
        xs += [x, x]
        ys += [y, zone[k + 1][1] if k + 1 < len(zone) else d2]
    ax.fill(
        xs,
        ys,
        facecolor=ZONE_FILL,
        alpha=0.22,
        edgecolor=FRONTIER,
        hatch="///",
        linewidth=0,
        zorder=1.5,
        gid="zone",
    )


def _solutions(ax: Axes, points: _Points, i: int, j: int, *, long_labels: bool) -> None:
    """Ring each solution point and label it (full names, or N/K/E/U in a scatter matrix)."""
    spots = sorted(points.solutions.items(), key=lambda item: points.frontier[item[0]][i])
    if not spots:
        return
    if long_labels:
        ax.scatter(
            [points.frontier[k][i] for k, _ in spots],
            [points.frontier[k][j] for k, _ in spots],
            s=230,
            marker="o",
            facecolors="none",
            edgecolors=SOLUTION,
            linewidths=2.0,
            zorder=5,
            gid="solution-rings",
        )
    for rank, (index, names) in enumerate(spots):
        x, y = points.frontier[index][i], points.frontier[index][j]
        gid = "solutions:" + ",".join(names)
        if long_labels:
            text = " = ".join(NAMES[n][0].upper() + NAMES[n][1:] for n in names)
            # A column in the empty corner beyond the frontier, top label for the leftmost
            # point, so that the leader lines do not cross.
            ax.annotate(
                text,
                xy=(x, y),
                xytext=(0.98, 0.96 - 0.065 * rank),
                textcoords="axes fraction",
                ha="right",
                va="top",
                fontsize=BASE_FONT,
                fontweight="bold",
                color="black",
                bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": SOLUTION, "lw": 1},
                arrowprops={"arrowstyle": "-", "color": SOLUTION, "lw": 1.0, "shrinkB": 7},
                zorder=6,
                gid=gid,
            )
        else:
            # Shapes, not text: one marker per solution at its point (see the legend).
            for n in names:
                ax.scatter(
                    [x],
                    [y],
                    s=150 if n == "nash" else 110,
                    marker=SOLUTION_MARKERS[n],
                    facecolors="none",
                    edgecolors=SOLUTION,
                    linewidths=1.8,
                    zorder=6,
                    gid=f"solution:{n}",
                )


def _legend(where: object, points: _Points, *, ncols: int, keys: bool = False) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    zone, outside = sum(points.in_zone), len(points.in_zone) - sum(points.in_zone)
    handles = [
        Line2D([], [], ls="", marker="o", ms=7, mfc=FRONTIER, mec=FRONTIER),
        Line2D([], [], ls="", marker="o", ms=7, mfc="white", mec=FRONTIER, mew=1.3),
        Line2D([], [], ls="", marker="o", ms=11, mfc="none", mec=SOLUTION, mew=2),
        Line2D([], [], color=NO_DEAL, ls=(0, (5, 3)), lw=1.1),
    ]
    labels = [
        f"frontier point in the zone ({zone})",
        f"frontier point outside the zone ({outside})",
        "bargaining solution",
        "no-deal value",
    ]
    if keys:  # several parties: each solution has its own marker
        handles[2:3] = [
            Line2D(
                [], [], ls="", marker=SOLUTION_MARKERS[n], ms=10, mfc="none", mec=SOLUTION, mew=2
            )
            for n in MARKS
        ]
        labels[2:3] = [f"{MARKS[n]}: {NAMES[n][0].upper() + NAMES[n][1:]}" for n in MARKS]
    if len(points.parties) == 2 and zone:
        handles.append(Patch(facecolor=ZONE_FILL, alpha=0.35, hatch="///", edgecolor=FRONTIER))
        labels.append("zone of possible agreement")
    if points.named:
        handles.append(Line2D([], [], ls="", marker="D", ms=7, mfc=NAMED, mec=NAMED))
        labels.append("named deal (open: breaks a rule or red line)")
    if points.sample:
        handles.append(Line2D([], [], ls="", marker="o", ms=4, mfc=SAMPLE, mec=SAMPLE))
        labels.append(cloud_name(points.sample_method, points.sample_complete, len(points.sample)))
    elif points.cloud_note:
        handles.append(Line2D([], [], ls=""))
        labels.append(_wrap(f"no grey cloud of feasible deals: {points.cloud_note}", 44))
    options = {"fontsize": BASE_FONT - 0.5, "frameon": False, "ncols": ncols}
    if keys:
        where.legend(handles, labels, loc="upper right", **options)  # type: ignore[attr-defined]
    else:
        where.legend(handles, labels, loc="outside lower center", **options)  # type: ignore[attr-defined]


def _nothing_to_draw(result: Result) -> str:
    if len(result.parties) < 2:
        return "A frontier plot needs at least two parties."
    return "No feasible deal: every deal breaks a rule or a red line, so there is no frontier."


def _short(label: str) -> str:
    """A party label without its parenthesised detail, for labels inside the plot."""
    head = label.split(" (", 1)[0].strip()
    return _plain(head or label)


def _wrap(text: str, width: int) -> str:
    return _plain("\n".join(textwrap.wrap(text, width)) or text)


def _plain(text: str) -> str:
    """User text as literal text: a '$' would start matplotlib's math mode."""
    return text.replace("$", r"\$")
