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
from pathlib import Path
from typing import Annotated

import typer

from dealopt.errors import BackendUnavailableError, DealoptError, OracleRejectedError

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_BACKEND, EXIT_INTERNAL = 0, 1, 2, 3, 4

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


@app.command()
def check(files: Files) -> None:
    """Check instance files and summarise them (no solver is started)."""
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
        print(instance_summary(instance, str(path)))
    if failed:
        raise typer.Exit(EXIT_INPUT)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
    ] = None,
) -> None:
    """Print the JSON Schema of the instance format (for editors' validation)."""
    from dealopt.spec import json_schema

    text = json.dumps(json_schema(), indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


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
