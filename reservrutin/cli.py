"""The ``reservrutin`` console command.

``reservrutin serve`` runs the production web server (granian, see docs/operations.md);
every other sub-command is a Django management command (``demo``, ``worker``,
``routine validate FILE``, ``migrate`` …).
"""

from __future__ import annotations

import os
import sys


def serve(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="reservrutin serve")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
    # Threads per worker process. Renders are CPU-bound and share the process's GIL: on two
    # cores, two threads answered uncached status pages ~20 % faster than four
    # (docs/benchmarks.md), and still let a slow PDF run beside a page.
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "2")))
    args = parser.parse_args(argv)
    _metrics_directory()
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        "reservrutin.wsgi:application",
        address=args.host,
        port=args.port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=args.threads,
        backpressure=128,
    ).serve()
    return 0


def _metrics_directory() -> None:
    """Several web processes: prometheus-client's multiprocess mode keeps each process's
    counters in files in ``PROMETHEUS_MULTIPROC_DIR``; it must be set before any worker
    process imports prometheus-client, and emptied when the server starts."""
    import shutil
    import tempfile

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        directory = os.path.join(tempfile.gettempdir(), f"reservrutin-metrics-{os.getpid()}")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reservrutin.settings")
    if argv[:1] == ["serve"]:
        return serve(argv[1:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["reservrutin", *argv])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
