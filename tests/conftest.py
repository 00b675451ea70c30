"""Shared fixtures. Real boundaries come from POVMAP_GEODATA (../shared/geodata)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _shared_geodata() -> Path | None:
    env = os.environ.get("POVMAP_GEODATA")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[1].parent / "shared" / "geodata")
    for path in candidates:
        if (path / "new_2025").is_dir():
            return path
    return None


@pytest.fixture(scope="session")
def shared_geodata() -> Path:
    """The developers' real boundary folder; absent locally → skip, absent in CI → fail."""
    path = _shared_geodata()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("POVMAP_GEODATA is not set and ../shared/geodata is missing in CI")
        pytest.skip("real boundaries not found: set POVMAP_GEODATA to ../shared/geodata")
    return path


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh POVMAP_DATA_DIR for one test."""
    d = tmp_path / "data"
    monkeypatch.setenv("POVMAP_DATA_DIR", str(d))
    return d
