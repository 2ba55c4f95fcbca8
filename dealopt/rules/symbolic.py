"""Utilities as exact polynomials in a set of unknown numbers of the instance.

A sweep changes numbers (weights, scores, attributes, no-deal values, constant term values,
quantities that are plain numbers) but not expressions. For one deal, each party's utility is
then a polynomial in those numbers with exact rational coefficients: weight × score is a
product of two unknowns, a term such as ``0.2 * score(us, ukraine_support) *
credibility(verification)`` is linear in the unknown score. :func:`utility_polynomials`
evaluates the checked trees with the oracle's own evaluator, reading an unknown wherever a
table lookup names one, so the polynomial and the oracle agree by construction; the sweep then
evaluates all its scenarios at once with integer matrix products.

Conditions (rules, red lines, ``when``) must not read an unknown: :func:`unknowns_read` says
which tables an expression reads, so the caller can check that first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from dealopt.rules import ast
from dealopt.rules.ast import CheckedInstance
from dealopt.rules.oracle import _Evaluation
from dealopt.spec.model import LINEAR, Deal

Monomial = tuple[int, ...]  # sorted indices of the unknowns multiplied (with repeats)


class Poly:
    """A polynomial ``Σ coefficient × Π unknowns``; only where an unknown was read."""

    __slots__ = ("terms",)

    def __init__(self, terms: Mapping[Monomial, Fraction]):
        self.terms = {m: c for m, c in terms.items() if c != 0}

    @staticmethod
    def of(x: Fraction | Poly) -> Poly:
        return x if isinstance(x, Poly) else Poly({(): Fraction(x)})

    def __add__(self, other: object) -> Poly:
        if not isinstance(other, Poly | Fraction | int):
            return NotImplemented
        out = dict(self.terms)
        for m, c in Poly.of(other).terms.items():  # type: ignore[arg-type]
            out[m] = out.get(m, Fraction(0)) + c
        return Poly(out)

    __radd__ = __add__

    def __neg__(self) -> Poly:
        return Poly({m: -c for m, c in self.terms.items()})

    def __sub__(self, other: object) -> Poly:
        if not isinstance(other, Poly | Fraction | int):
            return NotImplemented
        return self + (-Poly.of(other))  # type: ignore[arg-type]

    def __rsub__(self, other: object) -> Poly:
        return (-self) + other

    def __mul__(self, other: object) -> Poly:
        if isinstance(other, Fraction | int):
            return Poly({m: c * other for m, c in self.terms.items()})
        if not isinstance(other, Poly):
            return NotImplemented
        out: dict[Monomial, Fraction] = {}
        for m1, c1 in self.terms.items():
            for m2, c2 in other.terms.items():
                m = tuple(sorted(m1 + m2))
                out[m] = out.get(m, Fraction(0)) + c1 * c2
        return Poly(out)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Poly:
        if isinstance(other, Poly):
            if set(other.terms) - {()}:
                raise TypeError("division by an uncertain number")
            other = other.terms.get((), Fraction(0))
        if not isinstance(other, Fraction | int):
            return NotImplemented
        return Poly({m: c / other for m, c in self.terms.items()})

    def _constant(self) -> Fraction:
        if set(self.terms) - {()}:
            raise TypeError("a condition reads an uncertain number")
        return self.terms.get((), Fraction(0))

    def __lt__(self, other: object) -> bool:
        return self._constant() < _constant(other)

    def __le__(self, other: object) -> bool:
        return self._constant() <= _constant(other)

    def __gt__(self, other: object) -> bool:
        return self._constant() > _constant(other)

    def __ge__(self, other: object) -> bool:
        return self._constant() >= _constant(other)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Poly):
            return self.terms == other.terms
        return set(self.terms) <= {()} and self.terms.get((), Fraction(0)) == other

    def __hash__(self) -> int:
        return hash(frozenset(self.terms.items()))

    def __repr__(self) -> str:
        return f"Poly({self.terms!r})"


def _constant(x: object) -> Fraction:
    return x._constant() if isinstance(x, Poly) else x  # type: ignore[return-value]


Number = Fraction | Poly


class _Unknowns:
    """Where the unknowns are: number path -> index; ``products`` remembers each
    ``weight × score`` polynomial by (party, issue, value), for many deals of one instance."""

    def __init__(self, index: Mapping[str, int]):
        self.index = index
        self.products: dict[tuple[str, str, object], Poly] = {}

    def get(self, path: str, written: object) -> Number:
        k = self.index.get(path)
        if k is None:
            return Fraction(written)  # type: ignore[arg-type]
        return Poly({(k,): Fraction(1)})


class _Symbolic(_Evaluation):
    """The oracle's evaluation of one deal, with unknowns read where the tables name them."""

    def __init__(self, env: CheckedInstance, deal: Deal, unknowns: _Unknowns):
        super().__init__(env, deal)
        self.unknowns = unknowns

    def value(self, e: ast.Expr):  # type: ignore[override]
        inst, deal, u = self.env.instance, self.deal, self.unknowns
        match e:
            case ast.QuantityRef(name=n) if f"quantities.{n}" in u.index:
                # A quantity that is a plain number, uncertain: the unknown is its value.
                return u.get(f"quantities.{n}", None)
            case ast.AttributeOf(attribute=a, issue=i):
                return self._attribute(a, i)
            case ast.Total(attribute=a):
                total: Number = Fraction(0)
                for i in inst.attributes[a].tables:
                    if i in deal:
                        total = total + self._attribute(a, i)
                return total
            case ast.ScoreOf(party=p, issue=i):
                interest = inst.interests.get(p)
                if interest is None:
                    return Fraction(0)
                if interest.scores.get(i) == LINEAR:
                    return Fraction(deal[i])  # type: ignore[arg-type]
                return u.get(f"interests.{p}.scores.{i}.{deal[i]}", interest.score(i, deal[i]))
        return super().value(e)

    def _attribute(self, a: str, i: str) -> Number:
        attribute = self.env.instance.attributes[a]
        value = self.deal[i]
        if attribute.tables.get(i) == LINEAR:
            return Fraction(value)  # type: ignore[arg-type]
        return self.unknowns.get(f"attributes.{a}.{i}.{value}", attribute.of(i, value))

    def utility(self, party: str):  # type: ignore[override]
        key = ("utility", party)
        if key in self.cache:
            return self.cache[key]
        inst, u = self.env.instance, self.unknowns
        sums: dict[Monomial, Fraction] = {}
        interest = inst.interests.get(party)
        if interest is not None:
            for issue, weight in interest.weights.items():
                value = self.deal[issue]
                product = u.products.get((party, issue, value))
                if product is None:
                    w = u.get(f"interests.{party}.weights.{issue}", weight)
                    if interest.scores.get(issue) == LINEAR:
                        s: Number = Fraction(value)  # type: ignore[arg-type]
                    else:
                        path = f"interests.{party}.scores.{issue}.{value}"
                        s = u.get(path, interest.score(issue, value))
                    product = u.products[(party, issue, value)] = Poly.of(w * s)
                # Summed in place: one dictionary per utility, not one per addition.
                for m, c in product.terms.items():
                    sums[m] = sums[m] + c if m in sums else c
        total: Number = Poly(sums)
        for k, term in enumerate(self.env.terms.get(party, ())):
            if term.when is None or self.cond(term.when):
                if isinstance(term.value, ast.Number):
                    total = total + u.get(f"interests.{party}.terms.{k}.value", term.value.value)
                else:
                    total = total + self.num(term.value)
        if interest is not None and interest.scale != 1:
            total = total * (1 / Fraction(interest.scale))
        self.cache[key] = total  # type: ignore[assignment]
        return total


def utility_polynomials(
    checked: CheckedInstance, deal: Deal, unknowns: Mapping[str, int] | _Unknowns
) -> dict[str, Poly]:
    """Every party's utility of ``deal`` as a polynomial in the unknowns (number path ->
    index; or :func:`unknowns`, shared by many deals of ``checked``, which remembers the
    ``weight × score`` products). Raises TypeError when a condition reads an unknown (check
    with :func:`unknowns_read` first)."""
    table = unknowns if isinstance(unknowns, _Unknowns) else _Unknowns(unknowns)
    run = _Symbolic(checked, deal, table)
    return {p: Poly.of(run.utility(p)) for p in checked.instance.parties}


def unknowns(index: Mapping[str, int]) -> _Unknowns:
    """Unknowns (number path -> index) to share between :func:`utility_polynomials` calls on
    one checked instance (the numbers of its tables must not change in between)."""
    return _Unknowns(index)


def unknowns_read(checked: CheckedInstance, expr: ast.Expr) -> set[str]:
    """Path prefixes of the tables ``expr`` reads (through quantities and ``utility()``):
    ``attributes.a.i.``, ``interests.p.scores.i.``, ``interests.p.`` (a whole utility),
    ``quantities.n.`` (a quantity, which may be a plain number)."""
    out: set[str] = set()
    seen: set[str] = set()
    stack = [expr]
    while stack:
        for node in ast.walk(stack.pop()):
            match node:
                case ast.AttributeOf(attribute=a, issue=i):
                    out.add(f"attributes.{a}.{i}.")
                case ast.Total(attribute=a):
                    out.add(f"attributes.{a}.")
                case ast.ScoreOf(party=p, issue=i):
                    out.add(f"interests.{p}.scores.{i}.")
                case ast.UtilityOf(party=p):
                    out.add(f"interests.{p}.")
                    for t in checked.terms.get(p, ()):
                        stack.append(t.value)
                        if t.when is not None:
                            stack.append(t.when)
                case ast.QuantityRef(name=n) if n not in seen:
                    seen.add(n)
                    out.add(f"quantities.{n}.")
                    stack.append(checked.quantities[n])
    return out


def conditions_read(checked: CheckedInstance, paths: Iterable[str]) -> list[str]:
    """The ``paths`` that some rule, red line or ``when`` condition reads (empty: the feasible
    deals and every term's condition are the same whatever those numbers are)."""
    prefixes: set[str] = set()
    for r in checked.all_rules():
        prefixes |= unknowns_read(checked, r.expr)
    for terms in checked.terms.values():
        for t in terms:
            if t.when is not None:
                prefixes |= unknowns_read(checked, t.when)
    # A prefix ends in '.': ``quantities.n.`` names the path ``quantities.n`` and no other.
    return [p for p in paths if any((p + ".").startswith(x) for x in prefixes)]
