"""Boundary downloads against real HTTP servers on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import hashlib
import itertools
import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from geodata.fetch import (
    BOUNDARY_VERSIONS,
    LOCK_NAME,
    MIRROR_ENV,
    Source,
    attribution_text,
    fetch_sources,
    load_manifest,
    network_available,
)
from povcore.errors import PovmapError

if TYPE_CHECKING:
    from conftest import Server

COMMIT = "cd58063299585146ded3981f2272946ef19ced54"
RAW = f"https://raw.githubusercontent.com/thanglequoc/vietnamese-provinces-database/{COMMIT}/"
WARDS = "json/geojson/75_dong_nai/wards"
GADM_PATH = "gadm4.1/json/gadm41_VNM_3.json.zip"
WARD_NAMES = [
    "25195_binh_phuoc", "25210_dong_xoai", "25217_phuoc_long", "25220_phuoc_binh",
    "25222_bu_gia_map", "25225_dak_o", "25231_da_kia", "25246_binh_tan", "25252_phu_rieng",
    "25255_long_ha", "25261_phu_trung", "25267_phu_nghia", "25270_loc_ninh", "25279_loc_tan",
    "25280_loc_thanh", "25292_loc_quang", "25294_loc_thanh", "25303_loc_hung",
    "25308_thien_hung", "25309_hung_phuoc", "25318_tan_tien", "25326_binh_long",
    "25333_an_loc", "25345_tan_hung", "25349_minh_duc", "25351_tan_quan", "25357_tan_khai",
    "25363_dong_phu", "25378_tan_loi", "25387_thuan_loi", "25390_dong_tam", "25396_bu_dang",
    "25399_dak_nhau", "25402_tho_son", "25405_bom_bo", "25417_nghia_trung", "25420_phuoc_son",
    "25432_chon_thanh", "25441_minh_hung", "25450_nha_bich", "25993_trang_dai", "26005_ho_nai",
    "26017_tam_hiep", "26020_long_binh", "26041_tran_bien", "26068_bien_hoa",
    "26080_long_khanh", "26089_binh_loc", "26098_bao_vinh", "26104_xuan_lap", "26113_hang_gon",
    "26116_tan_phu", "26119_dak_lua", "26122_nam_cat_tien", "26134_ta_lai", "26158_phu_lam",
    "26170_tri_an", "26173_phu_ly", "26179_tan_an", "26188_tan_trieu", "26206_dinh_quan",
    "26209_thanh_son", "26215_phu_vinh", "26221_phu_hoa", "26227_la_nga", "26248_trang_bom",
    "26254_bau_ham", "26278_binh_minh", "26281_hung_thinh", "26296_an_vien",
    "26299_thong_nhat", "26311_gia_kiem", "26326_dau_giay", "26332_xuan_que", "26341_cam_my",
    "26347_xuan_duong", "26359_xuan_dong", "26362_song_ray", "26368_long_thanh",
    "26374_tam_phuoc", "26377_phuoc_tan", "26380_long_hung", "26383_an_phuoc", "26389_binh_an",
    "26413_long_phuoc", "26422_phuoc_thai", "26425_xuan_loc", "26428_xuan_bac",
    "26434_xuan_thanh", "26446_xuan_hoa", "26458_xuan_phu", "26461_xuan_dinh",
    "26485_nhon_trach", "26491_dai_phuoc", "26503_phuoc_an",
]


# --- local servers ------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _offline_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy may reroute 127.0.0.1 requests, and no mirror leaks in from the shell."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                 "all_proxy", MIRROR_ENV):
        monkeypatch.delenv(name, raising=False)


def _geojson(code: str, size: int = 1) -> bytes:
    """A small FeatureCollection: one square ward, optionally padded with extra vertices."""
    x, y = 107.0 + int(code[-2:]) * 0.01, 11.0
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01]]
    ring += [[x, y + 0.01 - i * 1e-7] for i in range(1, size)]
    ring.append([x, y])
    feature = {"type": "Feature", "properties": {"ward_code": code},
               "geometry": {"type": "Polygon", "coordinates": [ring]}}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_manifest(tmp_path: Path, files: list[tuple[str, str]], *, key: str = "test-2025",
                    requires_acceptance: bool = False) -> Path:
    rows = ",\n".join(f'  {{ path = "{p}", sha256 = "{h}" }}' for p, h in files)
    text = f"""schema = 1
province = "75"

[[sources]]
key = "{key}"
version = "2025"
kind = "geojson-wards"
title = "Test wards"
licence = "MIT"
homepage = "https://example.invalid/"
attribution_vi = "Ranh giới thử"
attribution_en = "Test boundaries"
requires_acceptance = {str(requires_acceptance).lower()}
instructions_vi = "Tải {{url}} về {{path}}"
instructions_en = "Download {{url}} to {{path}}"
url_prefix = "https://example.invalid/never-used"
files = [
{rows}
]
"""
    path = tmp_path / "manifest.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def mirror(tmp_path: Path, serve: Callable[[Path], Server]) -> Server:
    """A fake upstream tree with three generated wards and a fake GADM zip."""
    root = tmp_path / "mirror"
    wards = root / WARDS
    wards.mkdir(parents=True)
    for name in WARD_NAMES[:3]:
        (wards / f"{name}.geojson").write_bytes(_geojson(name[:5]))
    (root / GADM_PATH).parent.mkdir(parents=True)
    (root / GADM_PATH).write_bytes(b"PK\x05\x06" + bytes(18))
    return serve(root)


def _only(sources: list[Source], key: str) -> list[Source]:
    return [s for s in sources if s.key == key]


# --- the real manifest --------------------------------------------------------------


def test_real_manifest_lists_95_pinned_wards_and_gadm() -> None:
    sources = load_manifest()
    assert [s.key for s in sources] == ["thanglequoc-2025", "gadm41-2021"]
    wards, gadm = sources
    assert sum(len(s.files) for s in sources) == 96
    assert len(wards.files) == 95
    names = [Path(f.path).name for f in wards.files]
    assert sorted(names) == sorted(f"{n}.geojson" for n in WARD_NAMES)
    assert {n[:5] for n in names} == {n[:5] for n in WARD_NAMES}
    assert len({n[:5] for n in names}) == 95
    assert all(f.url == f"{RAW}{WARDS}/{Path(f.path).name}" for f in wards.files)
    assert all(f.url.startswith("https://") for s in sources for f in s.files)
    assert all(f.sha256 == "" for f in wards.files)
    assert (wards.version, wards.licence.split()[0], wards.requires_acceptance) == (
        "2025", "MIT", False)
    assert gadm.files[0].url == "https://geodata.ucdavis.edu/gadm/gadm4.1/json/gadm41_VNM_3.json.zip"
    assert (gadm.version, gadm.requires_acceptance) == ("2021", True)
    assert gadm.licence.startswith("GADM: free for academic and other non-commercial use")
    assert "non-commercial" in gadm.attribution.en
    assert "phi thương mại" in gadm.attribution.vi


def test_manifest_codes_are_the_registry_2025_units() -> None:
    """Each ward file is ``<code>_<name>``: the code and name of one registry 2025 unit."""
    from povcore.names import fold, strip_type
    from povcore.units import registry

    units = registry().units("2025")
    expected = {code: fold(strip_type(name)) for code, name in zip(
        units["code"], units["name"], strict=True)}
    stems = [Path(f.path).stem for f in load_manifest()[0].files]
    found = {stem[:5]: stem[6:].replace("_", "") for stem in stems}
    assert len(stems) == len(found) == len(expected) == 95
    assert found == expected
    assert (found["26068"], found["25225"], found["26503"]) == ("bienhoa", "dako", "phuocan")
    assert BOUNDARY_VERSIONS == ("2021", "2024", "2025")


def test_mirror_replaces_every_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = load_manifest(base_url="http://127.0.0.1:9/m/")
    assert sources[0].files[0].url == f"http://127.0.0.1:9/m/{WARDS}/25195_binh_phuoc.geojson"
    assert sources[1].files[0].url == f"http://127.0.0.1:9/m/{GADM_PATH}"
    monkeypatch.setenv(MIRROR_ENV, "file:///srv/povmap-mirror")
    assert load_manifest()[1].files[0].url == f"file:///srv/povmap-mirror/{GADM_PATH}"
    monkeypatch.setenv(MIRROR_ENV, "ftp://127.0.0.1/x")
    with pytest.raises(PovmapError, match="ftp"):
        load_manifest()


def test_attribution_text_names_licences_and_upstream() -> None:
    text = attribution_text(load_manifest())
    lines = text.splitlines()
    assert len(lines) == 2
    assert "MIT" in lines[0]
    assert "sapnhap.bando.com.vn" in lines[0]
    assert "Thang Le Quoc" in lines[0]
    assert "GADM" in lines[1]
    assert "gadm.org" in lines[1]


def test_unknown_province_lists_valid_codes() -> None:
    with pytest.raises(PovmapError, match="Valid province codes: 75"):
        load_manifest(province="99")


@pytest.mark.parametrize(
    ("path", "sha", "expected"),
    [
        ("../evil.geojson", "", "relative POSIX path"),
        ("/etc/passwd", "", "relative POSIX path"),
        ("ok.geojson", "abc", "64 hexadecimal digits"),
    ],
)
def test_manifest_rejects_bad_files(tmp_path: Path, path: str, sha: str, expected: str) -> None:
    manifest = _write_manifest(tmp_path, [(path, sha)])
    with pytest.raises(PovmapError, match=expected):
        load_manifest(manifest)


def test_manifest_rejects_unknown_version(tmp_path: Path) -> None:
    manifest = _write_manifest(tmp_path, [("a.geojson", "")])
    manifest.write_text(manifest.read_text().replace('version = "2025"', 'version = "2030"'))
    with pytest.raises(PovmapError, match=r"'2030'.*Valid versions: 2021, 2024, 2025"):
        load_manifest(manifest)


# --- downloading --------------------------------------------------------------------


@pytest.mark.realdata
def test_fetch_real_geojson_then_cached_without_request(
    tmp_path: Path, shared_geodata: Path, serve: Callable[[Path], Server],
) -> None:
    rel = "new_2025/dong_nai_2025_wards_web.geojson"
    listed = {
        line.split()[2]: line.split()[0]
        for line in (shared_geodata / "MANIFEST.sha256").read_text().splitlines() if line
    }
    server = serve(shared_geodata)
    manifest = _write_manifest(tmp_path, [(rel, listed[rel])])
    sources = load_manifest(manifest, base_url=server.url)
    dest = tmp_path / "dest"

    first = fetch_sources(sources, dest)
    target = dest / "test-2025" / rel
    assert first.downloaded == (target,)
    assert first.cached == ()
    assert first.bytes == (shared_geodata / rel).stat().st_size == 967305
    assert _sha(target.read_bytes()) == listed[rel]
    assert first.recorded == ()  # strict manifest hash: nothing trusted on first use
    assert not (dest / "test-2025" / LOCK_NAME).exists()
    assert server.requests == [f"GET /{rel}"]
    assert first.attributions == {"test-2025": "Ranh giới thử / Test boundaries"}

    second = fetch_sources(sources, dest)
    assert (second.downloaded, second.cached, second.bytes) == ((), (target,), 0)
    assert server.requests == [f"GET /{rel}"]


def test_real_manifest_wards_fetch_through_mirror(
    tmp_path: Path, serve: Callable[[Path], Server],
) -> None:
    root = tmp_path / "mirror"
    (root / WARDS).mkdir(parents=True)
    for name in WARD_NAMES:
        (root / WARDS / f"{name}.geojson").write_bytes(_geojson(name[:5]))
    server = serve(root)
    wards = _only(load_manifest(base_url=server.url), "thanglequoc-2025")
    dest = tmp_path / "dest"

    result = fetch_sources(wards, dest)
    assert len(result.downloaded) == len(result.recorded) == 95
    assert len(server.requests) == 95
    lock = (dest / "thanglequoc-2025" / LOCK_NAME).read_text().splitlines()
    assert len(lock) == 95
    assert f"{_sha(_geojson('26068'))}  {WARDS}/26068_bien_hoa.geojson" in lock
    assert "tin cậy lần đầu" in result.describe()
    assert "trust on first use" in result.describe()
    saved = json.loads((dest / "thanglequoc-2025" / WARDS / "26503_phuoc_an.geojson").read_text())
    assert saved["features"][0]["properties"]["ward_code"] == "26503"


def test_wrong_sha256_names_url_and_both_hashes_and_writes_nothing(
    tmp_path: Path, mirror: Server,
) -> None:
    rel = f"{WARDS}/{WARD_NAMES[0]}.geojson"
    wrong = "0" * 64
    sources = load_manifest(_write_manifest(tmp_path, [(rel, wrong)]), base_url=mirror.url)
    dest = tmp_path / "dest"
    with pytest.raises(PovmapError) as info:
        fetch_sources(sources, dest)
    text = str(info.value)
    assert f"{mirror.url}/{rel}" in text
    assert wrong in text
    assert _sha(_geojson(WARD_NAMES[0][:5])) in text
    target = dest / "test-2025" / rel
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # no temporary file left behind


def test_http_404_names_url_and_status(tmp_path: Path, mirror: Server) -> None:
    rel = f"{WARDS}/99999_nowhere.geojson"
    sources = load_manifest(_write_manifest(tmp_path, [(rel, "")]), base_url=mirror.url)
    with pytest.raises(PovmapError) as info:
        fetch_sources(sources, tmp_path / "dest")
    issue = info.value.issues[0]
    assert issue.file == f"{mirror.url}/{rel}"
    assert issue.value == 404
    assert "HTTP 404" in str(info.value)
    assert MIRROR_ENV in issue.hint
    assert str(tmp_path / "dest" / "test-2025" / rel) in issue.hint
    assert not (tmp_path / "dest" / "test-2025" / rel).exists()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_connection_refused_is_explained(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{_closed_port()}"
    sources = load_manifest(_write_manifest(tmp_path, [("a.geojson", "")]), base_url=base)
    with pytest.raises(PovmapError, match="connection refused") as info:
        fetch_sources(sources, tmp_path / "dest")
    assert info.value.issues[0].file == f"{base}/a.geojson"
    assert not (tmp_path / "dest" / "test-2025" / "a.geojson").exists()


def test_timeout_is_explained(tmp_path: Path) -> None:
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        base = f"http://127.0.0.1:{silent.getsockname()[1]}"
        sources = load_manifest(_write_manifest(tmp_path, [("a.geojson", "")]), base_url=base)
        with pytest.raises(PovmapError, match=r"timed out after 0\.3 s") as info:
            fetch_sources(sources, tmp_path / "dest", timeout=0.3)
    assert info.value.issues[0].value == "timeout"
    assert not (tmp_path / "dest" / "test-2025" / "a.geojson").exists()


def test_trust_on_first_use_detects_a_changed_upstream(tmp_path: Path, mirror: Server) -> None:
    rel = f"{WARDS}/{WARD_NAMES[1]}.geojson"
    sources = load_manifest(_write_manifest(tmp_path, [(rel, "")]), base_url=mirror.url)
    dest = tmp_path / "dest"
    target = dest / "test-2025" / rel
    lock = dest / "test-2025" / LOCK_NAME
    original = _sha(_geojson(WARD_NAMES[1][:5]))

    first = fetch_sources(sources, dest)
    assert first.recorded == (target,)
    assert lock.read_text() == f"{original}  {rel}\n"

    again = fetch_sources(sources, dest)  # unchanged: cached, verified against the lock
    assert (again.cached, again.recorded, len(mirror.requests)) == ((target,), (), 1)

    changed = b'{"type": "FeatureCollection", "features": []}'
    (mirror.root / rel).write_bytes(changed)
    target.unlink()
    with pytest.raises(PovmapError) as info:
        fetch_sources(sources, dest)
    text = str(info.value)
    assert f"expected {original}, got {_sha(changed)}" in text
    assert f"{mirror.url}/{rel}" in text
    assert str(lock) in text
    assert "trust on first use" in text
    assert not target.exists()
    assert lock.read_text() == f"{original}  {rel}\n"  # the record is not overwritten


def test_corrupt_local_file_is_replaced_atomically(tmp_path: Path, mirror: Server) -> None:
    rel = f"{WARDS}/{WARD_NAMES[2]}.geojson"
    good = _geojson(WARD_NAMES[2][:5])
    sources = load_manifest(_write_manifest(tmp_path, [(rel, _sha(good))]), base_url=mirror.url)
    target = tmp_path / "dest" / "test-2025" / rel
    target.parent.mkdir(parents=True)
    target.write_bytes(b"truncated")
    result = fetch_sources(sources, tmp_path / "dest")
    assert result.downloaded == (target,)
    assert target.read_bytes() == good
    assert list(target.parent.iterdir()) == [target]


def test_failed_replacement_keeps_the_local_file(tmp_path: Path, mirror: Server) -> None:
    rel = f"{WARDS}/{WARD_NAMES[2]}.geojson"
    wrong = "f" * 64  # neither the local file nor the mirror's matches it
    sources = load_manifest(_write_manifest(tmp_path, [(rel, wrong)]), base_url=mirror.url)
    target = tmp_path / "dest" / "test-2025" / rel
    target.parent.mkdir(parents=True)
    target.write_bytes(b"placed by hand")
    with pytest.raises(PovmapError, match=f"expected {wrong}"):
        fetch_sources(sources, tmp_path / "dest")
    assert mirror.requests == [f"GET /{rel}"]
    assert target.read_bytes() == b"placed by hand"
    assert list(target.parent.iterdir()) == [target]


def test_gadm_needs_licence_acceptance(tmp_path: Path, mirror: Server) -> None:
    gadm = _only(load_manifest(base_url=mirror.url), "gadm41-2021")
    dest = tmp_path / "dest"
    target = dest / "gadm41-2021" / GADM_PATH

    refused = fetch_sources(gadm, dest)
    assert refused.downloaded == refused.cached == ()
    assert [s.key for s in refused.skipped] == ["gadm41-2021"]
    steps = refused.skipped[0].instructions
    assert f"{mirror.url}/{GADM_PATH}" in steps.en
    assert str(target) in steps.en
    assert str(target) in steps.vi
    assert "phi thương mại" in steps.vi
    assert "gadm41-2021" in steps.en
    assert "non-commercial" in steps.en
    assert refused.attributions == {}
    assert mirror.requests == []
    assert not target.exists()

    accepted = fetch_sources(gadm, dest, accept_licences={"gadm41-2021"})
    assert accepted.downloaded == (target,)
    assert accepted.skipped == ()
    assert target.read_bytes() == (mirror.root / GADM_PATH).read_bytes()
    assert "GADM" in accepted.attributions["gadm41-2021"]
    assert mirror.requests == [f"GET /{GADM_PATH}"]


def test_gadm_placed_by_hand_is_used_without_download(tmp_path: Path, mirror: Server) -> None:
    gadm = _only(load_manifest(base_url=mirror.url), "gadm41-2021")
    target = tmp_path / "dest" / "gadm41-2021" / GADM_PATH
    target.parent.mkdir(parents=True)
    target.write_bytes(b"zip by hand")
    result = fetch_sources(gadm, tmp_path / "dest")
    assert (result.cached, result.recorded, result.skipped) == ((target,), (target,), ())
    assert mirror.requests == []


def test_progress_reports_increasing_bytes_up_to_the_size(
    tmp_path: Path, mirror: Server,
) -> None:
    big = _geojson("26068", size=12000)
    assert len(big) > 3 * 64 * 1024
    (mirror.root / "big.geojson").write_bytes(big)
    sources = load_manifest(_write_manifest(tmp_path, [("big.geojson", _sha(big))]),
                            base_url=mirror.url)
    calls: list[tuple[str, int, int]] = []
    fetch_sources(sources, tmp_path / "dest",
                  progress=lambda label, done, total: calls.append((label, done, total)))
    done = [c[1] for c in calls]
    assert len(calls) >= 4
    assert all(b > a for a, b in itertools.pairwise(done))
    assert done[-1] == len(big)
    assert {c[2] for c in calls} == {len(big)}
    assert {c[0] for c in calls} == {"test-2025: big.geojson"}


def test_network_available(mirror: Server) -> None:
    assert network_available(f"{mirror.url}/{GADM_PATH}") is True
    assert network_available(f"{mirror.url}/missing.geojson") is False
    assert network_available(f"http://127.0.0.1:{_closed_port()}/x", timeout=1) is False
    assert network_available("not a url") is False
    assert mirror.requests == [f"HEAD /{GADM_PATH}", "HEAD /missing.geojson"]


def test_result_to_dict_is_json_ready(tmp_path: Path, mirror: Server) -> None:
    sources = load_manifest(base_url=mirror.url)
    result = fetch_sources(_only(sources, "gadm41-2021"), tmp_path / "dest")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["skipped"][0]["key"] == "gadm41-2021"
    assert data["bytes"] == 0
    assert data["downloaded"] == []

