"""The five seed routines for the demo: imported and put in force."""

from __future__ import annotations

from pathlib import Path

from reservrutin.routines.actions import approve_version, import_routine
from reservrutin.routines.models import RoutineVersion

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
SEED_FILES = (
    "sesam-lmn.yaml",
    "sesam-s2.yaml",
    "treserva-tes.yaml",
    "lifecare-sp.yaml",
    "soderkoping-lifecare-phoniro.yaml",
)


def seed_paths() -> list[Path]:
    return [SEEDS_DIR / name for name in SEED_FILES]


def load_demo() -> list[RoutineVersion]:
    """Import and approve every seed routine (safe to run again: identical text is not
    imported twice). Needs the demo registry catalog loaded first, since routines name its
    keys; raises ``RoutineRejected`` otherwise."""
    versions = []
    for path in seed_paths():
        imported = import_routine(path.read_bytes(), filename=f"seeds/{path.name}", by=None)
        versions.append(approve_version(imported.version, by=None))
    return versions
