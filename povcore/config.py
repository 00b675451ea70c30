"""Configuration from environment variables (documented in the README).

| variable | meaning | default |
|---|---|---|
| ``POVMAP_DATA_DIR`` | folder of the embedded store and caches | ``./data`` |
| ``POVMAP_GEODATA`` | folder of boundary files to read | ``$POVMAP_DATA_DIR/geodata`` |
| ``POVMAP_PROVINCE`` | GSO code of the province | ``75`` (Đồng Nai) |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Resolved configuration; build it with :func:`settings`."""

    data_dir: Path
    geodata_dir: Path
    province: str

    @property
    def store_path(self) -> Path:
        """The single embedded store file (a GeoPackage)."""
        return self.data_dir / "povmap.gpkg"

    @property
    def cache_dir(self) -> Path:
        """Derived, re-creatable files (normalised and simplified boundaries)."""
        return self.data_dir / "cache"


def settings(env: dict[str, str] | None = None) -> Settings:
    """Read the configuration from ``env`` (default: the process environment).

    >>> s = settings({"POVMAP_DATA_DIR": "/tmp/x"})
    >>> str(s.geodata_dir), s.province
    ('/tmp/x/geodata', '75')
    """
    env = dict(os.environ) if env is None else env
    data_dir = Path(env.get("POVMAP_DATA_DIR") or "data")
    geodata = env.get("POVMAP_GEODATA") or str(data_dir / "geodata")
    return Settings(
        data_dir=data_dir,
        geodata_dir=Path(geodata),
        province=env.get("POVMAP_PROVINCE") or "75",
    )
