"""The warm launcher ``python -m dashboard.serve`` (issue #9 item 6: a fast first map).

What it imports is read from the app's scripts; modules declaring a Streamlit component
are left to the first session; the boundary caches are filled from the files ``povmap
setup`` wrote, without writing anything; the launcher serves the app on 127.0.0.1.
"""

from __future__ import annotations

import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st

from dashboard.launch import ARTEFACTS, AppServer, log_tail, running_app
from dashboard.serve import (
    APP,
    ScriptImport,
    app_scripts,
    import_all,
    script_imports,
    warm_layers,
)
from geodata.crosswalk import build_crosswalk
from tests.conftest import PovmapCli


def test_app_scripts_are_the_entry_script_then_every_page() -> None:
    names = [p.name for p in app_scripts()]
    assert names[0] == "app.py"
    assert {"poverty_map.py", "overview.py", "data_table.py", "units.py", "progress.py",
            "tasks.py", "prioritise.py"} <= set(names[1:])
    assert names[1:] == sorted(names[1:])


def test_script_imports_read_the_pages_imports_without_running_them(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import streamlit as st\nst.write('never run')\n",
                                     encoding="utf-8")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.py").write_text(
        "from __future__ import annotations\nimport json\nfrom os import path, sep\n"
        "def later():\n    import email.message\n", encoding="utf-8")
    (tmp_path / "pages" / "b.py").write_text("import json\nfrom . import sibling\n",
                                             encoding="utf-8")
    found = script_imports(app_scripts(tmp_path / "app.py"))
    assert found == [ScriptImport("streamlit"), ScriptImport("json"),
                     ScriptImport("os", ("path", "sep")), ScriptImport("email.message")]


def test_the_map_page_imports_are_warmed() -> None:
    found = script_imports(app_scripts(APP))
    assert ScriptImport("streamlit") in found
    dashboard_names = {n for i in found if i.module == "dashboard" for n in i.names}
    assert {"data", "controls", "header"} <= dashboard_names
    assert any(i.module == "streamlit_folium" for i in found)


@pytest.fixture
def fake_component(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Modules on sys.path: one declaring a component, one using it, one unrelated."""
    tag = tmp_path.name.replace("-", "_")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "index.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / f"comp_{tag}.py").write_text(
        "import streamlit.components.v1 as components\n"
        f"_func = components.declare_component('c', path={str(tmp_path / 'build')!r})\n"
        "def widget():\n    return _func()\n", encoding="utf-8")
    (tmp_path / f"user_{tag}.py").write_text(f"from comp_{tag} import widget\n",
                                             encoding="utf-8")
    (tmp_path / f"plain_{tag}.py").write_text("ANSWER = 42\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tag
    for prefix in ("comp", "user", "plain"):
        sys.modules.pop(f"{prefix}_{tag}", None)


def test_component_modules_and_their_users_are_left_to_the_first_session(
        fake_component: str) -> None:
    tag = fake_component
    kept, failed = import_all([ScriptImport(f"user_{tag}"), ScriptImport(f"plain_{tag}"),
                               ScriptImport(f"missing_{tag}")])
    # A component declared outside a session is not registered with the server: the
    # module declaring it, and the module holding its function, are imported again later.
    assert f"comp_{tag}" not in sys.modules
    assert f"user_{tag}" not in sys.modules
    assert sys.modules[f"plain_{tag}"].ANSWER == 42
    assert kept == 1
    # A page importing a missing module fails by itself when it runs; the rest is warmed.
    assert failed == [f"missing_{tag}: No module named 'missing_{tag}'"]


@pytest.fixture(scope="module")
def set_up(shared_geodata: Path, tmp_path_factory: pytest.TempPathFactory) -> PovmapCli:
    """A data folder prepared by ``povmap setup`` with the real boundaries."""
    root = tmp_path_factory.mktemp("serve")
    cli = PovmapCli({"POVMAP_DATA_DIR": str(root / "data"),
                     "POVMAP_GEODATA": str(shared_geodata)})
    cli("setup")
    return cli


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.realdata
def test_warm_layers_fill_the_caches_from_setup_files_and_write_nothing(
        set_up: PovmapCli, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import data

    for key, value in set_up.env.items():
        monkeypatch.setenv(key, value)
    data_dir = Path(set_up.env["POVMAP_DATA_DIR"])
    before = _files(data_dir)
    st.cache_resource.clear()
    try:
        lines = list(warm_layers())
        assert [line.split(":")[0] for line in lines] == [
            f"Lớp bản đồ / map layer {v}" for v in
            ("2021/district", "2021/commune", "2024/district", "2024/commune",
             "2025/commune")]
        assert [line.split(": ")[1].split(" đơn vị")[0] for line in lines] == [
            "22", "281", "22", "270", "95"]
        # The page's calls now hit the process cache: the very same objects come back.
        layer = data.boundaries("2025", "commune")
        assert data.boundaries("2025", "commune") is layer
        assert len(layer.web) == 95
        assert not layer.approximate
        assert data.province_outline() is data.province_outline()
        weights = data.membership_weights("2021", "2025", "75")
        assert data.membership_weights("2021", "2025", "75") is weights
        pd.testing.assert_frame_equal(weights, build_crosswalk("2021", "2025").weights)
    finally:
        st.cache_resource.clear()
    assert _files(data_dir) == before  # store and caches untouched


@pytest.mark.realdata
def test_an_unreadable_layer_is_reported_and_the_others_warmed(
        shared_geodata: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    geodata = tmp_path / "geodata"
    (geodata / "custom").mkdir(parents=True)
    (geodata / "legacy_2021").symlink_to(shared_geodata / "legacy_2021")
    (geodata / "custom" / "2025_commune.geojson").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("POVMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POVMAP_GEODATA", str(geodata))
    st.cache_resource.clear()
    try:
        lines = list(warm_layers())
    finally:
        st.cache_resource.clear()
    assert len(lines) == 5
    assert lines[4].startswith("Lớp bản đồ / map layer 2025/commune: không đọc được / "
                               "unreadable: ")
    assert "2025_commune.geojson" in lines[4]
    assert lines[1].startswith("Lớp bản đồ / map layer 2021/commune: 281 đơn vị / units")


@pytest.fixture(scope="module")
def served(set_up: PovmapCli) -> Iterator[AppServer]:
    """``python -m dashboard.serve`` on a free port of 127.0.0.1 (no preparing command)."""
    ARTEFACTS.mkdir(exist_ok=True)
    env = set_up.env
    with running_app(Path(env["POVMAP_DATA_DIR"]), Path(env["POVMAP_GEODATA"]),
                     ARTEFACTS / "serve_streamlit.log", prepare=()) as app:
        yield app


@pytest.mark.realdata
@pytest.mark.slow
def test_the_launcher_warms_before_it_serves_the_app(served: AppServer) -> None:
    log = log_tail(served.log_path, 400)
    warm_up = log.index("Khởi động xong / warm-up done")
    # Every layer was read before Streamlit started listening.
    assert log.index("Lớp bản đồ / map layer 2025/commune: 95 đơn vị") < warm_up
    assert warm_up < log.index(f"URL: {served.url}")
    assert "No runtime found" not in log
    assert "missing ScriptRunContext" not in log
    with urllib.request.urlopen(served.url + "/", timeout=30) as resp:
        page = resp.read().decode("utf-8")
    assert resp.status == 200
    assert "<title>Streamlit</title>" in page
