"""dealopt: exact deal finding for multi-issue negotiations.

>>> import dealopt
>>> inst = dealopt.load("instances/helsinki2018.yaml")   # doctest: +SKIP
"""

from dealopt.api import instance, load
from dealopt.errors import DealoptError, SpecError

__version__ = "0.1.0"

__all__ = ["DealoptError", "SpecError", "__version__", "instance", "load"]
