"""GENIUS import and export (dealopt.io.genius).

The shared scenarios are checked against an independent computation made here from the XML
with the standard library's ElementTree (GENIUS's semantics: each issue's evaluations divided by
that issue's largest, weighted sum capped at 1, reservation values on that scale), and against
negmas' Pareto frontier on the same normalised utilities when negmas is installed.
"""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as StdET
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import dealopt
from dealopt.errors import SpecError
from dealopt.io import genius
from dealopt.rules.oracle import Oracle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "genius"
# The project's own copies of published GENIUS scenarios: an extra layer, when present.
ANCHORS = Path(__file__).resolve().parents[3] / "shared" / "anchors" / "genius"
OWN = {  # written by hand for the tests (tests/fixtures/genius/README.md): always run
    "Flat": ("Flat-domain.xml", ["Flat-tenant.xml", "Flat-landlord.xml"]),
    "Festival": (
        "Festival_domain.xml",
        ["Festival_council.xml", "Festival_promoter.xml", "Festival_residents.xml"],
    ),
}
PUBLISHED = {
    "Laptop": ("Laptop-C-domain.xml", ["Laptop-C-prof1.xml", "Laptop-C-prof2.xml"]),
    "ItexvsCypress": (
        "ItexvsCypress_domain.xml",
        ["ItexvsCypress_Itex.xml", "ItexvsCypress_Cypress.xml"],
    ),
    "EnglandZimbabwe": ("EnglandZimbabwe_domain.xml", ["England.xml", "Zimbabwe.xml"]),
}
SCENARIOS = {**OWN, **PUBLISHED}
needs_anchors = pytest.mark.anchors  # deselected where absent (tests/conftest.py)
ALL = [pytest.param(n, id=n) for n in OWN] + [
    pytest.param(n, id=n, marks=needs_anchors) for n in PUBLISHED
]


def scenario(name: str) -> tuple[Path, list[Path]]:
    domain, profiles = SCENARIOS[name]
    folder = (FIXTURES if name in OWN else ANCHORS) / name
    return folder / domain, [folder / p for p in profiles]


# ----------------------------------------------------------------------------- the reference


def reference(domain: Path, profiles: list[Path]):
    """GENIUS's utilities of every deal, computed independently from the XML.

    Returns the issues (index, name, values), {deal: utilities} and the reservation values.
    """
    dom = StdET.parse(domain).getroot()
    issues = []
    for i in dom.iter("issue"):
        if i.get("type") == "integer":  # values lowerbound..upperbound
            values = list(range(int(i.get("lowerbound")), int(i.get("upperbound")) + 1))
        else:
            values = [it.get("value") for it in i.iter("item")]
        issues.append((int(i.get("index")), i.get("name"), values))
    lower = {index: values[0] for index, _, values in issues}
    parties = []
    for path in profiles:
        root = StdET.parse(path).getroot()
        weights = {
            int(w.get("index")): Fraction(Decimal(w.get("value"))) for w in root.iter("weight")
        }
        evaluations = {}
        for issue in root.iter("issue"):
            index = int(issue.get("index"))
            evaluator = issue.find("evaluator")
            if evaluator is not None:  # integer: offset + slope × (value − lowerbound), in 0..1
                slope = Fraction(Decimal(evaluator.get("slope")))
                offset = Fraction(Decimal(evaluator.get("offset")))
                evaluations[index] = {
                    v: min(Fraction(1), max(Fraction(0), offset + slope * (v - lower[index])))
                    for v in next(vs for i, _, vs in issues if i == index)
                }
                continue
            raw = {
                it.get("value"): Fraction(Decimal(it.get("evaluation")))
                for it in issue.iter("item")
            }
            top = max(raw.values())
            # GENIUS counts an issue whose largest evaluation is below 0.00001 as all zero
            evaluations[index] = {
                v: e / top if top >= Fraction(1, 100000) else Fraction(0) for v, e in raw.items()
            }
        node = root.find(".//reservation")
        r = Fraction(Decimal(node.get("value"))) if node is not None else Fraction(0)
        parties.append((weights, evaluations, r))

    def utility(party, deal) -> Fraction:
        weights, evaluations, _ = party
        total = sum(
            weights[index] * evaluations[index][v]
            for (index, _, _), v in zip(issues, deal, strict=True)
        )
        return min(Fraction(1), total)  # GENIUS caps utilities at 1

    deals = itertools.product(*(values for _, _, values in issues))
    utilities = {deal: tuple(utility(p, deal) for p in parties) for deal in deals}
    return issues, utilities, tuple(r for *_, r in parties)


def nondominated(points) -> set[tuple[Fraction, ...]]:
    points = set(points)
    return {
        p
        for p in points
        if not any(q != p and all(a >= b for a, b in zip(q, p, strict=True)) for q in points)
    }


# ----------------------------------------------------------------------------- shared scenarios


@pytest.mark.parametrize("backend", ["enumerate", "cpsat"])
@pytest.mark.parametrize("name", ALL)
def test_scenario_matches_independent_computation(tmp_path, name, backend):
    domain, profiles = scenario(name)
    path = tmp_path / f"{name}.yaml"
    path.write_text(genius.to_yaml_text(genius.to_data(domain, profiles)), encoding="utf-8")
    instance = dealopt.load(path)  # checks the written file completely
    result = dealopt.solve(instance, backend=backend)
    issues, utilities, reservations = reference(domain, profiles)
    parties = list(instance.parties)
    names = list(instance.issues)

    def genius_deal(deal) -> tuple[str, ...]:
        # options keep the domain's value order, so positions map dealopt to GENIUS values
        return tuple(
            values[instance.issues[n].values.index(deal[n])]
            for n, (_, _, values) in zip(names, issues, strict=True)
        )

    # GENIUS's own 0..1 utilities, deal by deal, and its reservation values as no-deal values
    k = 1
    for point in result.frontier:
        expected = utilities[genius_deal(point.deal)]
        assert tuple(point.utilities[p] for p in parties) == expected
    assert tuple(result.no_deal[p] for p in parties) == reservations

    frontier = {tuple(f.utilities[p] / k for p in parties) for f in result.frontier}
    assert frontier == nondominated(utilities.values())
    acceptable = [
        u for u in utilities.values() if all(a >= r for a, r in zip(u, reservations, strict=True))
    ]
    zone = nondominated(acceptable)
    assert {tuple(f.utilities[p] / k for p in parties) for f in result.zone_deals} == zone
    assert len(result.frontier) == len(frontier)  # one reported deal per point

    def gains(u) -> Fraction:
        return math.prod(a - r for a, r in zip(u, reservations, strict=True))

    nash = result.solution("nash")
    assert nash is not None
    best = max(gains(u) for u in zone)
    assert gains(tuple(nash.utilities[p] / k for p in parties)) == best


EXPECTED = {  # what the independent computation gives (frontier size)
    "Flat": 13,
    "Festival": 24,
    "Laptop": 4,
    "ItexvsCypress": 18,
    "EnglandZimbabwe": 25,
}


@pytest.mark.parametrize("name", ALL)
def test_scenario_frontier_sizes(name):
    domain, profiles = scenario(name)
    _, utilities, _ = reference(domain, profiles)
    assert len(nondominated(utilities.values())) == EXPECTED[name]


@pytest.mark.parametrize("name", ALL)
def test_scenario_matches_negmas_frontier(name):
    inout = pytest.importorskip("negmas.inout")
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.ops import pareto_frontier
    from negmas.preferences.value_fun import TableFun

    domain, profiles = scenario(name)
    loaded = inout.Scenario.from_genius_files(domain=domain, ufuns=profiles)
    ufuns = []
    for u in loaded.ufuns:  # negmas keeps raw evaluations: normalise them as GENIUS does
        values = [
            TableFun({k: v / max(f.mapping.values()) for k, v in f.mapping.items()})
            for f in u.values
        ]
        ufuns.append(
            LinearAdditiveUtilityFunction(
                values=values,
                weights=u.weights,
                outcome_space=loaded.outcome_space,
                reserved_value=u.reserved_value,
            )
        )
    outcomes = list(loaded.outcome_space.enumerate_or_sample())
    _, indices = pareto_frontier(ufuns, outcomes)
    negmas_deals = {tuple(outcomes[i]) for i in indices}

    _, utilities, reservations = reference(domain, profiles)
    acceptable = {
        d: u
        for d, u in utilities.items()
        if all(a >= r for a, r in zip(u, reservations, strict=True))
    }
    zone = nondominated(acceptable.values())
    assert negmas_deals == {d for d, u in acceptable.items() if u in zone}
    result = dealopt.solve(genius.load(domain, profiles), backend="enumerate", all_deals=True)
    instance_issues = [i.values for i in genius.load(domain, profiles).issues.values()]
    issues, _, _ = reference(domain, profiles)
    ours = {
        tuple(
            values[opts.index(v)]
            for (_, _, values), opts, v in zip(issues, instance_issues, d.values(), strict=True)
        )
        for f in result.zone_deals
        for d in f.all_deals or ()
    }
    assert ours == negmas_deals


def test_own_scenario_description_states_scale_cap_and_discount():
    inst = genius.load(*scenario("Flat"))
    assert inst.name == "Flat"
    assert list(inst.parties) == ["tenant", "landlord"]
    # largest evaluations 30 (20/30 = 2/3) for the tenant and 9 (7/9) for the landlord: the
    # scores are written times the smallest whole scale that keeps them exact, divided again
    assert inst.interests["tenant"].scale == 3 and inst.interests["landlord"].scale == 9
    assert "tenant 3, landlord 9" in inst.description
    assert not inst.has_status_quo and "status_quo: none" in inst.description
    assert "caps utilities at 1" in inst.description
    assert "Discount factors" in inst.description and "one-shot" in inst.description
    assert inst.issues["rent"].values == ("v950_a_month", "v1_050_a_month", "v1_150_a_month")
    assert "v950_a_month = '$950 a month'" in inst.issues["rent"].description
    assert inst.issues["pets"].values[2] == "landlord_s_call"
    assert inst.issues["move_in_week"].is_range and inst.issues["move_in_week"].values == (
        1,
        2,
        3,
        4,
    )
    assert inst.issues["lease_term"].label == "Lease term"
    assert not inst.interests["tenant"].terms  # weights sum to 1: nothing above the cap
    # the landlord's weights sum to 1.1634413615167958: every deal above 1 is brought back
    assert len(inst.interests["landlord"].terms) == 26
    assert inst.interests["tenant"].weights["rent"] == Decimal("0.3819660112501051")


def test_own_scenario_exports_its_own_weights(tmp_path):
    written, notes = genius.export(genius.load(*scenario("Flat")), tmp_path)
    assert notes == ()
    for ours, theirs in zip(written[1:], scenario("Flat")[1], strict=True):
        mine = [w.get("value") for w in StdET.parse(ours).getroot().iter("weight")]
        original = [w.get("value") for w in StdET.parse(theirs).getroot().iter("weight")]
        assert [Decimal(w) for w in mine] == [Decimal(w) for w in original]


@needs_anchors
def test_scenario_description_states_scale_cap_and_discount():
    inst = genius.load(*scenario("Laptop"))
    assert inst.name == "Laptop-C"
    assert list(inst.parties) == ["prof1", "prof2"]
    assert "prof1 3" in inst.description and inst.interests["prof1"].scale == 3
    assert "caps utilities at 1" in inst.description
    assert "Discount factors" in inst.description and "one-shot" in inst.description
    assert inst.issues["harddisk"].values == ("v60_gb", "v80_gb", "v120_gb")
    assert "v60_gb = '60 Gb'" in inst.issues["harddisk"].description
    assert inst.issues["external_monitor"].label == "External Monitor"
    assert len(inst.interests["prof1"].terms) == 1  # the best deal is above 1 before the cap
    england = genius.load(*scenario("EnglandZimbabwe"))
    assert list(england.parties) == ["england", "zimbabwe"]
    assert england.issues["size_of_fund"].values[:3] == (
        "v100_billion",
        "v50_billion",
        "v10_billion",
    )


# ----------------------------------------------------------------------------- small files


DOMAIN = """<negotiation_template>
<utility_space number_of_issues="2">
<objective index="0" name="root" type="objective" etype="objective">
  <issue index="1" name="Price" type="discrete" etype="discrete" vtype="discrete">
    <item index="1" value="low"/>
    <item index="2" value="high"/>
  </issue>
  <issue index="2" name="Days" type="integer" etype="integer" vtype="integer"
         lowerbound="1" upperbound="4"/>
</objective>
</utility_space>
</negotiation_template>
"""

BUYER = """<utility_space>
<objective index="0" name="root" type="objective" etype="objective">
  <issue index="1" name="Price" type="discrete" etype="discrete" vtype="discrete">
    <item index="1" value="low" evaluation="8"/>
    <item index="2" value="high" evaluation="3"/>
  </issue>
  <issue index="2" name="Days" type="integer" etype="integer" vtype="integer"
         lowerbound="1" upperbound="4">
    <evaluator ftype="linear" slope="-0.5" offset="1.2"/>
  </issue>
  <weight index="1" value="0.6"/>
  <weight index="2" value="0.4"/>
</objective>
<discount_factor value="0.9"/>
<reservation value="0.3"/>
</utility_space>
"""

SELLER = """<utility_space>
<objective index="0" name="root" type="objective" etype="objective">
  <issue index="1" name="Price" type="discrete" etype="discrete" vtype="discrete">
    <item index="1" value="low" evaluation="2"/>
    <item index="2" value="high" evaluation="8"/>
  </issue>
  <issue index="2" name="Days" type="integer" etype="integer" vtype="integer"
         lowerbound="1" upperbound="4">
    <evaluator ftype="linear" slope="0.25" offset="0.25"/>
  </issue>
  <weight index="1" value="0.5"/>
  <weight index="2" value="0.5"/>
</objective>
</utility_space>
"""


def write(tmp_path: Path, domain: str = DOMAIN, **profiles: str) -> tuple[Path, list[Path]]:
    d = tmp_path / "Deal_domain.xml"
    d.write_text(domain, encoding="utf-8")
    paths = []
    for name, text in (profiles or {"Deal_buyer": BUYER, "Deal_seller": SELLER}).items():
        p = tmp_path / f"{name}.xml"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return d, paths


def test_small_scenario_is_genius_exactly(tmp_path):
    inst = genius.load(*write(tmp_path))
    assert inst.name == "Deal"
    assert list(inst.parties) == ["buyer", "seller"]
    assert inst.issues["days"].is_range and inst.issues["days"].values == (1, 2, 3, 4)
    oracle = Oracle(inst)
    for price, days in itertools.product(("low", "high"), (1, 2, 3, 4)):
        u = oracle.utilities({"price": price, "days": days})
        buyer_days = min(max(Fraction("1.2") - Fraction("0.5") * (days - 1), 0), 1)
        buyer = (
            Fraction("0.6") * (1 if price == "low" else Fraction(3, 8))
            + Fraction("0.4") * buyer_days
        )
        seller = Fraction("0.5") * (Fraction(1, 4) if price == "low" else 1) + Fraction("0.5") * (
            Fraction(1, 4) + Fraction(1, 4) * (days - 1)
        )
        assert u == {"buyer": buyer, "seller": seller}  # scale 1: GENIUS utilities exactly
    assert inst.parties["buyer"].no_deal == Decimal("0.3")
    assert inst.parties["seller"].no_deal == 0  # GENIUS's default reservation value
    assert "Discount factor 0.9" in inst.parties["buyer"].description
    assert "on 0..1, and so are the utilities here" in inst.description
    assert all(i.scale == 1 for i in inst.interests.values())  # nothing to divide


def test_scale_is_the_smallest_that_keeps_scores_exact(tmp_path):
    buyer = BUYER.replace('evaluation="3"', 'evaluation="1"').replace('"8"', '"3"')
    inst = genius.load(*write(tmp_path, Deal_buyer=buyer, Deal_seller=SELLER))
    assert inst.interests["buyer"].scores["price"] == {"low": 3, "high": 1}  # 3 × 1/3
    # each party its own scale: the seller's scores terminate as they are
    assert inst.interests["seller"].scores["price"] == {"low": Decimal("0.25"), "high": 1}
    assert inst.interests["buyer"].scale == 3 and inst.interests["seller"].scale == 1
    assert inst.parties["buyer"].no_deal == Decimal("0.3")  # on GENIUS's scale, as written
    assert "buyer 3" in inst.description
    oracle = Oracle(inst)
    # by hand: buyer 0.6 × 1/3 (high price) + 0.4 × 0.2 (day 3: 1.2 − 0.5 × 2, clipped) = 0.28
    assert oracle.utility("buyer", {"price": "high", "days": 3}) == Fraction(28, 100)


def test_cap_at_one_is_modelled_exactly(tmp_path):
    seller = SELLER.replace(
        'value="0.5"/>\n  <weight index="2" value="0.5"',
        'value="0.7"/>\n  <weight index="2" value="0.6"',
    )
    inst = genius.load(*write(tmp_path, Deal_buyer=BUYER, Deal_seller=seller))
    oracle = Oracle(inst)
    above = 0
    for price, days in itertools.product(("low", "high"), (1, 2, 3, 4)):
        raw = Fraction("0.7") * (Fraction(1, 4) if price == "low" else 1) + Fraction("0.6") * (
            Fraction(1, 4) * days
        )
        above += raw > 1
        assert oracle.utilities({"price": price, "days": days})["seller"] == min(raw, 1)
    assert above == len(inst.interests["seller"].terms) == 2


def test_names_are_sanitised_and_unique(tmp_path):
    domain = DOMAIN.replace('value="low"', 'value="A b"').replace('value="high"', 'value="a-b"')
    domain = domain.replace('name="Price"', 'name="in"')
    profile = (
        BUYER.replace('value="low"', 'value="A b"')
        .replace('value="high"', 'value="a-b"')
        .replace('name="Price"', 'name="in"')
    )
    inst = genius.load(*write(tmp_path, domain, **{"1st party": profile}))
    assert list(inst.issues) == ["in_", "days"]
    assert inst.issues["in_"].values == ("a_b", "a_b_2")
    assert inst.issues["in_"].label == "in"
    assert list(inst.parties) == ["party_1st_party"]


def test_real_issue_needs_a_step(tmp_path):
    domain = DOMAIN.replace(
        '<issue index="2" name="Days" type="integer" etype="integer" vtype="integer"\n'
        '         lowerbound="1" upperbound="4"/>',
        '<issue index="2" name="Rate" type="real" etype="real" vtype="real">'
        '<range lowerbound="0" upperbound="1"/></issue>',
    )
    profile = BUYER.replace(
        '<issue index="2" name="Days" type="integer" etype="integer" vtype="integer"\n'
        '         lowerbound="1" upperbound="4">\n'
        '    <evaluator ftype="linear" slope="-0.5" offset="1.2"/>',
        '<issue index="2" name="Rate" type="real" etype="real" vtype="real">'
        '<range lowerbound="0" upperbound="1"/>'
        '<evaluator ftype="linear" parameter0="0.2" parameter1="0.5"/>',
    )
    files = write(tmp_path, domain, Deal_buyer=profile)
    with pytest.raises(SpecError, match=r"real-valued.*--real-step") as err:
        genius.load(*files)
    assert err.value.first.source.path.endswith("Deal_domain.xml")
    inst = genius.load(*files, real_step="0.25")
    assert inst.issues["rate"].values == ("v0", "v0_25", "v0_5", "v0_75", "v1")
    assert "step 0.25" in inst.issues["rate"].description
    oracle = Oracle(inst)
    u = oracle.utilities({"price": "low", "rate": "v0_5"})["buyer"]
    assert u == Fraction("0.6") + Fraction("0.4") * (Fraction("0.2") + Fraction("0.5") / 2)
    with pytest.raises(SpecError, match="positive"):
        genius.load(*files, real_step="-1")


# ----------------------------------------------------------------------------- bad files


def problem(exc: pytest.ExceptionInfo) -> str:
    return str(exc.value)


def test_malformed_xml(tmp_path):
    d, ps = write(tmp_path, Deal_buyer=BUYER.replace("</issue>", "</isue>", 1), Deal_seller=SELLER)
    with pytest.raises(SpecError) as err:
        genius.load(d, ps)
    assert "malformed XML" in problem(err) and "mismatched tag" in problem(err)
    assert err.value.first.source.path == str(ps[0])
    assert err.value.first.source.line == 6


def test_profile_missing_an_issue(tmp_path):
    start = BUYER.index('  <issue index="2"')
    end = BUYER.index("</issue>", start) + len("</issue>\n")
    d, ps = write(tmp_path, Deal_buyer=BUYER[:start] + BUYER[end:], Deal_seller=SELLER)
    with pytest.raises(SpecError, match=r"no evaluation of issue 'Days' \(index 2\)") as err:
        genius.load(d, ps)
    assert err.value.first.source.path == str(ps[0])


def test_profile_missing_a_weight(tmp_path):
    d, ps = write(tmp_path, Deal_buyer=BUYER.replace('<weight index="2" value="0.4"/>', ""))
    with pytest.raises(SpecError, match=r"no weight for issue 'Days'") as err:
        genius.load(d, ps)
    assert err.value.first.source.line == 7


def test_evaluation_for_an_unknown_value(tmp_path):
    d, ps = write(
        tmp_path, Deal_buyer=BUYER.replace('value="high" evaluation', 'value="medium" evaluation')
    )
    with pytest.raises(SpecError) as err:
        genius.load(d, ps)
    assert "evaluation for unknown value 'medium' of issue 'Price'" in problem(err)
    assert "the domain's values: 'low', 'high'" in problem(err)
    assert (err.value.first.source.path, err.value.first.source.line) == (str(ps[0]), 5)


def test_value_without_evaluation(tmp_path):
    d, ps = write(
        tmp_path,
        Deal_buyer=BUYER.replace('    <item index="2" value="high" evaluation="3"/>\n', ""),
    )
    with pytest.raises(SpecError, match="no evaluation for value 'high'"):
        genius.load(d, ps)


def test_bad_numbers_and_indices(tmp_path):
    d, ps = write(tmp_path, Deal_buyer=BUYER.replace('evaluation="3"', 'evaluation="lots"'))
    with pytest.raises(SpecError, match="must be a number, got 'lots'"):
        genius.load(d, ps)
    d, ps = write(tmp_path, Deal_buyer=BUYER.replace('name="Days"', 'name="Weeks"'))
    with pytest.raises(SpecError, match="named 'Weeks' here but 'Days' in the domain"):
        genius.load(d, ps)
    d, ps = write(tmp_path, Deal_buyer=BUYER.replace('<weight index="2"', '<weight index="7"'))
    with pytest.raises(SpecError, match="weight for index 7, which is no issue"):
        genius.load(d, ps)


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<utility_space><reservation value="&lol9;"/></utility_space>
"""


def test_billion_laughs_is_refused(tmp_path):
    d, ps = write(tmp_path, Deal_buyer=BOMB)
    with pytest.raises(SpecError) as err:
        genius.load(d, ps)
    assert "entity declarations are not allowed (entity 'lol')" in problem(err)
    assert err.value.first.source.path == str(ps[0])
    assert err.value.first.source.line == 3


def test_external_entity_is_refused(tmp_path):
    xxe = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<utility_space>&e;</utility_space>\n'
    d, ps = write(tmp_path, Deal_buyer=xxe)
    with pytest.raises(SpecError, match="not allowed"):
        genius.load(d, ps)


def test_missing_file_and_wrong_root(tmp_path):
    d, ps = write(tmp_path)
    with pytest.raises(SpecError, match="cannot read"):
        genius.load(d, [tmp_path / "nothere.xml"])
    with pytest.raises(SpecError, match="not a GENIUS profile"):
        genius.load(d, [d])
    with pytest.raises(SpecError, match="not a GENIUS domain"):
        genius.load(write_text(tmp_path / "e.xml", "<a/>"), ps)
    with pytest.raises(SpecError, match="at least one profile"):
        genius.load(d, [])


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- export


ADDITIVE = {
    "dealopt": 1,
    "name": "Supply deal",
    "description": "A test instance.\nTwo lines.",
    "parties": {
        "buyer": {"label": "The buyer", "no_deal": 20},
        "seller": {"description": "no_deal omitted: the status quo's utility"},
        "auditor": {"no_deal": Decimal("-1.5")},
    },
    "issues": {
        "price": {"options": ["low", "mid", "high"], "status_quo": "mid", "label": "Unit price"},
        "volume": {"range": [0, 100, 25], "description": "units"},
        "days": {"range": [1, 7]},
        "brand": {"options": ["ours", "theirs"]},
    },
    "interests": {
        "buyer": {
            "weights": {"price": 3, "volume": Decimal("0.2"), "days": -1},
            "scores": {
                "price": {"low": 100, "mid": 40},
                "volume": {0: -10, 50: 30, 100: 45},
                "days": "linear",
            },
        },
        "seller": {
            "weights": {"price": 7, "brand": 3},
            "scores": {"price": {"mid": 60, "high": 100}, "brand": {"ours": -20, "theirs": 0}},
        },
        "auditor": {"scores": {"volume": "linear"}},
    },
}


def test_round_trip_gives_the_same_instance(tmp_path):
    original = dealopt.instance(ADDITIVE)
    written, _ = genius.export(original, tmp_path)
    assert [p.name for p in written] == [
        "domain.xml",
        "profile-buyer.xml",
        "profile-seller.xml",
        "profile-auditor.xml",
    ]
    back = genius.load(written[0], written[1:])
    assert back == original  # names, labels, descriptions, status quo, weights, scores, no_deal
    oracle, again = Oracle(original), Oracle(back)
    for values in itertools.product(*(i.values for i in original.issues.values())):
        deal = dict(zip(original.issues, values, strict=True))
        assert oracle.utilities(deal) == again.utilities(deal)


def test_exported_files_mean_the_same_in_genius(tmp_path):
    """GENIUS's reading of the files (the independent reference) is an increasing affine image
    of the instance's utilities, party by party, with the no-deal value mapped alike."""
    original = dealopt.instance(ADDITIVE)
    written, notes = genius.export(original, tmp_path)
    assert any("18 decimal places" in n for n in notes)  # 7:3 weights do not terminate
    _, utilities, reservations = reference(written[0], written[1:])
    oracle = Oracle(original)
    for k, party in enumerate(original.parties):
        root = StdET.parse(written[1 + k]).getroot()
        offset, scale = (Fraction(Decimal(root.get(f"dealopt_{a}"))) for a in ("offset", "scale"))
        for deal, u in utilities.items():
            mine = oracle.utilities(
                {
                    name: issue.values[[str(v) for v in issue.values].index(value)]
                    for (name, issue), value in zip(original.issues.items(), deal, strict=True)
                }
            )[party]
            assert abs(u[k] - (mine - offset) / scale) < Fraction(1, 10**16)
        assert abs(reservations[k] - (oracle.no_deal(party) - offset) / scale) < Fraction(1, 10**16)
        assert max(u[k] for u in utilities.values()) == 1


def test_genius_scale_reading_keeps_the_deals(tmp_path):
    original = dealopt.instance(
        {
            **ADDITIVE,
            "parties": {
                "buyer": {"no_deal": 20},
                "seller": {},
                "auditor": {"no_deal": Decimal("-1.5")},
            },
        }
    )
    written, _ = genius.export(original, tmp_path)
    plain = genius.load(written[0], written[1:], genius_scale=True)
    assert plain != original
    a = dealopt.solve(original, backend="enumerate")
    b = dealopt.solve(plain, backend="enumerate")

    def deals(r):
        return [tuple(str(v) for v in f.deal.values()) for f in r.zone_deals]

    assert sorted(deals(a)) == sorted(tuple(v.removeprefix("v") for v in d) for d in deals(b))


@pytest.mark.parametrize("name", ALL)
def test_scenarios_round_trip(tmp_path, name):
    imported = genius.load(*scenario(name))
    written, _ = genius.export(imported, tmp_path)
    assert genius.load(written[0], written[1:]) == imported


@needs_anchors
def test_laptop_exports_its_own_weights(tmp_path):
    written, notes = genius.export(genius.load(*scenario("Laptop")), tmp_path)
    assert notes == ()
    ours = StdET.parse(written[1]).getroot()
    theirs = StdET.parse(scenario("Laptop")[1][0]).getroot()
    assert [w.get("value") for w in ours.iter("weight")] == [
        w.get("value") for w in theirs.iter("weight")
    ]  # the cap at 1 comes back as GENIUS's own


def test_edited_export_is_read_as_plain_genius(tmp_path):
    written, _ = genius.export(dealopt.instance(ADDITIVE), tmp_path)
    text = written[2].read_text(encoding="utf-8")
    written[2].write_text(text.replace('evaluation="100"', 'evaluation="90"', 1), encoding="utf-8")
    edited = genius.load(written[0], written[1:])
    assert "no longer match" in edited.description
    assert list(edited.parties) == ["buyer", "seller", "auditor"]  # from the file names


def test_export_refuses_what_genius_cannot_hold():
    data = {
        **ADDITIVE,
        "red_lines": {"buyer": [{"label": "Never high", "rule": "price != high"}]},
        "rules": [{"label": "Brand needs volume", "rule": "brand == theirs -> volume >= 50"}],
        "interests": {
            **ADDITIVE["interests"],
            "seller": {
                **ADDITIVE["interests"]["seller"],
                "terms": [{"label": "Bulk bonus", "when": "volume >= 75", "value": 5}],
            },
        },
    }
    with pytest.raises(SpecError) as err:
        genius.to_xml(dealopt.instance(data))
    text = str(err.value)
    assert "cannot be written as a GENIUS scenario" in text
    assert "red line 'Never high' of party 'buyer'" in text
    assert "rule 'Brand needs volume'" in text
    assert "term 'Bulk bonus' of party 'seller'" in text


def test_export_refuses_an_indifferent_party():
    data = {**ADDITIVE, "interests": {"buyer": ADDITIVE["interests"]["buyer"]}}
    with pytest.raises(SpecError, match="party 'seller' gets the same utility from every deal"):
        genius.to_xml(dealopt.instance(data))


def test_export_notes_what_it_leaves_out():
    data = {
        **ADDITIVE,
        "attributes": {"cost": {"price": {"low": 1}}},
        "quantities": {"spend": "total(cost)"},
    }
    files = genius.to_xml(dealopt.instance(data))
    assert any("1 attribute(s)" in n and "quantit" in n for n in files.notes)


def test_yaml_text_reads_back_exactly(tmp_path):
    data = {
        "dealopt": 1,
        "name": "x",
        "description": "two\nlines",
        "parties": {"a": {"no_deal": Decimal("0.000000000000000054")}},
        "issues": {"i": {"options": ["yes", "no"]}},
        "interests": {
            "a": {"weights": {"i": Decimal("0.3031462333758278")}, "scores": {"i": {"yes": 1}}}
        },
    }
    path = tmp_path / "x.yaml"
    path.write_text(genius.to_yaml_text(data, header="a header"), encoding="utf-8")
    assert path.read_text(encoding="utf-8").startswith("# a header\n")
    assert dealopt.load(path) == dealopt.instance(data)


@needs_anchors
def test_negmas_reads_the_exported_files(tmp_path):
    inout = pytest.importorskip("negmas.inout")
    from negmas.preferences.ops import pareto_frontier

    imported = genius.load(*scenario("EnglandZimbabwe"))
    written, _ = genius.export(imported, tmp_path)
    loaded = inout.Scenario.from_genius_files(domain=written[0], ufuns=written[1:])
    outcomes = list(loaded.outcome_space.enumerate_or_sample())
    _, indices = pareto_frontier(list(loaded.ufuns), outcomes)
    result = dealopt.solve(imported, backend="enumerate")
    assert {tuple(outcomes[i]) for i in indices} == {
        tuple(f.deal.values()) for f in result.zone_deals
    }


def test_integer_issue_scenario_round_trips(tmp_path):
    (tmp_path / "in").mkdir()
    imported = genius.load(*write(tmp_path / "in"))
    written, _ = genius.export(imported, tmp_path / "out")
    assert genius.load(written[0], written[1:]) == imported


def nest(text: str) -> str:
    """Put issue 2 of a test file inside a sub-objective (index 3)."""
    text = text.replace(
        '  <issue index="2"', '  <objective index="3" name="Terms">\n  <issue index="2"'
    )
    if "<weight" not in text:  # the domain
        return text.replace('upperbound="4"/>\n', 'upperbound="4"/>\n  </objective>\n')
    text = text.replace(
        '</issue>\n  <weight index="1"', '</issue>\n  </objective>\n  <weight index="1"'
    )
    return text.replace("</objective>\n<", '<weight index="3" value="1"/>\n</objective>\n<', 1)


def test_nested_objectives_are_flattened(tmp_path):
    flat = genius.load(*write(tmp_path))
    nested = genius.load(
        *write(tmp_path, nest(DOMAIN), Deal_buyer=nest(BUYER), Deal_seller=nest(SELLER))
    )
    assert '<objective index="3"' in nest(BUYER) and nest(BUYER).count("</objective>") == 2
    assert nested.issues == flat.issues and nested.interests == flat.interests


def test_export_writes_the_original_value_names(tmp_path):
    """Issue 15: export renamed values ("dell", "v19_lcd" for "Dell", "19'' LCD"). Imports
    keep the originals as option labels, and export writes them back."""
    domain, profiles = scenario("Flat")
    imported = genius.load(domain, profiles)
    rent = imported.issues["rent"]
    assert rent.option_labels["v950_a_month"] == "$950 a month"
    assert rent.option_label("v950_a_month") == "$950 a month"
    assert imported.issues["pets"].option_labels["landlord_s_call"] == "Landlord's call"
    written, _ = genius.export(imported, tmp_path)

    def values(path: Path) -> list[list[str]]:
        root = StdET.parse(path).getroot()
        return [[it.get("value") for it in issue.iter("item")] for issue in root.iter("issue")]

    def discrete(path: Path) -> list[list[str]]:  # the integer issue is written as discrete
        return [v for v, original in zip(values(path), values(domain), strict=True) if original]

    assert discrete(written[0]) == values(domain)[:3] + values(domain)[4:]  # as GENIUS wrote
    for ours, theirs in zip(written[1:], profiles, strict=True):
        assert discrete(ours) == [v for v in values(theirs) if v]
    assert genius.load(written[0], written[1:]) == imported  # and back, exactly
    # read as plain GENIUS (ignoring dealopt's attributes): the same names again
    plain = genius.load(written[0], written[1:], genius_scale=True)
    assert {n: i.values for n, i in plain.issues.items() if n != "move_in_week"} == {
        n: i.values for n, i in imported.issues.items() if n != "move_in_week"
    }


def test_option_labels_must_name_options():
    data = {
        "dealopt": 1,
        "name": "x",
        "parties": {"a": {}},
        "issues": {"i": {"options": ["yes", "no"], "option_labels": {"yess": "Yes!"}}},
    }
    with pytest.raises(SpecError, match="option_labels names 'yess'") as err:
        dealopt.instance(data)
    assert "yes" in str(err.value)  # the nearest option
