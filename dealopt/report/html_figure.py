"""The interactive frontier of the HTML report: plotly figures as JSON-ready data.

Two parties: one panel with the zone shaded, the no-deal lines and the solutions named.
Three or more: a parallel-coordinates view of each zone deal's gain over no deal per party
(:func:`parallel_figure`, the view to read first), for exactly three a rotatable 3-D view
(:func:`cube_figure`, WebGL), and the lower triangle of a scatter matrix with every panel's
axes labelled. In the matrix the bargaining solutions are told apart by marker shape (and
the legend), never by text beside the points, so their labels cannot collide. Apart from the
3-D view, SVG traces only, so the plots draw in every browser, headless and in print. User
text is escaped here: plotly renders a subset of HTML in hover text and labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from dealopt.report.cloud import cloud_name
from dealopt.report.numbers import short_text
from dealopt.report.text import MARKS, NAMES

if TYPE_CHECKING:
    from dealopt.result import Result

# Okabe-Ito, as in the static plots.
FRONTIER = "#0072B2"
SOLUTION = "#D55E00"
SAMPLE = "#b5b5b5"
NO_DEAL = "#444444"
NAMED = "#000000"
ZONE_FILL = "rgba(86, 180, 233, 0.22)"
#: One marker shape per solution where several parties are drawn (plotly symbol names).
SYMBOLS = {
    "nash": "circle-open",
    "kalai_smorodinsky": "square-open",
    "egalitarian": "diamond-open",
    "utilitarian": "triangle-up-open",
}
DASHES = {
    "nash": "solid",
    "kalai_smorodinsky": "dash",
    "egalitarian": "dot",
    "utilitarian": "dashdot",
}


def solution_names(result: Result) -> dict[int, list[str]]:
    """Frontier index -> the names of the bargaining solutions at that point."""
    marks: dict[int, list[str]] = {}
    for name, index in result.solutions.items():
        if index is not None:
            marks.setdefault(index, []).append(name)
    return marks


def solution_title(name: str) -> str:
    """A solution's name for labels: ``kalai_smorodinsky`` -> Kalai-Smorodinsky."""
    return NAMES[name][0].upper() + NAMES[name][1:]


def hover(result: Result, i: int) -> str:
    """A point's hover text: utilities, then every issue's option (user text escaped)."""
    point = result.frontier[i]
    names = solution_names(result).get(i, [])
    number = result.number(i)
    head = f"<b>Deal {number}</b>" if number else "<b>Frontier point</b>"
    if names:
        head += " · " + ", ".join(solution_title(n) for n in names)
    head += " · in the zone" if point.acceptable else " · outside the zone"
    lines = [head]
    lines += [
        f"{escape(label)}: <b>{short_text(point.utilities[p])}</b>"
        for p, label in result.parties.items()
    ]
    for issue in result.issues:
        value = point.deal[issue]
        same = result.at_status_quo(issue, value)
        shown = escape(str(value)) if same else f"<b>{escape(str(value))}</b>"
        lines.append(f"{escape(issue)}: {shown}" + (" (status quo)" if same else ""))
    return "<br>".join(lines)


def figure(
    result: Result,
    sample: list,
    complete: bool,
    deals: Sequence[Any] = (),
    sample_info: object = None,
) -> tuple[dict[str, Any] | None, dict[str, list[int]]]:
    """The plotly figure as JSON-ready data, and the indices of the frontier and solution
    traces (one of each per panel).

    Two parties: one panel. More: the lower triangle of a scatter matrix, one panel per pair
    of parties. SVG scatter traces only (no WebGL), so the plot draws in any browser, in
    print, and headless. ``deals``: named deals (``.name``, ``.label``, ``.utilities``,
    ``.feasible``) drawn as labelled diamonds, one trace named "named deal" per panel.
    """
    parties = list(result.parties)
    if not result.frontier or len(parties) < 2:
        return None, {}
    from plotly.subplots import make_subplots

    k = len(parties) - 1
    # No shared axes: every panel carries its own tick labels and axis titles.
    fig = make_subplots(
        rows=k,
        cols=k,
        horizontal_spacing=0.09 if k > 1 else 0.02,
        vertical_spacing=0.09 if k > 1 else 0.02,
    )
    plot = _Panels(result, sample, complete, fig, deals, sample_info)
    for row in range(k):
        for col in range(row + 1):
            plot.panel(col, row + 1, row + 1, col + 1)
    fig.update_layout(
        template="plotly_white",
        height=620 if k == 1 else max(700, 330 * k),
        margin={"l": 70, "r": 20, "t": 30, "b": 60},
        hovermode="closest",
        hoverlabel={"align": "left", "bgcolor": "white", "font": {"size": 13}},
        legend={"orientation": "h", "yanchor": "top", "y": -0.1, "x": 0},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"},
        clickmode="event",
    )
    if k > 1:  # the empty upper triangle holds the legend
        fig.update_layout(legend={"orientation": "v", "y": 1, "x": 0.55, "yanchor": "top"})
    return fig.to_plotly_json(), plot.traces


class _Panels:
    """Adds one projection panel at a time to a plotly subplot grid."""

    def __init__(
        self,
        result: Result,
        sample: list,
        complete: bool,
        fig: Any,
        deals: Sequence[Any] = (),
        sample_info: object = None,
    ):
        self.result, self.fig = result, fig
        self.deals = list(deals)
        self.n = [[float(d.utilities[q]) for q in result.parties] for d in self.deals]
        self.parties = list(result.parties)
        self.two = len(self.parties) == 2
        self.u = [[float(p.utilities[q]) for q in self.parties] for p in result.frontier]
        self.s = [[float(d.utilities[q]) for q in self.parties] for d in sample]
        self.d = [float(result.no_deal[q]) for q in self.parties]
        self.labels = [escape(result.parties[q]) for q in self.parties]
        self.hover = [hover(result, i) for i in range(len(result.frontier))]
        self.symbols = ["circle" if p.acceptable else "circle-open" for p in result.frontier]
        method = getattr(sample_info, "method", "random")
        self.sample_name = cloud_name(method, complete, len(sample))
        self.spots = sorted(solution_names(result).items(), key=lambda item: self.u[item[0]][0])
        self.traces: dict[str, list[int]] = {"frontier": [], "solutions": [], "deals": []}
        self.first = True

    def _add(self, trace: Any, row: int, col: int, kind: str | None = None) -> None:
        self.fig.add_trace(trace, row=row, col=col)
        if kind is not None:
            self.traces[kind].append(len(self.fig.data) - 1)

    def panel(self, i: int, j: int, row: int, col: int) -> None:
        """Parties ``i`` (x) and ``j`` (y) in the subplot at ``row``, ``col`` (1-based)."""
        import plotly.graph_objects as go

        u, s, d = self.u, self.s, self.d
        legend = self.first
        if s:
            self._add(
                go.Scatter(
                    x=[v[i] for v in s],
                    y=[v[j] for v in s],
                    mode="markers",
                    name=self.sample_name,
                    legendgroup="sample",
                    showlegend=legend,
                    marker={"color": SAMPLE, "size": 4 if self.two else 3},
                    hoverinfo="skip",
                ),
                row,
                col,
            )
        x_range = _range([v[i] for v in u + s + self.n] + [d[i]], 0.12 if self.two else 0.0)
        y_range = _range([v[j] for v in u + s + self.n] + [d[j]], 0.25 if self.two else 0.0)
        if self.two:
            self._zone(row, col)
            ordered = sorted(u)
            self._add(
                go.Scatter(
                    x=[v[0] for v in ordered],
                    y=[v[1] for v in ordered],
                    mode="lines",
                    line={"shape": "vh", "color": FRONTIER, "width": 1},
                    opacity=0.6,
                    hoverinfo="skip",
                    showlegend=False,
                ),
                row,
                col,
            )
        self._add(
            go.Scatter(
                x=[v[i] for v in u],
                y=[v[j] for v in u],
                mode="markers",
                name="frontier point (filled: in the zone; open: outside)",
                legendgroup="frontier",
                showlegend=legend,
                customdata=list(range(len(u))),
                hovertext=self.hover,
                hoverinfo="text",
                marker={
                    "symbol": self.symbols,
                    "size": 10 if self.two else 8,
                    "color": FRONTIER,
                    "line": {"color": FRONTIER, "width": 1.5},
                },
                selected={"marker": {"size": 16 if self.two else 13}},
                unselected={"marker": {"opacity": 0.45}},
            ),
            row,
            col,
            "frontier",
        )
        spots = self.spots
        if self.two:
            self._add(
                go.Scatter(
                    x=[u[p][i] for p, _ in spots],
                    y=[u[p][j] for p, _ in spots],
                    mode="markers",
                    name="bargaining solution",
                    legendgroup="solutions",
                    showlegend=legend,
                    customdata=[p for p, _ in spots],
                    hovertext=[self.hover[p] for p, _ in spots],
                    hoverinfo="text",
                    marker={
                        "symbol": "circle-open",
                        "size": 22,
                        "color": SOLUTION,
                        "line": {"width": 3, "color": SOLUTION},
                    },
                ),
                row,
                col,
                "solutions",
            )
        else:
            # One trace per solution, told apart by shape: no text beside the points.
            for name, mark in MARKS.items():
                index = self.result.solutions.get(name)
                if index is None:
                    continue
                self._add(
                    go.Scatter(
                        x=[u[index][i]],
                        y=[u[index][j]],
                        mode="markers",
                        name=f"{mark}: {solution_title(name)}",
                        legendgroup=f"solution-{name}",
                        showlegend=legend,
                        customdata=[index],
                        hovertext=[self.hover[index]],
                        hoverinfo="text",
                        marker={
                            "symbol": SYMBOLS[name],
                            "size": 17,
                            "color": SOLUTION,
                            "line": {"width": 2.5, "color": SOLUTION},
                        },
                    ),
                    row,
                    col,
                    "solutions",
                )
        if self.deals:
            named = self.n
            self._add(
                go.Scatter(
                    x=[v[i] for v in named],
                    y=[v[j] for v in named],
                    mode="markers+text",
                    text=[escape(d.label if self.two else d.name) for d in self.deals],
                    textposition="bottom right",
                    textfont={"size": 12, "color": "black"},
                    name="named deal (open: breaks a rule or red line)",
                    legendgroup="deals",
                    showlegend=legend,
                    customdata=[d.name for d in self.deals],
                    hovertext=[_deal_hover(self.result, d) for d in self.deals],
                    hoverinfo="text",
                    marker={
                        "symbol": [
                            "diamond" if getattr(d, "feasible", True) else "diamond-open"
                            for d in self.deals
                        ],
                        "size": 13 if self.two else 10,
                        "color": NAMED,
                        "line": {"width": 2, "color": NAMED},
                    },
                ),
                row,
                col,
                "deals",
            )
        for axis, party in (("x", i), ("y", j)):
            line = self.fig.add_vline if axis == "x" else self.fig.add_hline
            note = {}
            if self.two:
                value = short_text(self.result.no_deal[self.parties[party]])
                note = {
                    "annotation": {
                        "text": f"{_short(self.labels[party])}: no deal {value}",
                        "font": {"size": 12, "color": NO_DEAL},
                    },
                    "annotation_position": "top right" if axis == "x" else "top left",
                }
            line(
                d[party],
                line={"dash": "dash", "color": NO_DEAL, "width": 1.2},
                row=row,
                col=col,
                **note,
            )
        if self.two:
            self._labels(x_range, y_range)
        self.fig.update_xaxes(range=list(x_range), zeroline=False, row=row, col=col)
        self.fig.update_yaxes(range=list(y_range), zeroline=False, row=row, col=col)
        # Every panel names both its axes (short labels in a matrix: panels are narrow).
        xt = self.labels[i] if self.two else _short(self.labels[i])
        yt = self.labels[j] if self.two else _short(self.labels[j])
        self.fig.update_xaxes(title_text=xt, title_standoff=4, row=row, col=col)
        self.fig.update_yaxes(title_text=yt, title_standoff=4, row=row, col=col)
        self.first = False

    def _labels(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        """Name the solutions in a column in the empty corner beyond the frontier, the top
        label for the leftmost point, so that the leader lines never cross."""
        step = (y_range[1] - y_range[0]) * 0.065
        for rank, (p, names) in enumerate(self.spots):
            self.fig.add_annotation(
                x=self.u[p][0],
                y=self.u[p][1],
                ax=x_range[1] - (x_range[1] - x_range[0]) * 0.02,
                ay=y_range[1] - step * (rank + 0.6),
                axref="x",
                ayref="y",
                xanchor="right",
                text=f"<b>{' = '.join(solution_title(n) for n in names)}</b>",
                showarrow=True,
                arrowhead=0,
                arrowcolor=SOLUTION,
                standoff=11,
                bordercolor=SOLUTION,
                borderpad=3,
                bgcolor="white",
                font={"size": 13},
            )

    def _zone(self, row: int, col: int) -> None:
        """Shade what the zone's points attain above both no-deal values (two parties)."""
        import plotly.graph_objects as go

        zone = sorted(self.u[i] for i in self.result.zone)
        if not zone:
            return
        d = self.d
        xs, ys = [d[0], d[0]], [d[1], zone[0][1]]
        for k, (x, y) in enumerate(zone):
            xs += [x, x]
            ys += [y, zone[k + 1][1] if k + 1 < len(zone) else d[1]]
        self._add(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=ZONE_FILL,
                line={"width": 0},
                name="zone of possible agreement (shaded)",
                hoverinfo="skip",
            ),
            row,
            col,
        )


def _deal_hover(result: Result, deal: Any) -> str:
    """A named deal's label, utilities and verdict, for its hover box."""
    lines = [f"<b>{escape(deal.label)}</b> (named deal {escape(deal.name)})"]
    for party, label in result.parties.items():
        lines.append(f"{escape(label)}: {short_text(deal.utilities[party])}")
    if not getattr(deal, "feasible", True):
        lines.append("breaks a rule or red line")
    elif getattr(deal, "acceptable", False):
        lines.append("acceptable to every party")
    return "<br>".join(lines)


def _range(values: list[float], top: float) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.06 or 1.0
    return lo - pad, hi + pad + (hi - lo) * top


def _short(label: str) -> str:
    head = label.split(" (", 1)[0].strip()
    return head or label


def parallel_figure(result: Result) -> tuple[dict[str, Any] | None, list[int], list[int]]:
    """Each zone deal's gain over no deal, one line across the parties (three or more).

    Returns the figure, the trace index of each deal's line, and the frontier index each of
    those lines draws (for selecting a deal from the page). The bargaining solutions are drawn
    again on top, each with its own dash and a legend entry. Without a zone, the frontier
    deals are drawn (some gains are then negative). None with fewer than three parties.
    """
    parties = list(result.parties)
    if len(parties) < 3 or not result.frontier:
        return None, [], []
    import plotly.graph_objects as go

    shown = list(result.zone) or list(range(len(result.frontier)))
    labels = [_short(escape(result.parties[p])) for p in parties]
    d = [result.no_deal[p] for p in parties]
    gains = {
        i: [float(result.frontier[i].utilities[p] - d[k]) for k, p in enumerate(parties)]
        for i in shown
    }
    fig = go.Figure()
    traces, indices = [], []
    for i in shown:
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=gains[i],
                mode="lines+markers",
                line={"color": FRONTIER, "width": 1.3},
                marker={"size": 6, "color": FRONTIER},
                opacity=0.55,
                customdata=[i] * len(parties),
                hovertext=[hover(result, i)] * len(parties),
                hoverinfo="text",
                name="zone deal" if result.zone else "frontier deal",
                legendgroup="deals",
                showlegend=not traces,
            )
        )
        traces.append(len(fig.data) - 1)
        indices.append(i)
    for name, mark in MARKS.items():
        index = result.solutions.get(name)
        if index is None or index not in gains:
            continue
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=gains[index],
                mode="lines+markers",
                line={"color": SOLUTION, "width": 3, "dash": DASHES[name]},
                marker={"size": 9, "color": SOLUTION, "symbol": SYMBOLS[name]},
                customdata=[index] * len(parties),
                hovertext=[hover(result, index)] * len(parties),
                hoverinfo="text",
                name=f"{mark}: {solution_title(name)}",
            )
        )
    fig.add_hline(y=0, line={"dash": "dash", "color": NO_DEAL, "width": 1.2})
    fig.update_layout(
        template="plotly_white",
        height=460,
        margin={"l": 70, "r": 20, "t": 30, "b": 50},
        hovermode="closest",
        hoverlabel={"align": "left", "bgcolor": "white", "font": {"size": 13}},
        legend={"orientation": "v", "x": 1.01, "y": 1, "yanchor": "top"},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"},
        xaxis={"title": {"text": "party"}, "type": "category"},
        yaxis={
            "title": {"text": "gain over no deal (utility minus no-deal value)"},
            "zeroline": False,
        },
        clickmode="event",
    )
    return fig.to_plotly_json(), traces, indices


def cube_figure(result: Result, sample: list) -> tuple[dict[str, Any] | None, list[int]]:
    """The three parties' utilities in a rotatable 3-D view (WebGL): frontier points (filled
    in the zone, open outside), the solutions by shape, the no-deal point, the grey cloud.
    Returns the figure and the index of the frontier trace. None unless three parties."""
    parties = list(result.parties)
    if len(parties) != 3 or not result.frontier:
        return None, []
    import plotly.graph_objects as go

    labels = [_short(escape(result.parties[p])) for p in parties]
    u = [[float(pt.utilities[p]) for p in parties] for pt in result.frontier]
    fig = go.Figure()
    if sample:
        s = [[float(x.utilities[p]) for p in parties] for x in sample]
        fig.add_trace(
            go.Scatter3d(
                x=[v[0] for v in s],
                y=[v[1] for v in s],
                z=[v[2] for v in s],
                mode="markers",
                marker={"size": 2, "color": SAMPLE},
                hoverinfo="skip",
                name="feasible deals (grey)",
            )
        )
    fig.add_trace(
        go.Scatter3d(
            x=[v[0] for v in u],
            y=[v[1] for v in u],
            z=[v[2] for v in u],
            mode="markers",
            marker={
                "size": 5,
                "color": [FRONTIER if p.acceptable else "white" for p in result.frontier],
                "line": {"color": FRONTIER, "width": 2},
            },
            customdata=list(range(len(u))),
            hovertext=[hover(result, i) for i in range(len(u))],
            hoverinfo="text",
            name="frontier point (filled: in the zone)",
        )
    )
    frontier_trace = len(fig.data) - 1
    for name, mark in MARKS.items():
        index = result.solutions.get(name)
        if index is None:
            continue
        fig.add_trace(
            go.Scatter3d(
                x=[u[index][0]],
                y=[u[index][1]],
                z=[u[index][2]],
                mode="markers",
                marker={
                    "size": 9,
                    "color": SOLUTION,
                    "symbol": SYMBOLS[name].replace("triangle-up-open", "cross"),
                },
                customdata=[index],
                hovertext=[hover(result, index)],
                hoverinfo="text",
                name=f"{mark}: {solution_title(name)}",
            )
        )
    d = [float(result.no_deal[p]) for p in parties]
    fig.add_trace(
        go.Scatter3d(
            x=[d[0]],
            y=[d[1]],
            z=[d[2]],
            mode="markers",
            marker={"size": 6, "color": NO_DEAL, "symbol": "x"},
            hovertext=[
                "no deal: "
                + ", ".join(
                    f"{lab} {short_text(result.no_deal[p])}"
                    for lab, p in zip(labels, parties, strict=True)
                )
            ],
            hoverinfo="text",
            name="no deal (every party at its no-deal value)",
        )
    )
    fig.update_layout(
        template="plotly_white",
        height=620,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        scene={
            "xaxis": {"title": {"text": labels[0]}},
            "yaxis": {"title": {"text": labels[1]}},
            "zaxis": {"title": {"text": labels[2]}},
        },
        legend={"orientation": "v", "x": 0, "y": 1},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"},
        hoverlabel={"align": "left", "bgcolor": "white", "font": {"size": 13}},
    )
    return fig.to_plotly_json(), [frontier_trace]
