"""Static frontier plots: what is drawn, checked on the figure's artists (not on pixels),
and the files written; plus the feasible-deal sample drawn behind the frontier."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest
from typer.testing import CliRunner

import dealopt
from dealopt.analysis.sample import feasible_sample
from dealopt.errors import UsageError
from dealopt.report.plot import frontier_figure, save_plot

SOLUTIONS = {"nash", "kalai_smorodinsky", "egalitarian", "utilitarian"}

# Two parties: price, delivery and warranty. The seller red-lines the lowest price; express
# delivery needs a warranty. 7 x 4 x 4 = 112 deals, 16 + 6 of them infeasible: 90 feasible.
# Frontier: 36 points, 31 in the zone; Nash and utilitarian share a point, Kalai-Smorodinsky
# and egalitarian have their own.
SELLER_PRICE = {"p0": 0, "p1": 22, "p2": 40, "p3": 54, "p4": 65, "p5": 73, "p6": 78}
SELLER_DELIVERY = {"slow": 20, "normal": 15, "fast": 8, "express": 0}
TWO = {
    "dealopt": 1,
    "name": "Price and delivery, $ and days",
    "parties": {
        "seller": {"label": "Seller ($ per unit)", "no_deal": 20},
        "buyer": {"label": "Buyer", "no_deal": 10},
    },
    "issues": {
        "price": {"options": list(SELLER_PRICE)},
        "delivery": {"options": list(SELLER_DELIVERY)},
        "warranty": {"range": [0, 3]},
    },
    "interests": {
        "seller": {
            "weights": {"price": 1, "delivery": 1, "warranty": -2},
            "scores": {"price": SELLER_PRICE, "delivery": SELLER_DELIVERY, "warranty": "linear"},
        },
        "buyer": {
            "weights": {"price": 1, "delivery": 1, "warranty": 3},
            "scores": {
                "price": {"p0": 60, "p1": 50, "p2": 40, "p3": 30, "p4": 20, "p5": 10, "p6": 0},
                "delivery": {"slow": 0, "normal": 10, "fast": 18, "express": 24},
                "warranty": "linear",
            },
        },
    },
    "red_lines": {"seller": [{"label": "No fire sale", "rule": "price >= p1"}]},
    "rules": [
        {"label": "Express needs a warranty", "rule": "delivery == express -> warranty >= 1"}
    ],
}

THREE = {
    "dealopt": 1,
    "name": "Three-way",
    "parties": {
        "a": {"label": "Alpha", "no_deal": 3},
        "b": {"label": "Beta", "no_deal": -2},
        "c": {"label": "Gamma", "no_deal": -1},
    },
    "issues": {
        "x": {"range": [0, 6]},
        "y": {"options": ["lo", "mid", "hi"]},
        "z": {"range": [0, 4]},
    },
    "interests": {
        "a": {"scores": {"x": "linear", "y": {"lo": 0, "mid": 2, "hi": 4}}},
        "b": {"weights": {"x": -1, "z": 1}, "scores": {"x": "linear", "z": "linear"}},
        "c": {
            "weights": {"y": 1, "z": -1},
            "scores": {"y": {"lo": 5, "mid": 3, "hi": 0}, "z": "linear"},
        },
    },
}


@pytest.fixture(scope="module")
def two():
    instance = dealopt.instance(TWO)
    return instance, dealopt.solve(instance)


@pytest.fixture(scope="module")
def three():
    instance = dealopt.instance(THREE)
    return instance, dealopt.solve(instance)


def _artists(fig, gid):
    return [a for a in fig.findobj() if a.get_gid() == gid]


def _solution_labels(ax):
    return [a for a in ax.texts if (a.get_gid() or "").startswith("solutions:")]


def _is_solution(artist):
    return (artist.get_gid() or "").startswith("solution:")


def _names(labels):
    return {n for a in labels for n in a.get_gid().split(":", 1)[1].split(",")}


def test_two_parties_every_frontier_point_once(two):
    instance, result = two
    sample = feasible_sample(instance)
    fig = result.plot(sample)
    (frontier,) = _artists(fig, "frontier")
    offsets = frontier.get_offsets()
    assert len(offsets) == len(result.frontier) > 2
    parties = list(result.parties)
    expected = [[float(p.utilities[q]) for q in parties] for p in result.frontier]
    assert offsets.tolist() == expected
    # Filled markers are the zone, open ones (white face) are not: shape, not colour alone.
    faces = frontier.get_facecolors()
    filled = [i for i, face in enumerate(faces) if tuple(face[:3]) != (1.0, 1.0, 1.0)]
    assert filled == list(result.zone)
    assert 0 < len(result.zone) < len(result.frontier)  # the instance has both kinds


def test_two_parties_marks_the_four_solutions_and_the_no_deal_lines(two):
    _, result = two
    fig = result.plot()
    (ax,) = fig.axes
    labels = _solution_labels(ax)
    assert _names(labels) == SOLUTIONS
    # One label per distinct point: Nash and utilitarian share theirs.
    assert result.solutions["nash"] == result.solutions["utilitarian"]
    assert len(labels) == 3
    parties = list(result.parties)
    for label in labels:
        names = label.get_gid().split(":", 1)[1].split(",")
        point = result.solution(names[0])
        assert label.xy == tuple(float(point.utilities[p]) for p in parties)
        assert all(result.solutions[n] == result.solutions[names[0]] for n in names)
    (rings,) = _artists(fig, "solution-rings")
    assert len(rings.get_offsets()) == len({i for i in result.solutions.values()})
    lines = _artists(fig, "no-deal")
    assert len(lines) == 2
    vertical, horizontal = lines  # x: the seller's no-deal value; y: the buyer's
    assert list(vertical.get_xdata()) == [float(result.no_deal["seller"])] * 2
    assert list(horizontal.get_ydata()) == [float(result.no_deal["buyer"])] * 2
    assert [a for a in fig.findobj() if a.get_gid() == "zone"]
    assert ax.get_xlabel() == r"Seller (\$ per unit)"  # '$' kept literal, not math mode
    assert ax.get_ylabel() == "Buyer"


def test_the_sample_is_drawn_in_grey_and_only_feasible(two):
    instance, result = two
    sample = feasible_sample(instance)
    assert sample.complete and len(sample) == sample.feasible == 90
    fig = frontier_figure(result, sample)
    (grey,) = _artists(fig, "sample")
    assert len(grey.get_offsets()) == 90
    frontier_utilities = {tuple(p.utilities.values()) for p in result.frontier}
    sampled = {tuple(s.utilities.values()) for s in sample}
    assert frontier_utilities <= sampled


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_plot_files_are_written(two, tmp_path, suffix):
    instance, result = two
    path = save_plot(result, tmp_path / f"frontier.{suffix}", feasible_sample(instance))
    data = path.read_bytes()
    assert len(data) > 5000
    magic = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}[suffix]
    assert data.startswith(magic)


def test_svg_has_one_marker_per_frontier_point(two, tmp_path):
    _, result = two
    path = save_plot(result, tmp_path / "frontier.svg")
    root = ET.parse(path).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    (group,) = [g for g in root.iter(f"{ns}g") if g.get("id") == "frontier"]
    assert len(list(group.iter(f"{ns}use"))) == len(result.frontier)
    labels = [g.get("id") for g in root.iter(f"{ns}g") if g.get("id", "").startswith("solutions")]
    assert {n for gid in labels for n in gid.split(":", 1)[1].split(",")} == SOLUTIONS


def test_same_result_same_svg(two, tmp_path):
    _, result = two
    a = save_plot(result, tmp_path / "a.svg").read_bytes()
    b = save_plot(result, tmp_path / "b.svg").read_bytes()
    assert a == b


def test_unknown_format_is_a_usage_error(two, tmp_path):
    _, result = two
    with pytest.raises(UsageError, match=r"\.png, \.svg or \.pdf"):
        save_plot(result, tmp_path / "frontier.jpg")


def test_three_parties_scatter_matrix(three):
    instance, result = three
    assert len(result.frontier) > 10 and result.zone
    fig = result.plot(feasible_sample(instance, 50))
    panels = [ax for ax in fig.axes if _artists(ax, "frontier")]
    assert len(panels) == 3  # (a, b), (a, c), (b, c)
    parties = list(result.parties)
    pairs = set()
    for ax in panels:
        (frontier,) = _artists(ax, "frontier")
        assert len(frontier.get_offsets()) == len(result.frontier)
        # Each solution is its own marker shape, with no text beside it that could collide.
        marks = {a.get_gid().split(":", 1)[1] for a in ax.collections if _is_solution(a)}
        assert marks == SOLUTIONS
        assert not _solution_labels(ax) and not [t for t in ax.texts if t.get_text() in "NKEU"]
        assert len(_artists(ax, "no-deal")) == 2
        (grey,) = _artists(ax, "sample")
        assert len(grey.get_offsets()) == 50
        pairs.add((ax.get_xaxis().get_label_text(), ax.get_yaxis().get_label_text()))
    labels = [result.parties[p] for p in parties]
    # Every panel names both its axes: (a, b), (a, c), (b, c).
    assert pairs == {(labels[0], labels[1]), (labels[0], labels[2]), (labels[1], labels[2])}
    # Above the matrix: one line of gains over no deal per zone deal, and the solutions.
    lines = [a for a in fig.findobj() if a.get_gid() == "parallel-deal"]
    assert len(lines) == len(result.zone)
    d = [float(result.no_deal[p]) for p in parties]
    got = sorted(tuple(line.get_ydata()) for line in lines)
    want = sorted(
        tuple(float(result.frontier[i].utilities[p]) - d[k] for k, p in enumerate(parties))
        for i in result.zone
    )
    assert got == want
    assert {a.get_gid() for a in fig.findobj() if (a.get_gid() or "").startswith("parallel:")} == {
        f"parallel:{n}" for n in SOLUTIONS
    }


def test_no_feasible_deal_draws_a_message():
    data = {**TWO, "rules": [{"label": "impossible", "rule": "price < p0"}]}
    result = dealopt.solve(dealopt.instance(data))
    assert not result.frontier
    fig = result.plot()
    assert not _artists(fig, "frontier")
    assert any("No feasible deal" in t.get_text() for t in fig.axes[0].texts)


def test_random_draws_when_the_space_is_too_large(two):
    instance, _ = two
    drawn = feasible_sample(instance, n=20, seed=3, enumerate_max=0)
    assert not drawn.complete and drawn.feasible is None
    assert 0 < len(drawn) <= 20 and drawn.attempts <= 5000
    assert all(s.deal["price"] != "p0" for s in drawn)
    assert all(s.deal["warranty"] >= 1 for s in drawn if s.deal["delivery"] == "express")
    assert drawn == feasible_sample(instance, n=20, seed=3, enumerate_max=0)
    deals = [tuple(s.deal.values()) for s in drawn]
    assert len(set(deals)) == len(deals)
    for s in drawn:
        d = s.deal
        seller = SELLER_PRICE[d["price"]] + SELLER_DELIVERY[d["delivery"]] - 2 * d["warranty"]
        assert s.utilities["seller"] == Fraction(seller)


def test_sample_size_and_seed(two):
    instance, _ = two
    a = feasible_sample(instance, n=10, seed=1)
    assert len(a) == 10 and not a.complete and a.feasible == 90
    assert a == feasible_sample(instance, n=10, seed=1)
    with pytest.raises(ValueError):
        feasible_sample(instance, n=-1)


def test_cli_solve_writes_the_plot(tmp_path):
    import yaml

    from dealopt.cli import app

    source = tmp_path / "deal.yaml"
    source.write_text(yaml.safe_dump(TWO), encoding="utf-8")
    target = tmp_path / "frontier.png"
    run = CliRunner().invoke(app, ["solve", str(source), "--plot", str(target)])
    assert run.exit_code == 0, run.output
    assert target.read_bytes().startswith(b"\x89PNG")
    assert "zone" in run.output  # the usual table still prints


def test_named_deals_are_labelled_diamonds(two, three):
    from dealopt.analysis.evaluate import named_points

    # Seller: price + delivery - 2 warranty; buyer: price + delivery + 3 warranty (tables above).
    # "list": p6, slow, warranty 0 -> seller 78 + 20 = 98, buyer 0 + 0 = 0, feasible.
    # "cut": p0 (the seller's red line), express, warranty 0 -> infeasible twice over;
    # seller 0 + 0 = 0, buyer 60 + 24 = 84.
    data = {
        **TWO,
        "deals": {
            "list": {"label": "List price", "choose": {"price": "p6"}},
            "cut": {"choose": {"price": "p0", "delivery": "express"}},
        },
    }
    instance = dealopt.instance(data)
    points = named_points(instance)
    assert [(p.name, p.feasible) for p in points] == [("list", True), ("cut", False)]
    _, result = two
    fig = result.plot(deals=points)
    (marks,) = _artists(fig, "named-deals")
    assert marks.get_offsets().tolist() == [[98.0, 0.0], [0.0, 84.0]]
    faces = marks.get_facecolors().tolist()
    assert faces[0][:3] == [0.0, 0.0, 0.0] and faces[1][:3] == [1.0, 1.0, 1.0]
    (first,) = _artists(fig, "deal:list")
    (second,) = _artists(fig, "deal:cut")
    assert first.get_text() == "List price" and second.get_text() == "cut"
    # the axes stretch to show a named deal far from the frontier
    ax = fig.axes[0]
    assert ax.get_xlim()[0] < 0 and ax.get_ylim()[1] > 84
    # three parties: one diamond per panel, labelled by name
    _, three_result = three
    named3 = dealopt.instance({**THREE, "deals": {"mid": {"choose": {"x": 3, "y": "mid"}}}})
    fig = three_result.plot(deals=named_points(named3))
    assert len(_artists(fig, "named-deals")) == 3
    assert {a.get_text() for a in _artists(fig, "deal:mid")} == {"mid"}
