"""The conformance suite (``tests/conformance.py``) on every installed backend.

A backend that is not installed is skipped, not failed: ``available_backends()`` lists only
installed ones, and the MILP backends below are listed again so that a missing one shows up
as a skip.
"""

from __future__ import annotations

import pytest
from conformance import CASES, backends, check_frontier, check_optima, check_solutions

from dealopt.backends import SolveOptions, get_backend
from dealopt.errors import BackendUnavailableError

NAMES = sorted({*backends(), "cpsat", "enumerate", "highs", "pyomo"})
ONE_THREAD = SolveOptions(threads=1, seed=0)


@pytest.fixture(params=NAMES)
def backend(request):
    try:
        return get_backend(request.param)
    except BackendUnavailableError as missing:
        pytest.skip(str(missing))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_optima(backend, case):
    check_optima(backend.build(case.model, ONE_THREAD), case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_frontier(backend, case):
    check_frontier(backend.build(case.model, ONE_THREAD), case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_solutions(backend, case):
    check_solutions(backend.build(case.model, ONE_THREAD), case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_one_session_answers_everything_in_any_order(backend, case):
    # Bounds, assumptions and cuts of one call must not leak into the next.
    session = backend.build(case.model, ONE_THREAD)
    check_solutions(session, case)
    check_optima(session, case)
    check_frontier(session, case)
    check_optima(session, case)
