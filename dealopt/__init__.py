"""dealopt: exact deal finding for multi-issue negotiations.

>>> import dealopt
>>> result = dealopt.solve(dealopt.load("instances/helsinki2018.yaml"))  # doctest: +SKIP
>>> result.solution("nash").deal                                         # doctest: +SKIP
"""

import typing as _typing

from dealopt.api import instance, load
from dealopt.errors import DealoptError, SpecError

if _typing.TYPE_CHECKING:
    from dealopt.analysis.evaluate import evaluate
    from dealopt.analysis.explain import explain
    from dealopt.evaluation import Evaluation
    from dealopt.explanation import Explanation
    from dealopt.pipeline import solve
    from dealopt.result import FrontierDeal, Result, Status
    from dealopt.spec.model import Instance
    from dealopt.sweep import sweep
    from dealopt.sweep.result import SweepResult

__version__ = "0.1.0"

__all__ = [
    "DealoptError",
    "Evaluation",
    "Explanation",
    "FrontierDeal",
    "Instance",
    "Result",
    "SpecError",
    "Status",
    "SweepResult",
    "__version__",
    "evaluate",
    "explain",
    "instance",
    "load",
    "solve",
    "sweep",
]

_LAZY = {
    "evaluate": "dealopt.analysis.evaluate",
    "Evaluation": "dealopt.evaluation",
    "explain": "dealopt.analysis.explain",
    "Explanation": "dealopt.explanation",
    "Instance": "dealopt.spec.model",
    "solve": "dealopt.pipeline",
    "Result": "dealopt.result",
    "FrontierDeal": "dealopt.result",
    "Status": "dealopt.result",
    "sweep": "dealopt.sweep",
    "SweepResult": "dealopt.sweep.result",
}


def __dir__() -> list[str]:
    # the public API (loaded lazily, so absent from the module's namespace until used)
    return sorted(__all__)


def __getattr__(name: str) -> _typing.Any:
    # The solving half loads on first use, so `dealopt check` never pays for it.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'dealopt' has no attribute {name!r}")
