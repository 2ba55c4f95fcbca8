"""The deal space with every rule, red line and no-deal condition behind a switch.

A *switch* is a defined Boolean that is true exactly when one user rule (all the compiled
constraints carrying its label) holds, or when one party's utility reaches its no-deal value.
The switched model has no hard constraints left (only the one-option-per-issue structure), so
one session answers "can these rules, red lines and no-deal conditions hold together?" for any
subset, by assuming the subset's switches: no model is rebuilt per question. Switches are
ordinary compiled definitions (``BoolAnd``, ``ReifiedLinear``), so every backend with
assumptions answers, the enumerate backend included.

When the session can report an unsatisfiable core of its assumptions (CP-SAT's
``sufficient_assumptions_for_infeasibility``, exposed as ``infeasible_core``), a check returns
it too; the core is not minimal, and :mod:`dealopt.analysis.conflicts` shrinks it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from dealopt.analysis.space import Space, TimeUp
from dealopt.backends.base import SolveStatus, expr_range
from dealopt.compile.model import (
    BoolAnd,
    CompiledModel,
    Definition,
    LinearConstraint,
    Lit,
    ReifiedLinear,
    Require,
)
from dealopt.errors import OracleRejectedError
from dealopt.spec.model import Value


@dataclass(frozen=True)
class Element:
    """One thing that can take part in a conflict: a rule, a red line or a no-deal condition.

    ``key`` is ``(kind, owner, index)``: ``("rule", None, i)``, ``("red_line", party, i)`` or
    ``("no_deal", party, k)``. ``label`` is the user's label, ``text`` the user's own rule text
    (for a no-deal condition: ``utility(p) >= d``), ``source`` ``file:line:col`` when known.
    """

    kind: str
    owner: str | None
    index: int
    label: str
    text: str
    source: str | None

    @property
    def key(self) -> tuple[str, str | None, int]:
        return (self.kind, self.owner, self.index)

    def describe(self) -> str:
        who = f"{self.owner} " if self.owner else ""
        kind = {"rule": "rule", "red_line": "red line", "no_deal": "no-deal value"}[self.kind]
        where = f" ({self.source})" if self.source else ""
        if self.kind == "no_deal":  # the label repeats the party's; say only where d is from
            origin = self.label.partition(": ")[2]
            note = f" ({origin})" if origin != "no-deal value" else ""
            return f"{who}{kind}{note}: {self.text}{where}"
        return f"{who}{kind} {self.label!r}: {self.text}{where}"


def elements(space: Space) -> list[Element]:
    """Every rule, then every red line (by party, file order), then every no-deal condition."""
    from dealopt.rules import ast
    from dealopt.rules.render import render

    out = []
    for i, rule in enumerate(space.instance.rules):
        out.append(Element("rule", None, i, rule.label, rule.rule.text, _where(rule.rule)))
    for party, lines in space.instance.red_lines.items():
        for i, rule in enumerate(lines):
            out.append(Element("red_line", party, i, rule.label, rule.rule.text, _where(rule.rule)))
    nd = space.no_deal
    for k, party in enumerate(space.parties):
        p = space.instance.parties[party]
        given = "no-deal value" if p.no_deal is not None else "status-quo utility"
        text = f"utility({party}) >= {render(ast.Number(nd[party]))}"
        source = str(p.source) if p.source else None
        out.append(Element("no_deal", party, k, f"{p.label}: {given}", text, source))
    return out


def _where(text: object) -> str | None:
    source = getattr(text, "source", None)
    return str(source) if source is not None else None


def constraint_groups(model: CompiledModel, elems: Sequence[Element]) -> list[list[int]]:
    """For each element, the indices of the compiled constraints carrying its label."""
    index = {e.key: n for n, e in enumerate(elems)}
    groups: list[list[int]] = [[] for _ in elems]
    for i, c in enumerate(model.constraints):
        key = (c.label.kind, c.label.owner, c.label.index)
        if key not in index:
            raise ValueError(f"compiled constraint with unknown label {c.label}")
        groups[index[key]].append(i)
    return groups


@dataclass
class Switched:
    """A session of the switched model and how to ask it about subsets of elements."""

    space: Space
    elements: list[Element]
    switches: list[int]  # the switch variable of each element
    session: object
    checks: int = 0

    def assumptions(self, subset: Iterable[int]) -> list[Lit]:
        return [(self.switches[e], True) for e in sorted(subset)]

    def check(self, subset: Iterable[int]) -> tuple[bool, frozenset[int] | None]:
        """Whether the elements of ``subset`` can hold together; if not, a core (a subset of
        ``subset``, not necessarily minimal) when the backend reports one, else None.

        A "yes" comes with a deal, which the oracle re-checks against every element of the
        subset (a disagreement raises :class:`OracleRejectedError`).
        """
        subset = frozenset(subset)
        lits = self.assumptions(subset)
        self.checks += 1
        core_of = getattr(self.session, "infeasible_core", None)
        if core_of is not None:
            solution, core = core_of(lits, time_limit=self.space.remaining())
        else:
            solution = self.session.solve({}, assumptions=lits, time_limit=self.space.remaining())
            core = None
        if solution.status is SolveStatus.INFEASIBLE:
            if core is None:
                return False, None
            by_var = {self.switches[e]: e for e in subset}
            return False, frozenset(by_var[v] for v, _ in core)
        if solution.status is not SolveStatus.OPTIMAL or solution.values is None:
            raise TimeUp("time limit")
        self._verify(subset, solution.values)
        return True, None

    def _verify(self, subset: frozenset[int], values: Sequence[int]) -> None:
        """The oracle's check that the deal satisfies every element of ``subset``."""
        deal = self.space.decoder.deal(values)
        for i in subset:
            e = self.elements[i]
            if holds(self.space, e, deal) is False:
                raise OracleRejectedError(f"the backend's deal breaks {e.describe()}: {deal}")


def holds(space: Space, e: Element, deal: Mapping[str, Value]) -> bool | None:
    """Whether ``deal`` satisfies element ``e``, by the oracle (None: within the resolution)."""
    checked = space.oracle.checked
    if e.kind == "rule":
        return bool(space.oracle.evaluate(checked.rules[e.index].expr, deal))
    if e.kind == "red_line":
        assert e.owner is not None
        return bool(space.oracle.evaluate(checked.red_lines[e.owner][e.index].expr, deal))
    assert e.owner is not None
    ok = space.oracle.utility(e.owner, deal) >= space.no_deal[e.owner]
    return ok if ok or space.exact else None


def switched_model(space: Space, elems: Sequence[Element]) -> tuple[CompiledModel, list[int]]:
    """The model with every element behind a switch (see the module docstring)."""
    model = space.model
    groups = constraint_groups(model, elems)
    n = model.num_vars
    defs: list[Definition] = []
    names = dict(model.var_names)

    def new(name: str) -> int:
        nonlocal n
        names[n] = name
        n += 1
        return n - 1

    switches = []
    floors = space.floors
    for e, group in zip(elems, groups, strict=True):
        if e.kind == "no_deal":
            expr = model.objectives[e.index]
            lo = floors[e.index][0]
            var = new(f"switch:{e.kind}:{e.owner}")
            defs.append(ReifiedLinear(var, expr, lo, None, expr_range(expr, model)))
            switches.append(var)
            continue
        lits: list[Lit] = []
        for i in group:
            c = model.constraints[i]
            if isinstance(c, Require):
                lits.append(c.literal)
            elif isinstance(c, LinearConstraint):
                r = new(f"holds:{e.kind}:{e.owner}:{e.index}:{i}")
                defs.append(ReifiedLinear(r, c.expr, c.lo, c.hi, expr_range(c.expr, model)))
                lits.append((r, True))
            else:  # pragma: no cover - the compiler only emits the two kinds above
                raise TypeError(f"unknown constraint {c!r}")
        var = new(f"switch:{e.kind}:{e.owner}:{e.index}")
        # A fresh variable per element, even for one literal: two rules compiled to the same
        # literal must stay two switches, or a core could not say which one it used.
        defs.append(BoolAnd(var, tuple(sorted(set(lits)))))
        switches.append(var)
    switched = replace(
        model,
        num_vars=n,
        definitions=(*model.definitions, *defs),
        constraints=(),
        var_names=names,
    )
    return switched, switches


def build_switched(space: Space, elems: Sequence[Element] | None = None) -> Switched:
    """Build (once) a session of the switched model of ``space``."""
    elems = list(elements(space) if elems is None else elems)
    model, switches = switched_model(space, elems)
    session = space.new_session(model)
    return Switched(space, elems, switches, session)
