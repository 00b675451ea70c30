"""Regenerate the registry data that povmap reads at run time (build-time tool).

Developer tool, not part of the product's run path: ``vietnamadminunits`` is needed
only here (a development dependency), never at run time. It reads only public facts:
official GSO codes, names, types and parents from the attribute lists in the
developers' shared folder (code and name columns only; no geometry, no GADM columns),
and centroids, 2024 names, former-name aliases and the 2024 → 2025 membership from the
MIT package ``vietnamadminunits`` (its ``data/dataset.db`` and ``converter_2025.json``).
Run it from the repository root::

    .venv/bin/python geodata/data/build_units.py ../shared/geodata

It writes

* ``povcore/data/units_75.csv`` — the unit registry, with the legal act of every row
  in its ``source`` column and the dated type changes of :data:`DATED_CHANGES`;
* ``geodata/data/membership_2024_2025_75.csv`` — converter membership 2024 → 2025;
* ``geodata/data/legacy_aliases_75.csv`` — folded former names of the pre-2025
  communes of old Đồng Nai (75) and old Bình Phước (70), for the GADM matcher.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from importlib import resources
from pathlib import Path

V2021 = ("2021", "2021-01-01", "2024-10-31")
V2024 = ("2024", "2024-11-01", "2025-06-30")
V2025A = ("2025", "2025-07-01", "2026-04-29")
V2025B = ("2025", "2026-04-30", "")
FIELDS = [
    "version", "level", "code", "name", "type", "parent_code", "former_province",
    "valid_from", "valid_to", "successor_code", "lat", "lon", "source",
]
DISTRICT_TYPES = ("Thành phố", "Thị xã", "Huyện")
ROOT = Path(__file__).resolve().parents[2]

SRC_2021 = ("Danh mục ĐVHC 2021 (Tổng cục Thống kê; thanglequoc/vietnamese-provinces-database "
            "v1.0.0) / official 2021 list")
SRC_570 = ("Nghị quyết 570/NQ-UBTVQH15 (thành lập thị xã Chơn Thành và 5 phường; hiệu lực "
           "01/10/2022) / Resolution 570/NQ-UBTVQH15, in force 1 Oct 2022")
SRC_1194 = ("Nghị quyết 1194/NQ-UBTVQH15 (28/9/2024; sắp xếp ĐVHC cấp xã tỉnh Đồng Nai "
            "2023–2025; hiệu lực 01/11/2024) / Resolution 1194/NQ-UBTVQH15, in force "
            "1 Nov 2024")
SRC_2024_BP = ("Không đổi từ 01/11/2024 (vietnamadminunits admin_units_legacy) / unchanged "
               "in Nov 2024")
SRC_2025 = ("Nghị quyết 1662/NQ-UBTVQH15 (sắp xếp ĐVHC cấp xã tỉnh Đồng Nai năm 2025; "
            "hiệu lực 01/7/2025), mã theo Quyết định 19/2025/QĐ-TTg / Resolution "
            "1662/NQ-UBTVQH15, in force 1 Jul 2025")
SRC_2026 = ("Nghị quyết 30/2026/QH16 và 237/NQ-UBTVQH16 (Thành phố Đồng Nai; hiệu lực "
            "30/4/2026) / Resolutions 30/2026/QH16 and 237/NQ-UBTVQH16, in force 30 Apr 2026")

#: Type (and name) changes inside version 2021 (2021-01-01 – 2024-10-31):
#: code → (day of change, new name, new type, source).
DATED_CHANGES: dict[str, tuple[str, str, str, str]] = {
    "697": ("2022-10-01", "Thị xã Chơn Thành", "Thị xã", SRC_570),
    "25432": ("2022-10-01", "Phường Hưng Long", "Phường", SRC_570),
    "25433": ("2022-10-01", "Phường Thành Tâm", "Phường", SRC_570),
    "25441": ("2022-10-01", "Phường Minh Hưng", "Phường", SRC_570),
    "25444": ("2022-10-01", "Phường Minh Long", "Phường", SRC_570),
    "25447": ("2022-10-01", "Phường Minh Thành", "Phường", SRC_570),
}


def _district_type(name: str) -> str:
    return next(t for t in DISTRICT_TYPES if name.startswith(t))


def _vau() -> sqlite3.Connection:
    db = resources.files("vietnamadminunits") / "data" / "dataset.db"
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def _day_before(day: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()


def _dated(row: dict[str, str]) -> list[dict[str, str]]:
    """Split a version-2021 row at its dated change; a 2024 row takes the new name."""
    change = DATED_CHANGES.get(row["code"])
    if change is None or row["version"] not in ("2021", "2024"):
        return [row]
    day, name, typ, source = change
    if row["version"] == "2024":
        return [dict(row, name=name, type=typ, source=source)]
    before = dict(row, valid_to=_day_before(day))
    after = dict(row, name=name, type=typ, valid_from=day, source=source)
    return [before, after]


def _district_rows(communes: list[dict[str, str]]) -> list[dict[str, str]]:
    districts: dict[str, tuple[str, str]] = {}
    for r in communes:
        districts[r["district_code"]] = (r["district_name"], r["province_code"])
    out = []
    for version, start, end in (V2021, V2024):
        for code, (dname, prov) in sorted(districts.items()):
            source = SRC_2021 if version == "2021" else (SRC_1194 if prov == "75" else SRC_2024_BP)
            out.append(dict(
                version=version, level="district", code=code, name=dname,
                type=_district_type(dname), parent_code=prov, former_province=prov,
                valid_from=start, valid_to=end, successor_code="", lat="", lon="", source=source,
            ))
    return out


def _commune_rows(communes: list[dict[str, str]], legacy: dict[str, tuple[str, ...]]
                  ) -> list[dict[str, str]]:
    out = []
    for r in communes:
        own = legacy.get(r["commune_code"])
        lat, lon = (own[5], own[6]) if own and r["pre2025_code"] == r["commune_code"] else ("", "")
        out.append(dict(
            version="2021", level="commune", code=r["commune_code"], name=r["commune_name"],
            type=r["type"], parent_code=r["district_code"], former_province=r["province_code"],
            valid_from=V2021[1], valid_to=V2021[2], successor_code=r["pre2025_code"],
            lat=str(lat), lon=str(lon), source=SRC_2021,
        ))
    for code, u in sorted(legacy.items()):
        out.append(dict(
            version="2024", level="commune", code=code, name=u[1], type=u[2],
            parent_code=u[3], former_province=u[7], valid_from=V2024[1],
            valid_to=V2024[2], successor_code="", lat=str(u[5]), lon=str(u[6]),
            source=SRC_1194 if u[7] == "75" else SRC_2024_BP,
        ))
    return out


def _ward_rows(wards: list[dict[str, str]], new: dict[str, tuple[str, ...]]
               ) -> list[dict[str, str]]:
    out = []
    for r in wards:
        former = "70" if r["ward_code"] < "25900" else "75"
        lat, lon = new[r["ward_code"]][1:]
        for (version, start, end), name, typ, source in (
            (V2025A, r["name_2025"], r["type_2025"], SRC_2025),
            (V2025B, r["name"], r["type"], SRC_2026),
        ):
            out.append(dict(
                version=version, level="commune", code=r["ward_code"], name=name, type=typ,
                parent_code="75", former_province=former, valid_from=start, valid_to=end,
                successor_code="", lat=str(lat), lon=str(lon), source=source,
            ))
    return out


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def main(shared_geodata: Path) -> None:
    """Write the registry, the membership and the aliases (see the module docstring)."""
    con = _vau()
    legacy = {
        r[0]: r
        for r in con.execute(
            "select wardCode, ward, wardType, districtCode, district, wardLat, wardLon, "
            "provinceCode from admin_units_legacy where provinceCode in ('70','75')"
        )
    }
    new = {
        r[0]: r
        for r in con.execute(
            "select wardCode, wardLat, wardLon from admin_units where provinceCode='75'"
        )
    }
    communes = _read_csv(shared_geodata / "legacy_2021/communes_2021_attributes.csv")
    wards = _read_csv(shared_geodata / "new_2025/dong_nai_2025_wards_attributes.csv")
    rows = _district_rows(communes) + _commune_rows(communes, legacy) + _ward_rows(wards, new)
    out = [split for row in rows for split in _dated(row)]
    _write(ROOT / "povcore" / "data" / "units_75.csv", FIELDS, out)
    _write_membership(con)
    _write_aliases(con)


def _write(target: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {target}")


def _write_membership(con: sqlite3.Connection) -> None:
    """Old (2024) commune → 2025 unit membership from the package's converter."""
    conv = json.loads(
        (resources.files("vietnamadminunits") / "data" / "converter_2025.json").read_text()
    )
    old_by_key = {
        f"{r[0]}_{r[1]}_{r[2]}": r[3]
        for r in con.execute(
            "select provinceKey, districtKey, wardKey, wardCode from admin_units_legacy "
            "where provinceCode in ('70','75')"
        )
    }
    new_by_key = dict(
        con.execute("select wardKey, wardCode from admin_units where provinceCode='75'")
    )
    rows: list[tuple[str, str, str]] = []
    for new_key, old_keys in conv["DICT_PROVINCE_WARD_NO_DIVIDED"]["tinhdongnai"].items():
        rows += [(old_by_key[k], new_by_key[new_key], "whole") for k in old_keys]
    for old_key, parts in conv["DICT_PROVINCE_WARD_DIVIDED"]["tinhdongnai"].items():
        for part in parts:
            kind = "divided_default" if part["isDefaultNewWard"] else "divided"
            rows.append((old_by_key[old_key], new_by_key[part["newWardKey"]], kind))
    records = [dict(old_code=o, new_code=n, relation=r) for o, n, r in sorted(set(rows))]
    _write(Path(__file__).with_name("membership_2024_2025_75.csv"),
           ["old_code", "new_code", "relation"], records)


def _write_aliases(con: sqlite3.Connection) -> None:
    """Folded keywords and former names of each pre-2025 commune (table admin_units_legacy).

    The keys are stored as ``vietnamadminunits`` folds them (ASCII, no spaces); the
    GADM matcher folds them again with :func:`povcore.names.fold`, so a change of
    folding rules needs no rebuild.
    """
    keys: dict[str, set[str]] = {}
    for code, *lists in con.execute(
        "select wardCode, wardKeywords, wardAlias from admin_units_legacy "
        "where provinceCode in ('70','75')"
    ):
        mine = keys.setdefault(str(code), set())
        for text in lists:
            mine.update(json.loads(text or "[]"))
    records = [dict(code=c, keys=";".join(sorted(k))) for c, k in sorted(keys.items())]
    _write(Path(__file__).with_name("legacy_aliases_75.csv"), ["code", "keys"], records)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
