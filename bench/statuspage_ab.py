"""A/B benchmark of the uncached status page: an older commit against the working tree.

One machine's speed drifts over an hour (docs/benchmarks.md), so a change to the render is
judged by alternating the two versions close together, not by comparing with an old table.
Builds the benchmark database with ``bench/statuspage.py``'s data, checks ``COMMIT`` out in
a temporary worktree, and runs each version in turn under ``reservrutin serve`` (2 workers,
default threads, dummy cache, no freshness window), loaded by wrk. Not a test.

Usage (needs wrk; PostgreSQL on 127.0.0.1:5432; both versions must share the schema):
    .venv/bin/python bench/statuspage_ab.py COMMIT [--rounds 3] [--duration 15]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import statuspage as bench  # bench/statuspage.py


def measure(tree: Path, duration: int) -> str:
    # With the tree first on the path, the server imports that version while using this
    # checkout's environment.
    proc = bench.serve(
        {
            "PYTHONPATH": str(tree),
            "CACHE_BACKEND": "django.core.cache.backends.dummy.DummyCache",
            "STATUSPAGE_FRESH_MS": "0",
        }
    )
    url = f"http://127.0.0.1:{bench.PORT}/status/bench/"
    try:
        bench.wrk(url, 3, 64)  # warm-up
        return bench.wrk(url, duration, 64)["rps"]
    finally:
        bench.stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("commit")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=15)
    args = parser.parse_args()
    bench.prepare()
    old = Path(tempfile.mkdtemp()) / "old"
    subprocess.run(
        ["git", "worktree", "add", "--detach", "-q", str(old), args.commit],
        cwd=bench.ROOT,
        check=True,
    )
    try:
        print(f"| round | {args.commit[:10]} | working tree |\n|---|---|---|")
        for i in range(1, args.rounds + 1):
            before = measure(old, args.duration)
            after = measure(bench.ROOT, args.duration)
            print(f"| {i} | {before} | {after} |", flush=True)
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(old)], cwd=bench.ROOT, check=False
        )


if __name__ == "__main__":
    main()
