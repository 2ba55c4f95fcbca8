"""Restoring the instance a file set written by :func:`~dealopt.io.genius.to_xml` came from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from dealopt.errors import SpecError
from dealopt.io.genius.caps import _cap_terms
from dealopt.io.genius.domain import _GDomain, _GProfile
from dealopt.io.genius.export import _numbers, _PartyNumbers
from dealopt.io.genius.xml import META, _number, _parse_int, _parse_number
from dealopt.spec.model import LINEAR, Value

# ---------------------------------------------------------------------------- restoring


def _has_metadata(domain: _GDomain, profiles: Sequence[_GProfile]) -> bool:
    return f"{META}name" in domain.xml.root.attrs and all(
        f"{META}party" in p.xml.root.attrs for p in profiles
    )


def _restore(domain: _GDomain, profiles: Sequence[_GProfile]) -> dict[str, Any] | None:
    """The instance a file set written by :func:`to_xml` came from, or None when the GENIUS
    numbers in the files are no longer the ones :func:`to_xml` would write for it."""
    from dealopt.api import instance as build

    try:
        data = _restored_data(domain, profiles)
        restored = build(data, domain.xml.path)
        files = _numbers(restored)
        # The attributes are untrusted too: a missing or malformed one means "no match".
        held = {p: n.key() for p, n in _file_numbers(domain, profiles).items()}
    except (SpecError, ValueError, KeyError, InvalidOperation):
        return None
    if held != {p: n.key() for p, n in files.items()}:
        return None
    return data


def _restored_data(domain: _GDomain, profiles: Sequence[_GProfile]) -> dict[str, Any]:
    root = domain.xml.root.attrs
    issues: dict[str, Any] = {}
    names_of: dict[str, dict[str, str]] = {}  # issue -> GENIUS value text -> option name
    names: list[str] = []
    kinds: list[bool] = []
    for issue in domain.issues:
        a = issue.node.attrs
        name = a[f"{META}name"]
        doc: dict[str, Any] = {"label": a.get(f"{META}label", issue.name)}
        if f"{META}description" in a:
            doc["description"] = a[f"{META}description"]
        if f"{META}range" in a:
            lo, hi, step = (_parse_int(x) for x in a[f"{META}range"].split())
            doc["range"] = [lo, hi, step]
        else:
            items = [item.attrs for item in issue.node.kids("item")]
            doc["options"] = [it.get(f"{META}option", it["value"]) for it in items]
            labels = {it[f"{META}option"]: it["value"] for it in items if f"{META}option" in it}
            if labels:
                doc["option_labels"] = labels
                names_of[name] = {text: option for option, text in labels.items()}
        sq = a.get(f"{META}status_quo")
        if sq is not None:
            doc["status_quo"] = _parse_int(sq) if "range" in doc else sq
        issues[name] = doc
        names.append(name)
        kinds.append("range" in doc)
    parties: dict[str, Any] = {}
    interests: dict[str, Any] = {}
    for profile in profiles:
        a = profile.xml.root.attrs
        party = a[f"{META}party"]
        pdoc: dict[str, Any] = {}
        for key in ("label", "description"):
            if f"{META}{key}" in a:
                pdoc[key] = a[f"{META}{key}"]
        if f"{META}no_deal" in a:
            pdoc["no_deal"] = _number(_parse_number(a[f"{META}no_deal"]))
        parties[party] = pdoc
        weights: dict[str, Any] = {}
        scores: dict[str, Any] = {}
        for issue, name, is_range in zip(domain.issues, names, kinds, strict=True):
            node = profile.issues[issue.index]
            if f"{META}weight" not in node.attrs:
                continue
            weights[name] = _number(_parse_number(node.attrs[f"{META}weight"]))
            if node.attrs.get(f"{META}scores") == LINEAR:
                scores[name] = LINEAR
                continue
            table: dict[Any, Any] = {}
            for item in node.kids("item"):
                if f"{META}score" in item.attrs:
                    text = item.attrs["value"]
                    key = _parse_int(text) if is_range else names_of.get(name, {}).get(text, text)
                    table[key] = _number(_parse_number(item.attrs[f"{META}score"]))
            scores[name] = table
        interest: dict[str, Any] = {"weights": weights, "scores": scores}
        if f"{META}utility_scale" in a:
            interest["scale"] = _number(_parse_number(a[f"{META}utility_scale"]))
        if f"{META}cap" in a:
            cap = Fraction(_parse_number(a[f"{META}cap"]))
            contributions = _contributions_from(issues, names, weights, scores)
            terms = _cap_terms(names, contributions, cap)
            if terms:
                interest["terms"] = terms
        interests[party] = interest
    data: dict[str, Any] = {"dealopt": 1, "name": root[f"{META}name"]}
    if f"{META}description" in root:
        data["description"] = root[f"{META}description"]
    if root.get(f"{META}status_quo") == "none":
        data["status_quo"] = "none"
    data.update({"parties": parties, "issues": issues, "interests": interests})
    return data


def _contributions_from(
    issues: Mapping[str, Any], names: Sequence[str], weights: Mapping, scores: Mapping
) -> list[list[tuple[Value, Fraction]]]:
    out = []
    for name in names:
        doc = issues[name]
        if "range" in doc:
            lo, hi, step = doc["range"]
            values: list[Value] = list(range(lo, hi + 1, step))
        else:
            values = list(doc["options"])
        w = Fraction(weights.get(name, 0))
        table = scores.get(name, {})
        row = []
        for v in values:
            s = Fraction(v) if table == LINEAR else Fraction(table.get(v, 0))  # type: ignore[arg-type]
            row.append((v, w * s))
        out.append(row)
    return out


def _file_numbers(domain: _GDomain, profiles: Sequence[_GProfile]) -> dict[str, _PartyNumbers]:
    """The GENIUS numbers as the files hold them, keyed like :func:`_numbers`."""
    out = {}
    for profile in profiles:
        weights = {i: w for i, (w, _) in profile.weights.items()}
        evaluations: dict[int, dict[str, Decimal]] = {}
        for issue in domain.issues:
            node = profile.issues[issue.index]
            evaluations[issue.index] = {
                item.attrs["value"]: _parse_number(item.attrs["evaluation"])
                for item in node.kids("item")
            }
        reservation = profile.reservation if profile.reservation is not None else Decimal(0)
        out[profile.xml.root.attrs[f"{META}party"]] = _PartyNumbers(
            weights, evaluations, reservation
        )
    return out
