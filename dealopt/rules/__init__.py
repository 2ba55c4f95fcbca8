"""The rule language: grammar, syntax tree, name/type checking, the exact oracle, bounds.

Knows no solver. ``parse`` text into a tree, ``check`` a whole instance into a
:class:`CheckedInstance` of resolved trees, evaluate concrete deals exactly with an
:class:`Oracle`, and bound numeric expressions over all deals with :func:`bounds`.
"""

from dealopt.rules import ast
from dealopt.rules.bounds import bounds
from dealopt.rules.check import (
    CheckedInstance,
    CheckedRule,
    CheckedTerm,
    check,
    check_expression,
)
from dealopt.rules.oracle import Oracle, evaluate, table
from dealopt.rules.parser import Kind, parse
from dealopt.rules.render import render

__all__ = [
    "CheckedInstance",
    "CheckedRule",
    "CheckedTerm",
    "Kind",
    "Oracle",
    "ast",
    "bounds",
    "check",
    "check_expression",
    "evaluate",
    "parse",
    "render",
    "table",
]
