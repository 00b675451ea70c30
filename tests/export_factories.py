"""Small factories shared by the export tests (observations, provenance, boundaries)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from geodata.boundaries import load_boundaries
from povcore.config import settings
from povcore.units import registry
from povexport.provenance import Provenance

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = ROOT / "test-artefacts"
POVMAP = Path(sys.executable).with_name("povmap")
TODAY = dt.date(2026, 11, 27)


def ramp_obs(year: int = 2025, version: str = "2025") -> pd.DataFrame:
    """Every unit of ``version``: 1,000 households, unit i (by code order) has i poor.

    So poor_rate is 0.0, 0.1, 0.2, … % in code order.
    """
    codes = sorted(registry("75").units(version, "commune")["code"].astype(str))
    rows = []
    for i, code in enumerate(codes):
        rows += [(code, version, year, "total_households", 1000.0),
                 (code, version, year, "poor", float(i))]
    return pd.DataFrame(rows, columns=["unit_code", "boundary_version", "year", "indicator",
                                       "value"])


def provenance(demo: bool = False, approximate: bool = False,
               version: str = "2025") -> Provenance:
    return Provenance("ket_qua_ra_soat_2025.xlsx", "2026-11-20T08:15:00+00:00", 1, demo,
                      version, "tệp thử / test layer", approximate, TODAY)


def offline_boundaries(tmp: Path, version: str = "2025", level: str = "commune"):
    """Approximate boundaries (no boundary files in reach)."""
    cfg = settings({"POVMAP_DATA_DIR": str(tmp / "data"), "POVMAP_GEODATA": str(tmp / "none")})
    return load_boundaries(version, level, cfg)  # type: ignore[arg-type]


def run_povmap(env: dict[str, str], *args: str, check: bool = True,
               cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(POVMAP), *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=600, cwd=cwd)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_first_page_png(pdf: Path, png: Path, dpi: int = 60) -> None:
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(png.with_suffix(""))], check=True)
