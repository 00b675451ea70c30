"""Regenerate the embedded 2025 commune layer of Đồng Nai shipped inside povmap.

Developer tool, not part of the product's run path. It reads the MIT-licensed 2025
ward layer (thanglequoc/vietnamese-provinces-database, © 2021 Thang Le Quoc) and writes
a regenerated derivative into ``geodata/data/embedded/``:

* ``dong_nai_2025_communes.parquet`` — GeoParquet (zstd), columns ``code`` and
  ``geometry`` (EPSG:4326): the 95 units simplified *as a coverage* with
  :func:`geodata.web.simplify_coverage` at ``EMBED_TOLERANCE_M`` (every full-resolution
  boundary point stays within that distance; neighbours keep shared edges) and rounded
  to ``EMBED_DECIMALS`` decimals of a degree (about 0.1 m);
* ``dong_nai_2025_communes_web.geojson`` — the browser layer of that geometry in the
  format of :func:`geodata.web.cached_web_layer` (``code`` only; tolerance
  :data:`geodata.web.DEFAULT_TOLERANCE_M`), so setup seeds the web cache without
  computing it;
* ``SHA256SUMS`` — sha256 of both files (checked by ``tests/test_embedded.py``).

``ATTRIBUTION.md`` beside them is written by hand (MIT notice and upstream credit).
Run from the repository root::

    .venv/bin/python geodata/data/build_embedded_2025.py [path/to/dong_nai_2025_wards.gpkg]

The default source is ``$POVMAP_GEODATA/new_2025/dong_nai_2025_wards.gpkg``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import geopandas as gpd
import pyogrio

from geodata.web import DEFAULT_TOLERANCE_M, simplify_coverage

EMBED_TOLERANCE_M = 5.0
EMBED_DECIMALS = 6
OUT = Path(__file__).resolve().parent / "embedded"
LAYER = "dong_nai_2025_communes.parquet"
WEB = "dong_nai_2025_communes_web.geojson"
SUMS = "SHA256SUMS"


def default_source() -> Path:
    """``$POVMAP_GEODATA/new_2025/dong_nai_2025_wards.gpkg`` (``../shared/geodata``)."""
    root = Path(os.environ.get("POVMAP_GEODATA", "../shared/geodata"))
    return root / "new_2025" / "dong_nai_2025_wards.gpkg"


def build(source: Path, out: Path = OUT) -> dict[str, str]:
    """Write the embedded layer, its web layer and their sha256; return the sums."""
    raw = pyogrio.read_dataframe(source, layer="wards")
    frame = gpd.GeoDataFrame(
        {"code": raw["ward_code"].astype(str)}, geometry=raw.geometry.to_numpy(),
        crs=raw.crs,
    ).to_crs(4326).sort_values("code").reset_index(drop=True)
    if len(frame) != 95 or frame["code"].duplicated().any():
        raise SystemExit(f"{source}: expected 95 distinct ward codes, got {len(frame)}")
    embedded = simplify_coverage(frame, EMBED_TOLERANCE_M, decimals=EMBED_DECIMALS)
    out.mkdir(parents=True, exist_ok=True)
    embedded.to_parquet(out / LAYER, compression="zstd", index=False)
    shipped = gpd.read_parquet(out / LAYER)
    web = simplify_coverage(shipped, DEFAULT_TOLERANCE_M)
    features = [
        {"type": "Feature", "properties": {"code": code},
         "geometry": json.loads(gpd.GeoSeries([geom]).to_json())["features"][0]["geometry"]}
        for code, geom in zip(web["code"], web.geometry, strict=True)
    ]
    payload = {"type": "FeatureCollection", "features": features}
    (out / WEB).write_bytes(json.dumps(payload, separators=(",", ":")).encode())
    sums = {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in (LAYER, WEB)}
    (out / SUMS).write_text("".join(f"{h}  {n}\n" for n, h in sums.items()), encoding="utf-8")
    for name in (LAYER, WEB):
        print(f"{name}: {(out / name).stat().st_size:,} bytes, sha256 {sums[name]}")
    return sums


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else default_source())
