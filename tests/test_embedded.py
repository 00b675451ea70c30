"""The 2025 layer shipped inside povmap: integrity, licence, and use with no boundary files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import shapely

from geodata.boundaries import (
    APPROXIMATE_LABEL_VI,
    boundaries_status,
    load_boundaries,
    precompute,
    web_layer_key,
)
from geodata.embedded import (
    EMBEDDED_LABEL,
    embedded_2025,
    embedded_dir,
    verify_embedded,
    web_compute,
)
from geodata.web import DEFAULT_TOLERANCE_M, cached_web_layer, simplify_coverage
from povcore.config import settings

SHIPPED = ("dong_nai_2025_communes.parquet", "dong_nai_2025_communes_web.geojson")


@pytest.fixture
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """POVMAP_GEODATA pointing to an empty folder, a fresh data folder."""
    empty = tmp_path / "geodata"
    empty.mkdir()
    monkeypatch.setenv("POVMAP_GEODATA", str(empty))
    monkeypatch.setenv("POVMAP_DATA_DIR", str(tmp_path / "data"))
    return empty


def test_shipped_files_match_their_recorded_sha256_and_stay_small() -> None:
    checks = verify_embedded()
    assert set(checks) == set(SHIPPED)
    assert all(checks.values())
    for name in SHIPPED:
        assert (embedded_dir() / name).stat().st_size < 1_200_000  # well under 2 MB


def test_sha256_check_fails_on_a_changed_byte(tmp_path: Path) -> None:
    sums = (embedded_dir() / "SHA256SUMS").read_text(encoding="utf-8")
    digest = {line.split()[1]: line.split()[0] for line in sums.splitlines()}
    data = bytearray((embedded_dir() / SHIPPED[1]).read_bytes())
    data[100] ^= 1
    assert hashlib.sha256(bytes(data)).hexdigest() != digest[SHIPPED[1]]


def test_attribution_beside_the_data() -> None:
    text = (embedded_dir() / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "Copyright (c) 2021 Thang Le Quoc" in text
    assert "thanglequoc/vietnamese-provinces-database" in text
    assert "sapnhap.bando.com.vn" in text
    assert "Permission is hereby granted, free of charge" in text


def test_embedded_layer_is_a_clean_coverage_of_95_units() -> None:
    frame = embedded_2025()
    assert len(frame) == 95
    assert frame["code"].is_unique
    assert frame.crs.to_epsg() == 4326
    assert shapely.coverage_is_valid(frame.geometry.values)
    # ../shared/geodata README §5: 12,740.9 km² in EPSG:32648 at full resolution.
    assert frame.to_crs(32648).area.sum() / 1e6 == pytest.approx(12_740.9, abs=0.5)


def test_empty_geodata_folder_loads_the_embedded_2025_layer(offline: Path) -> None:
    b = load_boundaries("2025", "commune", settings())
    assert (len(b.frame), b.approximate, b.source) == (95, False, EMBEDDED_LABEL)
    assert b.report.issues == []
    status = boundaries_status(settings())
    assert status["2025"] == {"source": EMBEDDED_LABEL, "approximate": False,
                              "files": [str(embedded_dir() / SHIPPED[0])]}
    assert status["2021"]["approximate"] is True


def test_empty_geodata_folder_2021_approximations_follow_the_2025_outline(offline: Path
                                                                          ) -> None:
    b = load_boundaries("2021", "commune", settings())
    assert (len(b.frame), b.approximate) == (281, True)
    assert APPROXIMATE_LABEL_VI in b.report.issues[0].message
    real = shapely.union_all(embedded_2025().to_crs(32648).geometry.values)
    approx = shapely.union_all(b.frame.to_crs(32648).geometry.values)
    assert shapely.symmetric_difference(real, approx).area < 10_000  # m², of 12,735 km²


@pytest.mark.realdata
def test_reference_copy_comes_before_the_embedded_layer(shared_geodata: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.setenv("POVMAP_GEODATA", str(shared_geodata))
    monkeypatch.setenv("POVMAP_DATA_DIR", str(tmp_path))
    assert boundaries_status(settings())["2025"]["source"].endswith("bản sao / copy")


@pytest.mark.realdata
def test_shipped_files_are_not_copies_of_the_shared_files(shared_geodata: Path) -> None:
    ours = {hashlib.sha256((embedded_dir() / n).read_bytes()).hexdigest() for n in SHIPPED}
    theirs = {hashlib.sha256(p.read_bytes()).hexdigest()
              for p in (shared_geodata / "new_2025").iterdir()}
    assert not ours & theirs


def test_shipped_web_layer_equals_the_computed_one() -> None:
    frame = embedded_2025()
    shipped = web_compute(frame, DEFAULT_TOLERANCE_M)
    computed = simplify_coverage(frame, DEFAULT_TOLERANCE_M)
    assert shapely.equals_exact(shipped.geometry.values, computed.geometry.values, 0).all()
    # Any other geometry or parameter is simplified, not taken from the package.
    other = web_compute(frame, 60.0)
    assert not shapely.equals_exact(other.geometry.values, shipped.geometry.values, 0).all()


def test_precompute_fills_the_caches_the_app_reads(offline: Path) -> None:
    lines = list(precompute(settings()))
    assert len(lines) == 5  # 2021 and 2024 × (district, commune), 2025 commune

    def miss(*args: object, **kwargs: object) -> None:
        raise AssertionError("web layer not in the cache")

    for version, level in (("2025", "commune"), ("2021", "commune"), ("2024", "district")):
        b = load_boundaries(version, level, settings())
        # As dashboard/data.py asks for it: <cache>/web, key "<version>_<level>".
        web = cached_web_layer(b.frame, settings().cache_dir / "web",
                               web_layer_key(version, level), compute=miss)
        assert len(web) == len(b.frame)
    assert web_layer_key("2025", "commune") == "2025_commune"
