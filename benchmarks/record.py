"""The machine a run happens on, result rows, the CSV they go to and the markdown tables.

Every row carries the machine, the commit and the 1-minute load average when the case
started: the machines this project runs on are shared, and a loaded machine explains a slow
number better than a guess afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.metadata
import os
import platform
import re
import statistics
import subprocess
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    mem_gib: float
    python: str
    system: str
    commit: str
    packages: str

    @property
    def slug(self) -> str:
        words = re.sub(r"\([^)]*\)", "", self.cpu).lower()
        words = re.sub(r"[^a-z0-9]+", "-", words).strip("-")
        return f"{words}-{self.cores}c-{round(self.mem_gib)}g"

    def describe(self) -> str:
        return (
            f"{self.cpu}, {self.cores} cores, {self.mem_gib:.1f} GiB; Python {self.python} on "
            f"{self.system}; {self.packages}; commit {self.commit}"
        )


@cache
def machine() -> Machine:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    mem = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 2**20
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for name in ("ortools", "numpy", "negmas"):
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return Machine(
        cpu=cpu,
        cores=cores or 1,
        mem_gib=mem,
        python=platform.python_version(),
        system=f"{platform.system()} {platform.release()}",
        commit=_commit(),
        packages=", ".join(versions),
    )


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "dealopt"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}+dirty" if dirty else head


def load1() -> float:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return -1.0


@dataclass
class Row:
    """One measured case."""

    benchmark: str
    case: str
    backend: str = ""
    threads: str = ""
    repeats: int = 0
    median_s: float | None = None
    min_s: float | None = None
    cpu_s: float | None = None
    points: int | None = None
    zone: int | None = None
    solver_calls: int | None = None
    status: str = ""
    target: str = ""
    met: str = ""
    ratio: str = ""
    note: str = ""
    load1: float = field(default_factory=load1)


HEADER = [
    "date",
    "time",
    "machine",
    "cpu",
    "cores",
    "mem_gib",
    "python",
    "commit",
    "mode",
    *(f.name for f in fields(Row)),
]


def write(
    rows: list[Row], mode: str, directory: Path = RESULTS, started: dt.datetime | None = None
) -> Path:
    """Append ``rows`` to ``<directory>/<date>-<machine>[-quick].csv``, dated by the run's
    start (so a run past midnight stays in one file); returns the path."""
    m = machine()
    now = dt.datetime.now()
    suffix = "" if mode == "full" else f"-{mode}"
    path = directory / f"{started or now:%Y-%m-%d}-{m.slug}{suffix}.csv"
    directory.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with path.open("a", newline="") as f:
        out = csv.writer(f)
        if new:
            out.writerow(HEADER)
        for row in rows:
            common = [
                f"{now:%Y-%m-%d}",
                f"{now:%H:%M:%S}",
                m.slug,
                m.cpu,
                m.cores,
                f"{m.mem_gib:.1f}",
                m.python,
                m.commit,
                mode,
            ]
            values = ["" if v is None else v for v in asdict(row).values()]
            out.writerow(common + [_fmt(v) for v in values])
    return path


def _fmt(v: object) -> object:
    return f"{v:.4f}" if isinstance(v, float) else v


def seconds(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v:.3f}" if v < 10 else f"{v:.1f}"


def median(values: list[float]) -> float:
    return statistics.median(values)


def table(header: list[str], lines: list[list[object]]) -> str:
    """A markdown table; numbers right-aligned."""

    def cell(v: object) -> str:
        return "-" if v is None or v == "" else str(v)

    body = [[cell(v) for v in line] for line in lines]
    numeric = [
        all(re.fullmatch(r"[-+]?[0-9.,×<≤ ]+[sx×]?|-", line[i]) for line in body) and body
        for i in range(len(header))
    ]
    rule = ["---:" if n else "---" for n in numeric]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    out += ["| " + " | ".join(line) + " |" for line in body]
    return "\n".join(out)
