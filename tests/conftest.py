"""The published anchors: an extra layer of tests, collected only where they are present.

Tests marked ``anchors`` read the project's copies of published benchmark data (MOIP fronts,
GENIUS scenarios) from a ``shared/anchors`` folder beside the repository. A clone has no such
folder: its own fixtures (``tests/fixtures``) cover the same code, and the anchor tests are
deselected (not skipped), with one line saying so, so that a clean clone skips nothing but
what needs an optional package.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ANCHORS = Path(__file__).resolve().parents[1].parent / "shared" / "anchors"
_dropped: list[int] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "anchors: reads the published anchors of shared/anchors (an extra layer)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ANCHORS.is_dir():
        return
    dropped = [item for item in items if item.get_closest_marker("anchors")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker("anchors")]
        _dropped.append(len(dropped))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if _dropped:
        terminalreporter.write_line(
            f"{sum(_dropped)} tests on the published anchors deselected: no shared/anchors "
            "folder beside the repository (tests/fixtures cover the same code)."
        )
