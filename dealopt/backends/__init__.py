"""Backends: one module per solver behind the small interface of :mod:`dealopt.backends.base`.

Adding a backend: one module with a class that has ``name``, ``features``, ``is_available()``
and ``build(model, options)``, and one entry in :func:`_make` below. Backend modules load on
first use, so importing this package pulls in neither a solver nor numpy.
"""

from __future__ import annotations

from dealopt.backends.base import (
    DEFAULT_OPTIONS,
    Backend,
    BackendSolution,
    EnumeratingSession,
    Feature,
    Session,
    SolveOptions,
    SolveStatus,
)
from dealopt.compile.model import CompiledModel
from dealopt.errors import BackendUnavailableError, UsageError, did_you_mean

AUTO_ENUMERATE_MAX = 1_000_000
"""``auto`` enumerates bundle spaces up to this many deals and uses CP-SAT above. Measured
(benchmarks/README.md): on the 576,000-deal Helsinki instance `enumerate` solves in 0.51 s
against 0.83 s for CP-SAT, process start included; on 1.7 million deals enumeration costs about
1 s and CP-SAT a fraction of that."""


class AutoBackend:
    """Picks per model: ``enumerate`` for small bundle spaces; above, ``merge`` when the model
    splits into independent components (once a knapsack-like capacity is lifted, decision 88),
    ``cpsat`` when it does not."""

    name = "auto"
    # Features depend on the model; ask the built session (``session.features``).
    features: frozenset[Feature] = frozenset()

    def is_available(self) -> bool:
        """Whether at least one of the two backends can run."""
        return _make("cpsat").is_available() or _make("enumerate").is_available()

    def build(self, model: CompiledModel, options: SolveOptions = DEFAULT_OPTIONS) -> Session:
        """Build with ``enumerate`` when the space has at most :data:`AUTO_ENUMERATE_MAX` deals,
        else with ``merge`` when the model has several components (decision 34), counting those
        a lifted capacity leaves (decision 88), else ``cpsat``."""
        from dealopt.backends.merge import LIFT_ABOVE, MOST_LIFTED, merge_pays
        from dealopt.compile.components import split

        parts = (
            None
            if model.bundle_space_size <= AUTO_ENUMERATE_MAX
            else split(model, LIFT_ABOVE, MOST_LIFTED)
        )
        if parts is None:
            name = "enumerate"
        elif merge_pays(parts):
            name = "merge"
        else:
            name = "cpsat"
        chosen = _make(name)
        if not chosen.is_available():
            chosen = _make("cpsat")
        return _require(chosen).build(model, options)


NAMES = ("cpsat", "highs", "pyomo", "enumerate", "merge", "auto")
"""Every backend name :func:`get_backend` knows (and ``pyomo:<solver>``, e.g. ``pyomo:cbc``)."""
_INSTALL = {"cpsat": "ortools", "enumerate": "numpy", "highs": "highspy", "merge": "ortools"}


def _make(name: str) -> Backend:
    if name == "cpsat":
        from dealopt.backends.cpsat import CpSatBackend

        return CpSatBackend()
    if name == "enumerate":
        from dealopt.backends.enumerate import EnumerateBackend

        return EnumerateBackend()
    if name == "merge":
        from dealopt.backends.merge import MergeBackend

        return MergeBackend()
    if name == "highs":
        from dealopt.backends.highs import HighsBackend

        return HighsBackend()
    if name == "pyomo" or name.startswith("pyomo:"):
        from dealopt.backends.pyomo import PyomoBackend

        return PyomoBackend(name.partition(":")[2] or None)
    return AutoBackend()


def _require(backend: Backend) -> Backend:
    if not backend.is_available():
        if hasattr(backend, "install_hint"):  # pyomo: the hint depends on the solver
            raise BackendUnavailableError(backend.install_hint)
        package = _INSTALL.get(backend.name, backend.name)
        raise BackendUnavailableError(
            f"backend {backend.name!r} needs the {package!r} package: pip install {package}"
        )
    return backend


def get_backend(name: str) -> Backend:
    """The backend called ``name`` (one of :data:`NAMES`, or ``"pyomo:<solver>"``).

    Raises :class:`UsageError` for an unknown name and :class:`BackendUnavailableError` when
    its solver package is not installed.
    """
    if name not in NAMES and not name.startswith("pyomo:"):
        hint = did_you_mean(name, NAMES)
        known = ", ".join(NAMES)
        raise UsageError(f"unknown backend {name!r}{f' ({hint})' if hint else ''}; known: {known}")
    return _require(_make(name))


def available_backends(feature: Feature | None = None) -> list[str]:
    """Names of the installed backends, optionally only those declaring ``feature``."""
    backends = [_make(name) for name in NAMES]
    return [
        b.name for b in backends if b.is_available() and (feature is None or feature in b.features)
    ]


__all__ = [
    "AUTO_ENUMERATE_MAX",
    "NAMES",
    "Backend",
    "BackendSolution",
    "EnumeratingSession",
    "Feature",
    "Session",
    "SolveOptions",
    "SolveStatus",
    "available_backends",
    "get_backend",
]
