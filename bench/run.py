"""Start-up, draft and status time of copro-news, as whole processes.

Prints wall-clock medians over several runs, side by side, and each one's ratio to the
floor: the time Python takes to import typer and do nothing else. Then the part of a run
that the run-together rule spends on the English word list: loaded whole, and looked up in
its table in the cache folder.

Before timing, copro-news' own modules are compiled to bytecode, as an installed copy has
them: in a source checkout run with PYTHONDONTWRITEBYTECODE, every run would compile them
again.

The runs use a cache folder of their own (XDG_CACHE_HOME in a temporary folder), filled by
a first run that is not timed: the figures are those of every run after the first.

    make bench            # or: python bench/run.py [--runs N]
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.workspaces import make_example, make_large

ROOT = Path(__file__).resolve().parent.parent

# name: (kind, value): "ratio" to the floor, or "seconds".
AIMS = {
    "--help": ("ratio", 2.0),
    "draft (example)": ("ratio", 6.0),
    "draft (80 snippets)": ("seconds", 1.0),
    "status (sent, outbox)": ("ratio", 3.0),
}


def median_times(
    rows: list[tuple[str, list[str], Path]], runs: int, env: dict[str, str]
) -> list[tuple[str, tuple[float, float]]]:
    """Each row's median wall-clock seconds, and its median CPU seconds (user + system),
    which a busy machine disturbs less.

    The rows take turns, one run each per round, so that a change in the machine's load
    weighs on every row alike and the ratios to the floor stay fair.
    """
    for _, cmd, cwd in rows:  # warm the caches
        subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=True)
    wall: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    for _ in range(runs):
        for name, cmd, cwd in rows:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=True)
            wall[name].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return [
        (name, (statistics.median(wall[name]), statistics.median(cpu[name]))) for name, _, _ in rows
    ]


def word_list_times(cache: Path, runs: int) -> tuple[float, float]:
    """Seconds to load the whole list, and to open its table and look up 80 words."""
    from copro_news.checks import words

    sample = list(words.load_word_list())[::2000][:80]
    words.cached_english(cache)  # make the table
    whole, table = [], []
    for _ in range(runs):
        start = time.perf_counter()
        words.load_word_list()
        whole.append(time.perf_counter() - start)
        start = time.perf_counter()
        found = words.cached_english(cache)
        for word in sample:
            found.get(word)
        table.append(time.perf_counter() - start)
        assert isinstance(found, words.Table)
    return statistics.median(whole), statistics.median(table)


def sent_example(root: Path, env: dict[str, str]) -> Path:
    """The example workspace, its issue sent through the outbox: status reads a send record."""
    make_example(root)
    exe = [sys.executable, "-m", "copro_news"]
    send = [*exe, "send", "--yes", "--offline"]
    subprocess.run(send, cwd=root, env=env, check=True, capture_output=True)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "copro_news", quiet=1)
    tmp = Path(tempfile.mkdtemp(prefix="copro-news-bench-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache")}
    env.pop("COPRO_NEWS_WORKSPACE", None)
    try:
        example = make_example(tmp / "example")
        large = make_large(tmp / "large")
        sent = sent_example(tmp / "sent", env)
        exe = [sys.executable, "-m", "copro_news"]
        rows = [
            ("floor: import typer", [sys.executable, "-c", "import typer"], tmp),
            ("--help", [*exe, "--help"], tmp),
            ("draft (example)", [*exe, "draft"], example),
            ("draft (80 snippets)", [*exe, "draft"], large),
            ("status (sent, outbox)", [*exe, "status"], sent),
        ]
        results = median_times(rows, args.runs, env)
        whole, table = word_list_times(tmp / "words-cache", args.runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    floor, floor_cpu = results[0][1]
    print(f"copro-news start-up, draft and status, median of {args.runs} runs (whole process)")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; aims judged on wall")
    print(f"{'what':<24}{'wall s':>8}{'x floor':>9}{'cpu s':>8}{'x floor':>9}   aim")
    for name, (seconds, cpu) in results:
        aim = ""
        if name in AIMS:
            kind, value = AIMS[name]
            ok = (seconds / floor <= value) if kind == "ratio" else (seconds <= value)
            aim = f"{'<=' if kind == 'ratio' else '<'} {value}{'x' if kind == 'ratio' else ' s'}"
            aim += "  ok" if ok else "  MISSED"
        ratios = f"{seconds / floor:>9.2f}{cpu:>8.3f}{cpu / floor_cpu:>9.2f}"
        print(f"{name:<24}{seconds:>8.3f}{ratios}   {aim}")
    print()
    print("the run-together rule's English word list, in one process:")
    print(f"  {'loaded whole':<38}{whole * 1000:>8.1f} ms")
    print(f"  {'its table opened, 80 words looked up':<38}{table * 1000:>8.1f} ms")


if __name__ == "__main__":
    main()
