import sqlite3

import pyogrio
import pytest

from povcore.errors import PovmapError
from povstore.store import GPKG_APPLICATION_ID, MIGRATIONS, Store


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
