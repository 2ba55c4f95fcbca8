"""dealopt: exact deal finding for multi-issue negotiations.

>>> import dealopt
>>> result = dealopt.solve(dealopt.load("instances/helsinki2018.yaml"))  # doctest: +SKIP
>>> result.solution("nash").deal                                         # doctest: +SKIP
"""

from typing import TYPE_CHECKING, Any

from dealopt.api import instance, load
from dealopt.errors import DealoptError, SpecError

if TYPE_CHECKING:
    from dealopt.analysis.evaluate import Evaluation, evaluate
    from dealopt.pipeline import solve
    from dealopt.result import FrontierDeal, Result, Status
    from dealopt.sweep import sweep
    from dealopt.sweep.result import SweepResult

__version__ = "0.1.0"

__all__ = [
    "DealoptError",
    "Evaluation",
    "FrontierDeal",
    "Result",
    "SpecError",
    "Status",
    "SweepResult",
    "__version__",
    "evaluate",
    "instance",
    "load",
    "solve",
    "sweep",
]

_LAZY = {
    "evaluate": "dealopt.analysis.evaluate",
    "Evaluation": "dealopt.analysis.evaluate",
    "solve": "dealopt.pipeline",
    "Result": "dealopt.result",
    "FrontierDeal": "dealopt.result",
    "Status": "dealopt.result",
    "sweep": "dealopt.sweep",
    "SweepResult": "dealopt.sweep.result",
}


def __getattr__(name: str) -> Any:
    # The solving half loads on first use, so `dealopt check` never pays for it.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'dealopt' has no attribute {name!r}")
