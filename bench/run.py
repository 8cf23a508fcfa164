"""Start-up and draft time of copro-news, as whole processes.

Prints wall-clock medians over several runs, side by side, and each one's ratio to the
floor: the time Python takes to import typer and do nothing else.

    make bench            # or: python bench/run.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.workspaces import make_example, make_large

AIMS = {
    "--help": ("ratio", 2.0),
    "draft (example)": ("seconds", 0.6),
    "draft (80 snippets)": ("seconds", 1.0),
}


def median_time(cmd: list[str], cwd: Path, runs: int) -> float:
    subprocess.run(cmd, cwd=cwd, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="copro-news-bench-"))
    try:
        example = make_example(tmp / "example")
        large = make_large(tmp / "large")
        exe = [sys.executable, "-m", "copro_news"]
        rows = [
            ("floor: import typer", [sys.executable, "-c", "import typer"], tmp),
            ("--help", [*exe, "--help"], tmp),
            ("draft (example)", [*exe, "draft"], example),
            ("draft (80 snippets)", [*exe, "draft"], large),
        ]
        results = [(name, median_time(cmd, cwd, args.runs)) for name, cmd, cwd in rows]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    floor = results[0][1]
    print(f"copro-news start-up and draft, median of {args.runs} runs (whole process)")
    print(f"{'what':<24}{'seconds':>10}{'x floor':>10}   aim")
    for name, seconds in results:
        aim = ""
        if name in AIMS:
            kind, value = AIMS[name]
            ok = (seconds / floor <= value) if kind == "ratio" else (seconds <= value)
            aim = f"{'<=' if kind == 'ratio' else '<'} {value}{'x' if kind == 'ratio' else ' s'}"
            aim += "  ok" if ok else "  MISSED"
        print(f"{name:<24}{seconds:>10.3f}{seconds / floor:>10.2f}   {aim}")


if __name__ == "__main__":
    main()
