"""Reading a GENIUS scenario as an instance document (:func:`load`, :func:`to_data`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from dealopt.errors import Problem, SpecError
from dealopt.io.genius.caps import _cap_terms
from dealopt.io.genius.domain import (
    _evaluate,
    _Evaluated,
    _GDomain,
    _GProfile,
    _grid,
    _Namer,
    _party_label,
    _read_domain,
    _read_profile,
    _scenario_name,
)
from dealopt.io.genius.restore import _has_metadata, _restore
from dealopt.io.genius.xml import (
    MAX_CAP_DEALS,
    _number,
    _odd_part,
    _parse_number,
    _rounded,
    _text,
)
from dealopt.spec.loader import KEYWORDS, RESERVED
from dealopt.spec.model import Instance, Value

# ============================================================================ import


def load(
    domain: str | Path,
    profiles: Sequence[str | Path],
    *,
    real_step: str | Decimal | None = None,
    genius_scale: bool = False,
) -> Instance:
    """Read a GENIUS scenario (domain file and one profile file per party), return the checked
    instance. See the module docstring for the mapping; ``real_step`` discretises real issues;
    ``genius_scale`` ignores the ``dealopt_*`` attributes of files written by :func:`export`.
    """
    from dealopt.api import instance

    data = to_data(domain, profiles, real_step=real_step, genius_scale=genius_scale)
    return instance(data, str(domain))


def to_data(
    domain: str | Path,
    profiles: Sequence[str | Path],
    *,
    real_step: str | Decimal | None = None,
    genius_scale: bool = False,
) -> dict[str, Any]:
    """The instance document (plain data, as an instance file holds it) of a GENIUS scenario."""
    if not profiles:
        raise SpecError([Problem(None, "a GENIUS scenario needs at least one profile file")])
    step = _step(real_step)
    gdomain = _read_domain(Path(domain))
    gprofiles = [(Path(p), _read_profile(Path(p), gdomain)) for p in profiles]
    note = ""
    if not genius_scale and _has_metadata(gdomain, [g for _, g in gprofiles]):
        restored = _restore(gdomain, [g for _, g in gprofiles])
        if restored is not None:
            return restored
        note = (
            "The files carry dealopt_* attributes from `dealopt export genius`, but their "
            "GENIUS numbers no longer match them (edited after export?), so they were read as "
            "a plain GENIUS scenario.\n"
        )
    return _plain(Path(domain), gdomain, gprofiles, step, note)


def _step(real_step: str | Decimal | None) -> Decimal | None:
    if real_step is None:
        return None
    try:
        step = _parse_number(str(real_step))
    except ValueError:
        step = Decimal(0)
    if step <= 0:
        raise SpecError([Problem(None, f"--real-step must be a positive number, got {real_step}")])
    return step


def _plain(
    domain_path: Path,
    gdomain: _GDomain,
    gprofiles: list[tuple[Path, _GProfile]],
    step: Decimal | None,
    note: str,
) -> dict[str, Any]:
    scenario = _scenario_name(domain_path)
    names = _Namer(RESERVED)
    # Issues: values as GENIUS sees them, and dealopt's values for them.
    grids: list[tuple[Any, ...]] = []
    issue_names: list[str] = []
    value_names: list[dict[Any, Value]] = []
    issues_doc: dict[str, Any] = {}
    for issue in gdomain.issues:
        grid = _grid(issue, step, gdomain.xml)
        name = names(issue.name, "issue_")
        options = _Namer(KEYWORDS)
        if issue.kind == "integer":
            mapping: dict[Any, Value] = {v: v for v in grid}
            doc: dict[str, Any] = {"range": [grid[0], grid[-1]]}
            desc = (
                f"GENIUS integer issue {issue.name!r} (index {issue.index}), "
                f"{grid[0]} to {grid[-1]}."
            )
        else:
            if issue.kind == "discrete":
                mapping = {v: options(v, "v") for v in grid}
                desc = f"GENIUS discrete issue {issue.name!r} (index {issue.index})."
            else:
                mapping = {
                    v: options(_text(v).replace("-", "minus_").replace(".", "_"), "v") for v in grid
                }
                desc = (
                    f"GENIUS real issue {issue.name!r} (index {issue.index}), {issue.lo} to "
                    f"{issue.hi}, discretised here at step {step} (from the lowerbound; the "
                    "upperbound is always included)."
                )
            doc = {"options": list(mapping.values())}
            # the original GENIUS values, so that export writes them back as they were
            texts = {n: v if isinstance(v, str) else _text(v) for v, n in mapping.items()}
            labels = {n: t for n, t in texts.items() if t != n}
            if labels:
                doc["option_labels"] = labels
            desc += " Options: " + ", ".join(f"{n} = {_quote(v)}" for v, n in mapping.items())
            desc += "."
        doc = {"label": issue.name, "description": desc, **doc}
        issues_doc[name] = doc
        grids.append(grid)
        issue_names.append(name)
        value_names.append(mapping)
    # Parties: every normalised evaluation, exactly.
    parties: list[tuple[str, Path, _GProfile, list[_Evaluated]]] = []
    for path, profile in gprofiles:
        label = _party_label(path, scenario)
        name = names(label, "party_")
        evaluated = [
            _evaluate(issue, profile, grid, profile.xml)
            for issue, grid in zip(gdomain.issues, grids, strict=True)
        ]
        parties.append((name, path, profile, evaluated))
    parties_doc: dict[str, Any] = {}
    interests: dict[str, Any] = {}
    cap_notes: list[str] = []
    discounts: list[str] = []
    scales: list[str] = []
    for name, path, profile, evaluated in parties:
        # The party's scale: the smallest whole number that makes every score it writes a
        # terminating decimal; its utility is the weighted sum divided by it (GENIUS's 0..1).
        scale = math.lcm(
            1, *(_odd_part(q.denominator) for ev in evaluated for q in ev.normalised.values())
        )
        k = Fraction(scale)
        if scale != 1:
            scales.append(f"{name} {scale}")
        reservation = profile.reservation if profile.reservation is not None else Decimal(0)
        discount = profile.discount if profile.discount is not None else Decimal(1)
        discounts.append(f"{name} {_text(discount)}")
        weights = {i: _number(ev.weight) for i, ev in zip(issue_names, evaluated, strict=True)}
        scores = {
            i: {value_names[j][v]: _number(k * q) for v, q in evaluated[j].normalised.items()}
            for j, i in enumerate(issue_names)
        }
        contributions = [
            [(value_names[j][v], Fraction(ev.weight) * q) for v, q in ev.normalised.items()]
            for j, ev in enumerate(evaluated)
        ]
        terms = _cap_terms(issue_names, [[(v, k * c) for v, c in vs] for vs in contributions], k)
        interest: dict[str, Any] = {"weights": weights, "scores": scores}
        if scale != 1:
            interest["scale"] = scale
        if terms is None:
            raise profile.xml.error(
                None,
                f"more than {MAX_CAP_DEALS} deals have a GENIUS utility above 1 for profile "
                f"{path.name} (its weights sum to {_text(_weight_sum(profile))}); "
                "GENIUS caps each at 1, which dealopt states one deal at a time: rescale the "
                "weights so that they sum to at most 1",
            )
        if terms:
            interest["terms"] = terms
            top = sum(max(c for _, c in vs) for vs in contributions)
            cap_notes.append(
                f"{name}: its best deal is worth {_text(_rounded(top, 20))} before the cap, "
                f"{len(terms)} deal(s) exceed 1"
            )
        interests[name] = interest
        notes = [
            f"GENIUS profile {path.name}.",
            f"Reservation value {_text(reservation)}"
            + (" (none given: GENIUS's default 0)" if profile.reservation is None else "")
            + " on GENIUS's 0..1 scale, the no_deal here.",
            f"Discount factor {_text(discount)}"
            + (" (none given: GENIUS's default 1)" if profile.discount is None else "")
            + ": not used, since GENIUS discounts utilities over negotiation time and a "
            "one-shot deal has none.",
        ]
        notes += [
            f"Issue {gdomain.issues[j].name!r}: {ev.note}."
            for j, ev in enumerate(evaluated)
            if ev.note
        ]
        parties_doc[name] = {
            "label": _party_label(path, scenario),
            "description": " ".join(notes),
            "no_deal": _number(reservation),
        }
    description = note + _plain_description(
        domain_path, [p for p, _ in gprofiles], scales, cap_notes, discounts
    )
    return {
        "dealopt": 1,
        "name": scenario,
        "description": description,
        "status_quo": "none",
        "parties": parties_doc,
        "issues": issues_doc,
        "interests": interests,
    }


def _weight_sum(profile: _GProfile) -> Fraction:
    # In fractions: a Decimal sum would round to 28 significant digits.
    return sum((Fraction(w) for w, _ in profile.weights.values()), Fraction(0))


def _quote(value: Any) -> str:
    return repr(value) if isinstance(value, str) else _text(value)


def _plain_description(
    domain: Path, profiles: list[Path], scales: list[str], caps: list[str], discounts: list[str]
) -> str:
    files = ", ".join(p.name for p in profiles)
    text = (
        f"Imported from the GENIUS scenario {domain.name} with the profiles {files} "
        "(dealopt import genius). GENIUS's utility of a deal is the sum over issues of weight "
        "× normalised evaluation, on 0..1, and so are the utilities here: each weight is "
        "GENIUS's weight as written, each score is the value's evaluation divided by the "
        "largest evaluation of its issue (GENIUS's normalisation), and each no_deal is the "
        "reservation value."
    )
    if scales:
        text += (
            " Where that normalisation does not terminate as a decimal, the scores are written "
            "times the party's scale (the smallest whole number that makes every one terminate, "
            "so nothing is rounded) and the utility is divided by it again: "
            + ", ".join(scales)
            + "."
        )
    if caps:
        text += (
            " GENIUS caps utilities at 1; a term per deal above 1 brings it back to the cap "
            "here: " + "; ".join(caps) + "."
        )
    text += (
        " Discount factors (" + ", ".join(discounts) + ") are not used: GENIUS discounts "
        "utilities over negotiation time, and a one-shot deal has no time."
        " GENIUS has no status quo, so neither has this instance (status_quo: none): deals "
        "are described by the options they choose."
    )
    return text


# ============================================================================ YAML


def to_yaml_text(data: Mapping[str, Any], header: str | None = None) -> str:
    """An instance document as YAML that :func:`dealopt.load` reads back to the same numbers
    (exact decimals written as plain decimal text, multi-line strings as literal blocks)."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
        text = _text(value)
        tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
        return dumper.represent_scalar(tag, text)

    def string(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(Decimal, decimal)
    _Dumper.add_representer(str, string)
    text = yaml.dump(
        dict(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=None,
    )
    if header:
        text = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines()) + text
    return text
