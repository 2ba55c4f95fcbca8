"""Plain-text summary of an instance, as `dealopt check` prints it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealopt.report.numbers import short_text
from dealopt.spec.model import Instance

if TYPE_CHECKING:
    from dealopt.analysis.scales import Scales


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def instance_summary(
    instance: Instance, path: str | None = None, scales: Scales | None = None
) -> str:
    """A few lines that say what the instance contains: parties, issues, deals, rules, and
    (given ``scales``) each party's utility scale, with warnings about it."""
    lines = [f"{path or instance.path or '<instance>'}: ok: {instance.name}"]
    parties = []
    for party in instance.parties.values():
        no_deal = "status quo" if party.no_deal is None else str(party.no_deal)
        interest = instance.interests.get(party.name)
        scale = f"; utility = sum / {interest.scale}" if interest and interest.scale != 1 else ""
        parties.append(f"{party.name} ({party.label}; no deal: {no_deal}{scale})")
    lines.append(f"  parties     {len(parties)}: " + ", ".join(parties))
    issues = []
    for issue in instance.issues.values():
        what = "values" if issue.is_range else "options"
        issues.append(f"{issue.name} ({issue.size} {what})")
    lines.append(f"  issues      {len(issues)}: " + ", ".join(issues))
    lines.append(f"  deals       {instance.bundle_space_size:,} in the bundle space")
    red = [f"{p} {len(r)}" for p, r in instance.red_lines.items()]
    lines.append(
        f"  red lines   {sum(len(r) for r in instance.red_lines.values())}"
        + (f": {', '.join(red)}" if red else "")
    )
    lines.append(f"  rules       {len(instance.rules)}")
    names = ", ".join(instance.quantities)
    lines.append(f"  quantities  {len(instance.quantities)}" + (f": {names}" if names else ""))
    if instance.attributes:
        lines.append(f"  attributes  {len(instance.attributes)}: " + ", ".join(instance.attributes))
    if instance.stages:
        staged = ", ".join(instance.staged) or "none"
        lines.append(
            f"  stages      {len(instance.stages)}: {', '.join(instance.stages)}; staged: {staged}"
        )
    pairs = [f"{a}({x}, {y})" for a, attr in instance.attributes.items() for x, y in attr.pairs]
    pairs += [f"score of {p} ({x}, {y})" for p, i in instance.interests.items() for x, y in i.pairs]
    if pairs:
        lines.append(f"  two-issue   {len(pairs)}: " + ", ".join(pairs))
    piecewise = _piecewise(instance)
    if piecewise:
        lines.append(f"  piecewise   {len(piecewise)}: " + ", ".join(piecewise))
    if not instance.acceptance.unanimous:
        from dealopt.analysis.acceptance import describe, veto_players

        vetoes = ", ".join(veto_players(instance.acceptance, tuple(instance.parties))) or "none"
        lines.append(
            "  acceptance  "
            + "; ".join(describe(instance.acceptance))
            + f" (veto players: {vetoes})"
        )
    if instance.groups:
        lines.append(f"  groups      {len(instance.groups)}: " + ", ".join(instance.groups))
    if instance.deals:
        lines.append(f"  named deals {len(instance.deals)}: " + ", ".join(instance.deals))
    if scales is not None:
        lines += scale_lines(scales, instance.has_status_quo)
    return "\n".join(lines)


def _piecewise(instance: Instance) -> list[str]:
    """Where piecewise() is used: ``quantity q``, ``term of p``, ``rule '...'``."""
    from dealopt.rules import ast, check

    checked = check(instance)
    out = []

    def uses(expr: ast.Expr | None) -> bool:
        return expr is not None and any(isinstance(n, ast.Piecewise) for n in ast.walk(expr))

    out += [f"quantity {q}" for q, e in checked.quantities.items() if uses(e)]
    for party, terms in checked.terms.items():
        out += [f"term of {party}" for t in terms if uses(t.value) or uses(t.when)]
    out += [
        f"{r.rule.kind.replace('_', ' ')} {r.rule.label!r}"
        for r in checked.all_rules()
        if uses(r.expr)
    ]
    return out


def scale_lines(scales: Scales, has_status_quo: bool = True) -> list[str]:
    """Each party's utility range (over all deals, rules ignored), its utility of the status
    quo (when there is one) and its no-deal value, aligned; then one ``warning:`` line per
    warning."""
    rows = [
        (s.party, f"{short_text(s.low)} to {short_text(s.high)}", short_text(s.status_quo))
        for s in scales.parties
    ]
    nd = [short_text(s.no_deal) for s in scales.parties]
    w = [max((len(r[k]) for r in rows), default=0) for k in range(3)]
    sq_head = ", status quo" if has_status_quo else ""
    lines = [f"  utilities   range over all deals (rules ignored){sq_head}, no deal:"]
    for (party, span, sq), no_deal in zip(rows, nd, strict=True):
        at_sq = f"status quo {sq:>{w[2]}}  " if has_status_quo else ""
        lines.append(f"              {party:<{w[0]}}  {span:>{w[1]}}  {at_sq}no deal {no_deal}")
    lines += [f"  warning: {text}" for text in scales.warnings]
    return lines
