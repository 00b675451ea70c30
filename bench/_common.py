"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def geodata_dir() -> Path:
    """Boundary folder: argv[1], else POVMAP_GEODATA, else ../shared/geodata."""
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    return Path(os.environ.get("POVMAP_GEODATA") or ROOT.parent / "shared" / "geodata")
