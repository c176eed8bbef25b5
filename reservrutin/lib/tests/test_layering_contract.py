"""The import layering (docs/architecture.md) is enforced: ``lint-imports`` fails the build on
an upward import. Proven on a copy of the source with one upward import added."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_sources(target: Path) -> Path:
    shutil.copy2(ROOT / "pyproject.toml", target / "pyproject.toml")
    shutil.copytree(
        ROOT / "reservrutin",
        target / "reservrutin",
        ignore=shutil.ignore_patterns(
            "__pycache__", "static", "locale", "templates", "*.pyc", "*.mo", "*.po"
        ),
    )
    return target / "reservrutin"


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--contract", "layers"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_upward_import_breaks_the_layers_contract(tmp_path: Path) -> None:
    package = _copy_sources(tmp_path)
    clock = package / "lib" / "clock.py"
    clock.write_text(clock.read_text() + "\nfrom reservrutin.workers import loops  # upward\n")

    result = _lint(tmp_path)

    assert result.returncode != 0, result.stdout
    assert "reservrutin.lib is not allowed to import reservrutin.workers" in result.stdout
    assert "reservrutin.lib.clock -> reservrutin.workers.loops" in result.stdout


def test_a_cycle_between_two_apps_breaks_the_layers_contract(tmp_path: Path) -> None:
    package = _copy_sources(tmp_path)
    models = package / "registry" / "duty.py"
    models.write_text(models.read_text() + "\nimport reservrutin.outages.routing  # upward\n")

    result = _lint(tmp_path)

    assert result.returncode != 0, result.stdout
    assert "reservrutin.registry is not allowed to import reservrutin.outages" in result.stdout
