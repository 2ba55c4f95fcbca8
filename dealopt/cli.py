"""The `dealopt` command line: a thin typer face over the library (no logic here).

Exit statuses:
  0  success (for `solve`: a result was computed, whatever its status)
  1  invalid input: an instance file or an option value is wrong (messages on stderr)
  2  bad command-line usage (unknown option, missing argument)
  3  a backend's solver package is not installed
  4  internal error: a bug in dealopt (please report it)
"""

from __future__ import annotations

import json
import sys
from contextlib import AbstractContextManager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperArgument, TyperCommand

from dealopt.errors import BackendUnavailableError, DealoptError, OracleRejectedError

if TYPE_CHECKING:
    from dealopt.progress import Progress

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_BACKEND, EXIT_INTERNAL = 0, 1, 2, 3, 4


class _Command(TyperCommand):
    """Usage lines in the usual form (``dealopt solve [OPTIONS] FILE``), not ``{file}``."""

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = (param.metavar or param.name or "").upper()
                name = name if param.required else f"[{name}]"
                pieces.append(name + ("..." if param.nargs != 1 else ""))
        return pieces


app = typer.Typer(
    name="dealopt",
    help=(
        "Find the deals negotiating parties could all accept, exactly.\n\n"
        "Exit statuses: 0 success; 1 invalid input (instance file or option value); "
        "2 bad command-line usage; 3 solver package not installed; 4 internal error (a bug)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain help: the rich panels print a type after every flag ("--help <bool>")
    rich_markup_mode=None,
    context_settings={"max_content_width": 100},
)

_state = {"debug": False}


@app.callback()
def _options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback on errors (for bug reports).")
    ] = False,
) -> None:
    _state["debug"] = debug


def _fail(exc: BaseException) -> typer.Exit:
    """One clear message on stderr and the documented exit status; traceback only on --debug."""
    if _state["debug"]:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, BackendUnavailableError):
        code = EXIT_BACKEND
    elif isinstance(exc, OracleRejectedError) or not isinstance(exc, DealoptError):
        code = EXIT_INTERNAL
        print("dealopt: internal error (a bug in dealopt; please report it):", file=sys.stderr)
    else:
        code = EXIT_INPUT
    print(str(exc) or type(exc).__name__, file=sys.stderr)
    return typer.Exit(code)


Files = Annotated[list[Path], typer.Argument(help="Instance files (YAML or JSON).")]
# Options several commands share, declared once.
BackendOption = Annotated[
    str, typer.Option("--backend", "-b", help="auto, cpsat, highs, pyomo[:SOLVER], enumerate.")
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
]
ThreadsOption = Annotated[int | None, typer.Option("--threads", help="Solver threads.")]
SeedOption = Annotated[int | None, typer.Option("--seed", help="Solver random seed.")]
SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", help="A Dask scheduler, tcp://HOST:PORT: run the work there."),
]
TopOption = Annotated[
    int,
    typer.Option(
        "--top",
        min=0,
        help="Rows of the long tables in the text output (0: all; CSV and JSON list all).",
    ),
]


@app.command(cls=_Command)
def check(files: Files) -> None:
    """Check instance files and summarise them, with each party's utility scale (no solver
    is started). Warnings about the scales do not change the exit status."""
    from dealopt.analysis.scales import scales
    from dealopt.api import load
    from dealopt.report.summary import instance_summary

    failed = False
    for path in files:
        try:
            instance = load(path)
        except DealoptError as exc:
            failed = True
            _fail(exc)
            continue
        print(instance_summary(instance, str(path), scales(instance)))
    if failed:
        raise typer.Exit(EXIT_INPUT)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command(cls=_Command)
def solve(
    file: Annotated[Path, typer.Argument(help="Instance file (YAML or JSON).")],
    backend: BackendOption = "auto",
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: OutputOption = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            "-t",
            help="Seconds of wall time for the whole command; on expiry the result is partial, "
            "still proven.",
        ),
    ] = None,
    threads: ThreadsOption = None,
    seed: SeedOption = None,
    all_deals: Annotated[
        bool, typer.Option("--all-deals", help="List every deal attaining each frontier point.")
    ] = False,
    all_deals_cap: Annotated[
        int, typer.Option("--all-deals-cap", help="At most this many deals per point.")
    ] = 100,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Also draw the frontier to this file (.png, .svg or .pdf)."),
    ] = None,
    top: TopOption = 20,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            min=1,
            help="Search the frontier on this many cores at once (default 1).",
        ),
    ] = 1,
    scheduler: SchedulerOption = None,
    zone_only: Annotated[
        bool,
        typer.Option(
            "--zone-only",
            help="Search only the zone (every party at or above its no-deal value): faster, "
            "and the frontier outside the zone is not searched (status 'zone').",
        ),
    ] = False,
) -> None:
    """Find the exact frontier, the zone of agreement and the bargaining solutions."""
    from dealopt.api import load
    from dealopt.pipeline import solve as run

    client = _dask_client(scheduler) if scheduler is not None else None
    with _progress(time_limit) as progress:
        progress.phase("reading the instance")
        instance = load(file)
        result = run(
            instance,
            backend=backend,
            threads=threads,
            seed=seed,
            all_deals=all_deals,
            all_deals_cap=all_deals_cap,
            zone_only=zone_only,
            progress=progress,
            workers=workers,
            client=client,
        )
        if plot is not None:
            from dealopt.analysis.evaluate import named_points
            from dealopt.analysis.sample import feasible_sample
            from dealopt.report.page import CLOUD_SIZE
            from dealopt.report.plot import save_plot

            progress.phase("sampling feasible deals for the plot")
            sample = feasible_sample(instance, CLOUD_SIZE, deadline=progress.deadline)
            progress.phase("drawing the plot")
            save_plot(result, plot, sample, deals=named_points(instance))
    if client is not None:
        client.close()
    if fmt is Format.json:
        text = result.to_json() + "\n"
    elif fmt is Format.csv:
        from dealopt.report.csv import result_to_csv

        text = result_to_csv(result)
    else:
        from dealopt.report.text import render

        text = render(result, top=top) + "\n"
    _emit(text, output)


REPORT_SWEEP = 500
"""Scenarios of the report's "How sure is the answer?" section."""


@app.command(cls=_Command)
def report(
    file: Annotated[Path, typer.Argument(help="Instance file (YAML or JSON).")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The HTML file to write (default: FILE's name.html)."),
    ] = None,
    backend: BackendOption = "auto",
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            "-t",
            help="Seconds of wall time for the whole report (search, explanation, named "
            "deals, plot); what runs out is marked on the page.",
        ),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain/--no-explain", help="Include `dealopt explain`'s analyses.")
    ] = True,
    sweep_samples: Annotated[
        int,
        typer.Option(
            "--sweep-samples",
            help="Scenarios for 'How sure is the answer?' when the file has an uncertainty "
            "section (0: leave it out).",
        ),
    ] = REPORT_SWEEP,
) -> None:
    """Solve and write a self-contained HTML report that opens offline in any browser."""
    from dealopt.api import load
    from dealopt.report.page import report_page

    with _progress(time_limit) as progress:
        progress.phase("reading the instance")
        instance = load(file)
        text = report_page(
            instance,
            backend=backend,
            progress=progress,
            explain=explain,
            sweep_samples=sweep_samples,
        )
    target = output or Path(file.stem + ".html")
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)


class ExplainFormat(StrEnum):
    table = "table"
    json = "json"


@app.command(cls=_Command)
def explain(
    file: Annotated[Path, typer.Argument(help="Instance file (YAML or JSON).")],
    fmt: Annotated[
        ExplainFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ExplainFormat.table,
    output: OutputOption = None,
    backend: BackendOption = "auto",
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            "-t",
            help="Seconds of wall time for the whole command; analyses not done in time are "
            "reported as not computed.",
        ),
    ] = None,
    threads: ThreadsOption = None,
    seed: SeedOption = None,
    linkage: Annotated[
        bool | None,
        typer.Option(
            "--linkage/--no-linkage",
            help="Solve each issue group alone and linked (default: when the file has groups).",
        ),
    ] = None,
    max_conflicts: Annotated[
        int, typer.Option("--max-conflicts", help="At most this many minimal conflicts.")
    ] = 5,
    top: TopOption = 20,
) -> None:
    """Explain the deal space: alignments, backbone, conflicts, red-line prices, linkage."""
    from dealopt.analysis.explain import explain as run
    from dealopt.api import load

    with _progress(time_limit) as progress:
        progress.phase("reading the instance")
        instance = load(file)
        result = run(
            instance,
            backend=backend,
            threads=threads,
            seed=seed,
            linkage_groups=linkage,
            max_conflicts=max_conflicts,
            progress=progress,
        )
        progress.phase("writing the explanation")
        text = result.to_json() if fmt is ExplainFormat.json else result.text(top=top)
    _emit(text + "\n", output)


@app.command(cls=_Command)
def evaluate(
    file: Annotated[Path, typer.Argument(help="Instance file (YAML or JSON).")],
    deal: Annotated[
        list[str] | None,
        typer.Option(
            "--deal",
            "-d",
            help="A named deal of the file, or 'issue=option, ...' (other issues: status quo). "
            "Repeat for several; default: every named deal.",
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: OutputOption = None,
    backend: BackendOption = "auto",
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            "-t",
            help="Seconds of wall time for the whole command; what it cuts short is reported "
            "as such.",
        ),
    ] = None,
    threads: ThreadsOption = None,
    seed: SeedOption = None,
) -> None:
    """Judge deals on the table: utilities, broken red lines, dominance, improvements."""
    from dealopt.analysis.evaluate import evaluate as run
    from dealopt.api import load

    with _progress(time_limit) as progress:
        progress.phase("reading the instance")
        instance = load(file)
        result = run(
            instance, deal or None, backend=backend, threads=threads, seed=seed, progress=progress
        )
    if fmt is Format.json:
        text = result.to_json() + "\n"
    elif fmt is Format.csv:
        text = result.to_csv()
    else:
        text = result.text() + "\n"
    _emit(text, output)


class SweepFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    parquet = "parquet"


class Method(StrEnum):
    mc = "mc"
    lhs = "lhs"
    sobol = "sobol"


@app.command(cls=_Command)
def sweep(
    file: Annotated[Path, typer.Argument(help="Instance file with an 'uncertainty' section.")],
    samples: Annotated[
        int,
        typer.Option(
            "--samples",
            "-n",
            help="Scenarios to draw from the uncertainty section (with --method sobol: base "
            "points of the Saltelli design, N (d + 2) scenarios for d uncertain paths).",
        ),
    ] = 1000,
    scenarios: Annotated[
        Path | None,
        typer.Option("--scenarios", help="A CSV or Parquet table of scenarios (columns: paths)."),
    ] = None,
    method: Annotated[
        Method,
        typer.Option("--method", help="Sampling method (sobol: for Sobol' sensitivity indices)."),
    ] = Method.mc,
    seed: Annotated[int, typer.Option("--seed", help="Sampling seed (same seed, same run).")] = 0,
    fmt: Annotated[
        SweepFormat,
        typer.Option(
            "--format",
            "-f",
            help="table: the summary; json: dealopt.sweep/1; csv/parquet: the experiments table.",
        ),
    ] = SweepFormat.table,
    output: OutputOption = None,
    workers: Annotated[
        int | None, typer.Option("--workers", "-w", help="Local worker processes (default: cores).")
    ] = None,
    scheduler: SchedulerOption = None,
    backend: BackendOption = "auto",
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", "-t", help="Seconds per scenario solved one by one."),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Also draw acceptability and sensitivity (.png, .svg, .pdf)."),
    ] = None,
) -> None:
    """How sure is the answer? Solve many scenarios exactly: acceptability, stability, drivers.

    Ctrl-C stops the run and reports the scenarios done so far, marked as interrupted."""
    import os

    from dealopt.api import load
    from dealopt.sweep import sweep as run

    instance = load(file)
    if fmt is SweepFormat.parquet and output is None:
        raise typer.BadParameter("--format parquet needs --output FILE")
    client = None
    if scheduler is not None:
        client = _dask_client(scheduler)
    with _progress(None) as progress:  # --time-limit is per scenario: no command deadline
        result = run(
            instance,
            samples=samples,
            scenarios=scenarios,
            method=str(method),
            seed=seed,
            workers=workers or os.cpu_count() or 1,
            client=client,
            backend=backend,
            time_limit=time_limit,
            progress=progress,
            keep_frontiers=PLOT_FRONTIERS if plot is not None else 0,
            keep_outcomes=0,  # the outputs read the compact table: no deal lists kept
        )
    if client is not None:
        client.close()
    if fmt is SweepFormat.json:
        _emit(result.to_json() + "\n", output)
    elif fmt in (SweepFormat.csv, SweepFormat.parquet):
        from dealopt.report.sweep import write_table

        text = write_table(result, str(fmt), output)
        if text is not None:
            _emit(text, output)
    else:
        _emit(result.text() + "\n", output)
    if plot is not None:
        from dealopt.report.sweep import save_sweep_plot

        save_sweep_plot(result, plot)


PLOT_FRONTIERS = 30
"""Scenario frontiers drawn over the file's own in `dealopt sweep --plot`."""


def _dask_client(address: str):
    from dealopt.errors import UsageError

    try:
        from distributed import Client
    except ImportError as exc:
        raise BackendUnavailableError(
            "--scheduler needs Dask: pip install 'dask[distributed]'"
        ) from exc
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _progress(time_limit: float | None) -> AbstractContextManager[Progress]:
    """One deadline for the whole command, and a progress bar on a terminal (not in a pipe)."""
    from dealopt.progress import Deadline
    from dealopt.report.progress_bar import terminal_progress

    return terminal_progress(Deadline(time_limit))


@app.command(cls=_Command)
def schema(
    output: OutputOption = None,
) -> None:
    """Print the JSON Schema of the instance format (for editors' validation)."""
    from dealopt.spec import json_schema

    text = json.dumps(json_schema(), indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


import_app = typer.Typer(
    help="Read scenarios of other tools as instance files.", rich_markup_mode=None
)
export_app = typer.Typer(help="Write instances as scenarios of other tools.", rich_markup_mode=None)
app.add_typer(import_app, name="import", no_args_is_help=True)
app.add_typer(export_app, name="export", no_args_is_help=True)


@import_app.command("genius", cls=_Command)
def import_genius(
    domain: Annotated[Path, typer.Argument(help="The GENIUS domain file (XML).")],
    profiles: Annotated[list[Path], typer.Argument(help="One GENIUS profile (XML) per party.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the instance (YAML) here.")
    ] = None,
    real_step: Annotated[
        str | None,
        typer.Option("--real-step", help="Discretise real-valued issues at this step."),
    ] = None,
    genius_scale: Annotated[
        bool,
        typer.Option(
            "--genius-scale",
            help="Ignore the dealopt_* attributes of files written by `dealopt export genius`.",
        ),
    ] = False,
) -> None:
    """Import a GENIUS scenario (domain + profiles) as an instance on GENIUS's own scale."""
    from dealopt.api import instance
    from dealopt.io import genius

    data = genius.to_data(domain, profiles, real_step=real_step, genius_scale=genius_scale)
    instance(data, str(domain))  # check it completely before writing anything
    _emit(genius.to_yaml_text(data, header="written by: dealopt import genius"), output)


@export_app.command("genius", cls=_Command)
def export_genius(
    file: Annotated[Path, typer.Argument(help="Instance file (YAML or JSON).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory to write into.")],
) -> None:
    """Export an additive instance as a GENIUS domain and one profile per party."""
    from dealopt.api import load
    from dealopt.io import genius

    written, notes = genius.export(load(file), output)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    for path in written:
        print(path)


def main() -> None:
    """Console entry point: run the app, turning dealopt's errors into exit statuses."""
    try:
        app()  # standalone: click reports usage errors itself, with exit status 2
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        sys.exit(_fail(exc).exit_code)


if __name__ == "__main__":
    main()
