"""Writing an additive instance as a GENIUS scenario (:func:`to_xml`, :func:`export`)."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # writing only; reading goes through defusedxml
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from dealopt.errors import Problem, SpecError
from dealopt.io.genius.caps import _deals_above
from dealopt.io.genius.xml import (
    EXPORT_PLACES,
    GENIUS_EVAL_FLOOR,
    MAX_EXACT_PLACES,
    META,
    _exact,
    _places,
    _rounded,
    _terminates,
    _text,
)
from dealopt.spec.model import LINEAR, Instance, Issue, Value

# ============================================================================ export


@dataclass(frozen=True)
class GeniusFiles:
    """A GENIUS scenario written from an instance: XML texts and what the reader should know."""

    domain: str
    profiles: Mapping[str, str]  # party name -> profile XML text, in instance order
    notes: tuple[str, ...]


@dataclass
class _PartyNumbers:
    """What a profile says, in GENIUS's terms: every number as written (exact decimals)."""

    weights: dict[int, Decimal]
    evaluations: dict[int, dict[str, Decimal]]
    reservation: Decimal
    # dealopt's own view, for the metadata and the notes
    offset: Fraction = Fraction(0)
    scale: Fraction = Fraction(1)
    cap: Fraction | None = None
    rounded: list[str] = field(default_factory=list)

    def key(self) -> tuple:
        return (self.weights, self.evaluations, self.reservation)


def export(instance: Instance, directory: str | Path) -> tuple[list[Path], tuple[str, ...]]:
    """Write ``instance`` as a GENIUS scenario into ``directory`` (created if missing):
    ``domain.xml`` and ``profile-<party>.xml`` per party. Returns the paths written and notes
    for the reader (numbers rounded, parts of the instance left out).

    Raises :class:`~dealopt.errors.SpecError` naming everything GENIUS cannot express.
    """
    files = to_xml(instance)
    out = Path(directory)
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "domain.xml"]
        written[0].write_text(files.domain, encoding="utf-8")
        for party, text in files.profiles.items():
            path = out / f"profile-{party}.xml"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise SpecError([Problem(None, f"cannot write to {out}: {exc.strerror or exc}")]) from None
    return written, files.notes


def to_xml(instance: Instance) -> GeniusFiles:
    """The GENIUS domain and profiles of an additive instance (see the module docstring)."""
    numbers = _numbers(instance)
    notes = [n for p in numbers.values() for n in p.rounded]
    left_out = [
        f"{len(instance.attributes)} attribute(s)" if instance.attributes else "",
        f"{len(instance.quantities)} quantit(y/ies)" if instance.quantities else "",
        f"{len(instance.groups)} group(s)" if instance.groups else "",
    ]
    left_out = [x for x in left_out if x]
    if left_out:
        notes.append(
            "not written (no rule or term uses them, so no utility depends on them; GENIUS has "
            "no place for them): " + ", ".join(left_out)
        )
    return GeniusFiles(
        _domain_xml(instance),
        {p: _profile_xml(instance, p, numbers[p]) for p in instance.parties},
        tuple(notes),
    )


def _root_objective(parent: ET.Element) -> ET.Element:
    """GENIUS's root ``objective`` element, the same in domain and profile files."""
    attrs = {
        "index": "0",
        "etype": "objective",
        "type": "objective",
        "description": "",
        "name": "root",
    }
    return ET.SubElement(parent, "objective", attrs)


def _genius_names(instance: Instance) -> dict[str, str]:
    """GENIUS issue names: the labels when they are distinct and non-empty, else the names."""
    labels = [i.label.strip() for i in instance.issues.values()]
    if all(labels) and len(set(labels)) == len(labels):
        return dict(zip(instance.issues, labels, strict=True))
    return {n: n for n in instance.issues}


def _value_text(value: Value, issue: Issue) -> str:
    """A value as GENIUS names it: the option's label (the original GENIUS value of an
    imported scenario) when the issue's labels are distinct and non-empty, else its name."""
    texts = [issue.option_label(v).strip() for v in issue.values]
    if issue.option_labels and all(texts) and len(set(texts)) == len(texts):
        return issue.option_label(value).strip()
    return str(value)


def _domain_xml(instance: Instance) -> str:
    root = ET.Element("negotiation_template", {f"{META}name": instance.name})
    if instance.description is not None:
        root.set(f"{META}description", instance.description)
    if not instance.has_status_quo:
        root.set(f"{META}status_quo", "none")
    space = ET.SubElement(root, "utility_space", {"number_of_issues": str(len(instance.issues))})
    objective = _root_objective(space)
    gnames = _genius_names(instance)
    for k, (name, issue) in enumerate(instance.issues.items(), start=1):
        attrs = {
            "index": str(k),
            "etype": "discrete",
            "type": "discrete",
            "vtype": "discrete",
            "name": gnames[name],
            f"{META}name": name,
            f"{META}label": issue.label,
        }
        if instance.has_status_quo:
            attrs[f"{META}status_quo"] = str(issue.status_quo)
        if issue.description is not None:
            attrs[f"{META}description"] = issue.description
        if issue.is_range:
            step = issue.values[1] - issue.values[0] if issue.size > 1 else 1  # type: ignore[operator]
            attrs[f"{META}range"] = f"{issue.values[0]} {issue.values[-1]} {step}"
        node = ET.SubElement(objective, "issue", attrs)
        for j, value in enumerate(issue.values, start=1):
            text = _value_text(value, issue)
            item = {"index": str(j), "value": text, "cost": "0", "description": text}
            if text != str(value):
                item[f"{META}option"] = str(value)  # the option's name, for the way back
            ET.SubElement(node, "item", item)
    return _serialise(root)


def _profile_xml(instance: Instance, party: str, numbers: _PartyNumbers) -> str:
    p = instance.parties[party]
    interest = instance.interests.get(party)
    attrs = {
        f"{META}party": party,
        f"{META}label": p.label,
        f"{META}offset": _text(_exact_or_rounded(numbers.offset)),
        f"{META}scale": _text(_exact_or_rounded(numbers.scale)),
    }
    if p.description is not None:
        attrs[f"{META}description"] = p.description
    if p.no_deal is not None:
        attrs[f"{META}no_deal"] = _text(p.no_deal)
    if interest is not None and interest.scale != 1:
        attrs[f"{META}utility_scale"] = _text(interest.scale)
    if numbers.cap is not None:
        attrs[f"{META}cap"] = _text(numbers.cap)
    root = ET.Element("utility_space", attrs)
    objective = _root_objective(root)
    gnames = _genius_names(instance)
    for k, (name, issue) in enumerate(instance.issues.items(), start=1):
        iattrs = {
            "index": str(k),
            "etype": "discrete",
            "type": "discrete",
            "vtype": "discrete",
            "name": gnames[name],
        }
        table = interest.scores.get(name) if interest else None
        if interest is not None and name in interest.scores:
            iattrs[f"{META}weight"] = _text(interest.weights[name])
            if table == LINEAR:
                iattrs[f"{META}scores"] = LINEAR
        node = ET.SubElement(objective, "issue", iattrs)
        evaluations = numbers.evaluations[k]
        for j, value in enumerate(issue.values, start=1):
            text = _value_text(value, issue)
            item = {
                "index": str(j),
                "value": text,
                "cost": "0",
                "evaluation": _text(evaluations[text]),
            }
            if isinstance(table, Mapping) and value in table:
                item[f"{META}score"] = _text(table[value])
            ET.SubElement(node, "item", item)
    for k in range(1, len(instance.issues) + 1):
        ET.SubElement(objective, "weight", {"index": str(k), "value": _text(numbers.weights[k])})
    ET.SubElement(root, "discount_factor", {"value": "1"})
    ET.SubElement(root, "reservation", {"value": _text(numbers.reservation)})
    return _serialise(root)


def _serialise(root: ET.Element) -> str:
    ET.indent(root, space="    ")
    return ET.tostring(root, encoding="unicode") + "\n"


def _exponent(q: Fraction) -> int:
    """The decimal exponent of ``q`` > 0: the ``e`` with 10^e <= q < 10^(e+1), found exactly
    (a Decimal division would round to 28 digits and could land on the next power of ten)."""
    e = len(str(q.numerator)) - len(str(q.denominator))
    return e - 1 if Fraction(10) ** e > q else e


def _exact_or_rounded(q: Fraction) -> Decimal:
    if _terminates(q) and _places(q) <= MAX_EXACT_PLACES:
        return _exact(q)
    return _rounded(q)


def _numbers(instance: Instance) -> dict[str, _PartyNumbers]:
    """The GENIUS numbers of every party's profile; raises naming what GENIUS cannot hold."""
    from dealopt.rules import check
    from dealopt.rules.oracle import Oracle

    checked = check(instance)
    problems: list[Problem] = []
    for r in instance.rules:
        problems.append(
            Problem(r.source, f"rule {r.label!r}: GENIUS has no rules of the deal space")
        )
    for party, lines in instance.red_lines.items():
        for r in lines:
            problems.append(
                Problem(
                    r.source,
                    f"red line {r.label!r} of party '{party}': GENIUS profiles have no red lines",
                )
            )
    for base in instance.staged:
        issue = instance.issues[instance.staged[base][0]]
        problems.append(
            Problem(
                issue.source,
                f"staged issue '{base}' (stages {', '.join(instance.stages)}): GENIUS has no "
                "stages",
            )
        )
    if not instance.acceptance.unanimous:
        problems.append(
            Problem(
                instance.acceptance.source,
                "acceptance rule: GENIUS negotiations need every party to accept",
            )
        )
    for party, interest in instance.interests.items():
        for a, b in interest.pairs:
            problems.append(
                Problem(
                    interest.source,
                    f"scores of party '{party}' over two issues ({a},{b}): GENIUS scores one "
                    "issue at a time",
                )
            )
    caps: dict[str, Fraction | None] = {}
    for party in instance.parties:
        cap, bad = _cap_of(instance, party, checked.terms.get(party, ()))
        caps[party] = cap
        problems += bad
    if problems:
        raise SpecError(
            [
                Problem(
                    None,
                    f"instance {instance.name!r} cannot be written as a GENIUS scenario: GENIUS "
                    "profiles are additive (weights × evaluations, capped at 1)",
                ),
                *problems,
            ]
        )
    oracle = Oracle(instance)
    # GENIUS numbers come from the weighted sums as written; a party's no-deal value is on its
    # divided scale (utility = sum / scale), so it goes back to the sums' scale first.
    return {
        party: _party_numbers(
            instance, party, caps[party], oracle.no_deal(party) * _utility_scale(instance, party)
        )
        for party in instance.parties
    }


def _utility_scale(instance: Instance, party: str) -> Fraction:
    interest = instance.interests.get(party)
    return Fraction(interest.scale) if interest is not None else Fraction(1)


def _contribution_rows(instance: Instance, party: str) -> list[list[tuple[Value, Fraction]]]:
    interest = instance.interests.get(party)
    rows = []
    for name, issue in instance.issues.items():
        if interest is None or name not in interest.scores:
            rows.append([(v, Fraction(0)) for v in issue.values])
            continue
        w = Fraction(interest.weights[name])
        rows.append([(v, w * Fraction(interest.score(name, v))) for v in issue.values])
    return rows


def _cap_of(instance: Instance, party: str, terms: Sequence[Any]) -> tuple[Fraction | None, list]:
    """The level at which ``party``'s terms cap its additive utility (None: no terms), or the
    problems that say why the terms are no such cap."""
    from dealopt.rules import ast
    from dealopt.rules.bounds import pinned_deal

    if not terms:
        return None, []
    issue_names = list(instance.issues)
    deals: dict[tuple[Value, ...], Fraction] = {}
    bad = []
    for t in terms:
        deal = pinned_deal(t.when, issue_names)
        if deal is None or not isinstance(t.value, ast.Number) or t.value.value >= 0:
            bad.append(
                Problem(
                    t.term.source,
                    f"term {t.term.label!r} of party '{party}': GENIUS profiles have no terms "
                    "(only a cap: a negative constant on single deals that brings each back "
                    "to one common level)",
                )
            )
            continue
        deals[deal] = deals.get(deal, Fraction(0)) + t.value.value
    if bad:
        return None, bad
    rows = _contribution_rows(instance, party)
    positions = [{v: c for v, c in row} for row in rows]

    def additive(deal: tuple[Value, ...]) -> Fraction:
        return sum((positions[j][v] for j, v in enumerate(deal)), Fraction(0))

    levels = {additive(d) + c for d, c in deals.items()}
    cap = min(levels)
    above = _deals_above(rows, cap, len(deals))
    if len(levels) != 1 or above is None or {d for d, _ in above} != set(deals):
        first = next(t for t in terms)
        return None, [
            Problem(
                first.term.source,
                f"the terms of party '{party}' are not a utility cap (every deal above one "
                "level brought back to it, and no other deal changed): GENIUS profiles have "
                "no terms",
            )
        ]
    return cap, []


def _party_numbers(
    instance: Instance, party: str, cap: Fraction | None, no_deal: Fraction
) -> _PartyNumbers:
    """GENIUS utility = (additive utility − offset) / scale, capped at 1 (see the docs)."""
    interest = instance.interests.get(party)
    rows = _contribution_rows(instance, party)
    evaluations: dict[int, dict[str, Decimal]] = {}
    factors: list[Fraction] = []  # contribution = factor × evaluation + shift
    tops: list[Fraction] = []
    offset = Fraction(0)
    for k, ((name, issue), row) in enumerate(zip(instance.issues.items(), rows, strict=True), 1):
        raw: list[Fraction]
        if interest is not None and name in interest.scores:
            w = Fraction(interest.weights[name])
            scores = [Fraction(interest.score(name, v)) for v in issue.values]
        else:
            w, scores = Fraction(0), [Fraction(0)] * issue.size
        if w >= 0 and min(scores) >= 0:
            raw, factor, shift = scores, w, Fraction(0)  # evaluations are the scores
        else:
            low = min(c for _, c in row)
            raw, factor, shift = [c - low for _, c in row], Fraction(1), low
        top = max(raw)
        if 0 < top < GENIUS_EVAL_FLOOR:  # GENIUS would count the issue as all zero
            lift = Fraction(10) ** -_exponent(top)
            raw = [x * lift for x in raw]
            factor, top = factor / lift, top * lift
        evaluations[k] = {
            _value_text(v, issue): _exact(x) for v, x in zip(issue.values, raw, strict=True)
        }
        factors.append(factor)
        tops.append(top)
        offset += shift
    best = sum((f * t for f, t in zip(factors, tops, strict=True)), Fraction(0)) + offset
    level = cap if cap is not None else best
    scale = level - offset
    if scale <= 0:
        raise SpecError(
            [
                Problem(
                    instance.parties[party].source,
                    f"party '{party}' gets the same utility from every deal"
                    + (" below its cap" if cap is not None else "")
                    + ": a GENIUS profile needs a best deal worth more than its worst",
                )
            ]
        )
    exact = {k: f * t / scale for k, (f, t) in enumerate(zip(factors, tops, strict=True), 1)}
    rounded: list[str] = []
    if all(_terminates(w) and _places(w) <= MAX_EXACT_PLACES for w in exact.values()):
        weights = {k: _exact(w) for k, w in exact.items()}
    else:
        weights = {k: _rounded(w) for k, w in exact.items()}
        if cap is None:  # keep GENIUS's best deal at exactly 1
            heaviest = max(weights, key=lambda k: (weights[k], -k))
            weights[heaviest] += 1 - sum(weights.values())
        error = sum(abs(Fraction(weights[k]) - w) for k, w in exact.items())
        rounded.append(
            f"party '{party}': its GENIUS weights are not terminating decimals; written to "
            f"{EXPORT_PLACES} decimal places (GENIUS reads doubles), so its GENIUS utilities "
            f"differ from the exact ones by at most {_text(_rounded(error, EXPORT_PLACES + 4))}"
        )
    r = (no_deal - offset) / scale
    if _terminates(r) and _places(r) <= MAX_EXACT_PLACES:
        reservation = _exact(r)
    else:
        reservation = _rounded(r)
        rounded.append(
            f"party '{party}': its reservation value {float(r)!r} is not a terminating "
            f"decimal; written to {EXPORT_PLACES} decimal places"
        )
    return _PartyNumbers(weights, evaluations, reservation, offset, scale, cap, rounded)
