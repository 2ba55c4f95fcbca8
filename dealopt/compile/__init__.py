"""The compile layer: a checked instance as a solver-neutral integer model."""

from dealopt.compile.compiler import Decoder, compile_instance
from dealopt.compile.model import CompiledModel, Label, LinExpr

__all__ = ["CompiledModel", "Decoder", "Label", "LinExpr", "compile_instance"]
