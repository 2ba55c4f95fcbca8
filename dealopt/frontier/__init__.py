"""Exact Pareto frontiers over the backend session interface (every objective maximised)."""

from dealopt.frontier.pareto import deals_at, pareto_frontier
from dealopt.frontier.result import FrontierPoint, FrontierResult

__all__ = ["FrontierPoint", "FrontierResult", "deals_at", "pareto_frontier"]
