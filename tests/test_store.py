import sqlite3
import threading
import time

import pandas as pd
import pyogrio
import pytest

from povcore.errors import PovmapError
from povstore.crosswalks import save_crosswalk
from povstore.store import GPKG_APPLICATION_ID, MIGRATIONS, PAUSE_ENV, Store


def test_new_store_is_a_geopackage(tmp_path):
    store = Store(tmp_path / "s" / "povmap.gpkg")
    assert store.schema_version() == 0
    assert store.migrate() == MIGRATIONS[-1][0]
    con = sqlite3.connect(store.path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == GPKG_APPLICATION_ID
    assert con.execute("SELECT COUNT(*) FROM gpkg_spatial_ref_sys").fetchone()[0] == 3
    # GDAL sees our attribute tables as layers (so QGIS can open them).
    layers = {name for name, _ in pyogrio.list_layers(store.path)}
    assert {"crosswalk", "crosswalk_build"} <= layers


def test_migrate_is_idempotent(tmp_path):
    store = Store(tmp_path / "povmap.gpkg")
    store.migrate()
    store.migrate()
    info = store.info()
    assert info.tables["povmap_schema"] == len(MIGRATIONS)
    assert info.schema_version == MIGRATIONS[-1][0]


def test_failed_transaction_leaves_store_unchanged(tmp_path):
    store = Store(tmp_path / "povmap.gpkg")
    with store.transaction() as con:
        con.execute("INSERT INTO crosswalk VALUES ('2021','2024','1','2',1.0,'m')")
    before = store.path.read_bytes()

    def write_two_rows():
        with store.transaction() as con:
            con.execute("INSERT INTO crosswalk VALUES ('2021','2024','3','4',1.0,'m')")
            con.execute("INSERT INTO crosswalk VALUES ('2021','2024','5','6',2.0,'m')")  # > 1

    with pytest.raises(sqlite3.IntegrityError):
        write_two_rows()
    assert store.path.read_bytes() == before
    assert store.info().tables["crosswalk"] == 1


def test_newer_schema_is_refused(tmp_path):
    store = Store(tmp_path / "povmap.gpkg")
    store.migrate()
    con = sqlite3.connect(store.path)
    con.execute("INSERT INTO povmap_schema VALUES (999, 'future', 'x')")
    con.commit()
    con.close()
    with pytest.raises(PovmapError, match="newer than this program"):
        store.migrate()


def test_info_of_missing_store_writes_nothing(tmp_path):
    store = Store(tmp_path / "none.gpkg")
    info = store.info()
    assert (info.exists, info.size_bytes, info.schema_version) == (False, 0, 0)
    assert not store.path.exists()


def _weights(*rows):
    return pd.DataFrame(rows, columns=["old_code", "new_code", "weight", "method"])


def test_save_crosswalk_replaces_one_pair_of_versions_all_or_nothing(tmp_path):
    store = Store(tmp_path / "povmap.gpkg")
    assert save_crosswalk(store, "2021", "2024", _weights(("26203", "26176", 1.0, "merger")),
                          overlay_available=False, sources="registry") == 1
    two = _weights(("26449", "26359", 0.25, "overlay"), ("26449", "26446", 0.75, "overlay"))
    assert save_crosswalk(store, "2024", "2025", two, overlay_available=True,
                          sources="a.gpkg | b.gpkg") == 2
    again = _weights(("26449", "26446", 1.0, "membership"))
    save_crosswalk(store, "2024", "2025", again, overlay_available=False, sources="x")
    stored = store.read_sql("SELECT * FROM crosswalk ORDER BY from_version, old_code, new_code")
    assert stored.values.tolist() == [
        ["2021", "2024", "26203", "26176", 1.0, "merger"],
        ["2024", "2025", "26449", "26446", 1.0, "membership"],
    ]
    builds = store.read_sql("SELECT from_version, overlay_available, sources FROM "
                            "crosswalk_build ORDER BY from_version")
    assert builds.values.tolist() == [["2021", 0, "registry"], ["2024", 0, "x"]]
    before = store.path.read_bytes()
    with pytest.raises(sqlite3.IntegrityError):
        save_crosswalk(store, "2024", "2025", _weights(("26449", "26446", 1.5, "bad")),
                       overlay_available=True, sources="y")
    assert store.path.read_bytes() == before


def test_pause_hook_holds_the_write_before_commit(tmp_path, monkeypatch):
    store = Store(tmp_path / "povmap.gpkg")
    store.migrate()
    marker = tmp_path / "paused"
    monkeypatch.setenv(PAUSE_ENV, str(marker))
    seen = {}

    def release_when_paused():
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen["changes"] = marker.read_text()
        seen["rows_outside"] = store.info().tables["crosswalk"]  # not committed yet
        marker.unlink()

    helper = threading.Thread(target=release_when_paused)
    helper.start()
    with store.transaction() as con:
        con.executemany("INSERT INTO crosswalk VALUES ('2021','2024',?,?,1.0,'m')",
                        [("1", "2"), ("3", "4")])
    helper.join(timeout=60)
    assert seen == {"changes": "2\n", "rows_outside": 0}
    assert store.info().tables["crosswalk"] == 2
    with store.transaction() as con:  # no change: no pause, no marker
        con.execute("SELECT COUNT(*) FROM crosswalk")
    assert not marker.exists()
