"""``dealopt report``'s work: every phase of the page under one deadline, then the page.

solve → explain → evaluate the named deals → sample the feasible cloud → HTML. The phases
share the :class:`~dealopt.progress.Progress`'s deadline, in that order: a phase that finds
it passed stops and says so on the page (a partial frontier, an explanation not computed, a
cloud left out), so ``--time-limit`` bounds the whole command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealopt.progress import Progress

if TYPE_CHECKING:
    from dealopt.spec.model import Instance

CLOUD_SIZE = 2000
"""Feasible deals drawn in grey behind a frontier plot (all of them when fewer)."""


def report_page(
    instance: Instance,
    *,
    backend: str = "auto",
    time_limit: float | None = None,
    progress: Progress | None = None,
    explain: bool = True,
    sweep_samples: int = 500,
) -> str:
    """The report page of ``instance`` as HTML text; ``progress`` (or ``time_limit``)
    bounds the whole of it. With an ``uncertainty`` section, ``sweep_samples`` scenarios
    (0: none) make the "How sure is the answer?" section."""
    from dealopt.analysis.sample import feasible_sample
    from dealopt.pipeline import solve
    from dealopt.report.html import explanation_sections, html

    progress = Progress.of(progress, time_limit)
    result = solve(instance, backend=backend, progress=progress)
    sections = None
    if explain:
        from dealopt.analysis.explain import explain as run_explain

        explanation = run_explain(instance, backend=backend, progress=progress)
        sections = explanation_sections(instance, explanation=explanation)
    evaluation = None
    if instance.deals:
        from dealopt.analysis.evaluate import evaluate

        evaluation = evaluate(instance, backend=backend, progress=progress)
    robustness = None
    if instance.uncertainty is not None and sweep_samples > 0 and not progress.deadline.passed:
        from dealopt.sweep import sweep as run_sweep

        progress.phase("sweeping the uncertain numbers")
        robustness = run_sweep(instance, samples=sweep_samples, seed=0, progress=progress)
    progress.phase("sampling feasible deals for the plot")
    sample = feasible_sample(instance, CLOUD_SIZE, deadline=progress.deadline)
    progress.phase("writing the page")
    return html(
        result,
        instance,
        sample=sample,
        explanation=sections or False,
        evaluation=evaluation or False,
        robustness=robustness,
    )
