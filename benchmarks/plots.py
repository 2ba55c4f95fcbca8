"""Log-log plots of the comparison: time against bundle-space size and against frontier size,
one series per method (PNG files under ``benchmarks/results/``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plot(rows: list[Any], directory: Path, mode: str) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    done = [r for r in rows if r.median_s and r.points and r.status in ("complete", "approximate")]
    methods = sorted({r.method for r in done})
    out = []
    for attr, label, stem in (
        ("bundle_space", "bundle-space size (deals)", "space"),
        ("points", "frontier size (points found)", "frontier"),
    ):
        fig, ax = plt.subplots(figsize=(7, 5))
        for k, method in enumerate(methods):
            mine = sorted((getattr(r, attr), r.median_s) for r in done if r.method == method)
            xs, ys = zip(*mine, strict=True)
            ax.plot(xs, ys, marker="os^vDPX*"[k % 8], linestyle=":", alpha=0.8, label=method)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(label)
        ax.set_ylabel("wall seconds (median)")
        ax.set_title(f"dealopt vs peers ({mode}): time vs {label.split(' (')[0]}", fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        path = directory / f"{mode}-time-vs-{stem}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        out.append(path)
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.plots CSV``: redraw the plots of the last run recorded in CSV."""
    import csv
    import sys
    from types import SimpleNamespace

    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0])
    with path.open() as f:
        rows = list(csv.DictReader(f))
    last = max((r["date"], r["time"]) for r in rows)
    run = [r for r in rows if (r["date"], r["time"]) == last]

    def num(v: str) -> float | None:
        return float(v) if v else None

    items = [
        SimpleNamespace(
            method=r["method"],
            status=r["status"],
            median_s=num(r["median_s"]),
            points=num(r["points"]),
            bundle_space=int(r["bundle_space"]),
        )
        for r in run
    ]
    for png in plot(items, path.parent, run[0]["mode"]):
        print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
