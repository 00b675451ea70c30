"""Unit history checked against the resolutions (issue #9): dated types and partial transfers.

* Resolution 570/NQ-UBTVQH15 (in force 1 Oct 2022): huyện Chơn Thành became thị xã
  Chơn Thành; thị trấn Chơn Thành became phường Hưng Long and the xã Thành Tâm, Minh
  Hưng, Minh Long and Minh Thành became phường (Minh Lập, Minh Thắng, Nha Bích and
  Quang Minh stayed xã).
* Resolution 1194/NQ-UBTVQH15 (in force 1 Nov 2024): part of Tân Phong (25996) went to
  Quang Vinh and Trung Dũng; Núi Tượng (26128) was divided.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from povcore.units import registry

POVMAP = Path(sys.executable).with_name("povmap")
NEW_PHUONG = {"25432": "Phường Hưng Long", "25433": "Phường Thành Tâm",
              "25441": "Phường Minh Hưng", "25444": "Phường Minh Long",
              "25447": "Phường Minh Thành"}


def _run(args: list[str], tmp_path: Path) -> dict:
    env = {**os.environ, "POVMAP_DATA_DIR": str(tmp_path / "data"),
           "POVMAP_GEODATA": str(tmp_path / "empty")}
    proc = subprocess.run([str(POVMAP), *args], capture_output=True, text=True, env=env,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_chon_thanh_types_change_on_1_october_2022() -> None:
    reg = registry("75")
    assert reg.type_on("25432", dt.date(2022, 9, 30)) == "Thị trấn"
    for code, name in NEW_PHUONG.items():
        before = reg.unit("2021", code, on=dt.date(2022, 9, 30))
        after = reg.unit("2021", code, on=dt.date(2022, 10, 1))
        assert after["type"] == "Phường"
        assert after["name"] == name
        assert before["type"] in {"Xã", "Thị trấn"}
        assert "570/NQ-UBTVQH15" in after["source"]
        assert reg.unit("2024", code)["type"] == "Phường"
    assert reg.is_urban("25441", dt.date(2023, 12, 31))  # a 2023 review: urban threshold
    assert not reg.is_urban("25441", dt.date(2021, 12, 31))
    for code in ("25435", "25439", "25450", "25453"):  # Minh Lập, Quang Minh, Nha Bích,
        assert reg.type_on(code, dt.date(2023, 12, 31)) == "Xã"  # Minh Thắng stayed xã
    district = reg.unit("2021", "697", on=dt.date(2022, 10, 1))
    assert (district["name"], district["type"]) == ("Thị xã Chơn Thành", "Thị xã")
    assert reg.unit("2024", "697")["type"] == "Thị xã"


def test_counts_on_1_october_2022() -> None:
    counts = registry("75").counts("2021", dt.date(2022, 10, 1))
    assert counts == {"commune": {"Phường": 60, "Thị trấn": 14, "Xã": 207},
                      "district": {"Huyện": 16, "Thành phố": 3, "Thị xã": 3}}


def test_every_registry_row_cites_its_source() -> None:
    frame = registry("75").frame
    assert (frame["source"].str.len() > 20).all()
    v2024_dong_nai = frame[(frame["version"] == "2024") & (frame["former_province"] == "75")]
    assert v2024_dong_nai["source"].str.contains("1194/NQ-UBTVQH15").all()


def test_geodata_info_shows_the_dated_change(tmp_path: Path) -> None:
    doc = _run(["geodata", "info", "--json"], tmp_path)
    v2021 = next(v for v in doc["versions"] if v["version"] == "2021")
    periods = {p["on"]: p["counts"] for p in v2021["periods"]}
    assert list(periods) == ["2021-01-01", "2022-10-01"]
    assert periods["2021-01-01"]["commune"]["Phường"] == 55
    assert periods["2022-10-01"]["commune"]["Phường"] == 60
    assert periods["2022-10-01"]["district"]["Thị xã"] == 3


def test_crosswalk_json_gives_tan_phong_several_successors(tmp_path: Path) -> None:
    doc = _run(["geodata", "crosswalk", "--json", "--all-weights"], tmp_path)
    tan_phong = {w["new_code"]: w["weight"] for w in doc["weights"] if w["old_code"] == "25996"}
    assert len(tan_phong) == 2
    assert abs(sum(tan_phong.values()) - 1) < 1e-12
    assert tan_phong["26041"] > 0  # Trấn Biên (2025) holds today's Quang Vinh and Trung Dũng
    split = {(s["old_code"], s["new_code"]) for s in doc["split"]}
    assert {("25996", "26188"), ("25996", "26041"), ("26128", "26122"),
            ("26128", "26134")} <= split
