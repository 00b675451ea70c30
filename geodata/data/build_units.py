"""Regenerate ``units_75.csv``, the embedded registry of Đồng Nai's units.

Developer tool, not part of the product's run path. It reads only public facts:
official GSO codes, names, types and parents from the attribute lists in the
developers' shared folder (code and name columns only; no geometry, no GADM
columns) and centroids and the 2024 names from the MIT package
``vietnamadminunits``. Run it from the repository root::

    .venv/bin/python geodata/data/build_units.py ../shared/geodata
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
    "valid_from", "valid_to", "successor_code", "lat", "lon",
]
DISTRICT_TYPES = ("Thành phố", "Thị xã", "Huyện")


def _district_type(name: str) -> str:
    return next(t for t in DISTRICT_TYPES if name.startswith(t))


def _vau() -> sqlite3.Connection:
    db = resources.files("vietnamadminunits") / "data" / "dataset.db"
    return sqlite3.connect(str(db))


def main(shared_geodata: Path) -> None:
    """Write ``povcore/data/units_75.csv`` (the ground package holds the registry)."""
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
    out: list[dict[str, str]] = []
    communes = list(
        csv.DictReader((shared_geodata / "legacy_2021/communes_2021_attributes.csv").open())
    )
    districts: dict[str, tuple[str, str]] = {}
    for r in communes:
        districts[r["district_code"]] = (r["district_name"], r["province_code"])
    for version, start, end in (V2021, V2024):
        for code, (dname, prov) in sorted(districts.items()):
            out.append(dict(
                version=version, level="district", code=code, name=dname,
                type=_district_type(dname), parent_code=prov, former_province=prov,
                valid_from=start, valid_to=end, successor_code="", lat="", lon="",
            ))
    for r in communes:
        own = legacy.get(r["commune_code"])
        lat, lon = (own[5], own[6]) if own and r["pre2025_code"] == r["commune_code"] else ("", "")
        out.append(dict(
            version="2021", level="commune", code=r["commune_code"], name=r["commune_name"],
            type=r["type"], parent_code=r["district_code"], former_province=r["province_code"],
            valid_from=V2021[1], valid_to=V2021[2], successor_code=r["pre2025_code"],
            lat=str(lat), lon=str(lon),
        ))
    for code, r in sorted(legacy.items()):
        out.append(dict(
            version="2024", level="commune", code=code, name=r[1], type=r[2],
            parent_code=r[3], former_province=r[7], valid_from=V2024[1],
            valid_to=V2024[2], successor_code="", lat=str(r[5]), lon=str(r[6]),
        ))
    wards = list(
        csv.DictReader((shared_geodata / "new_2025/dong_nai_2025_wards_attributes.csv").open())
    )
    for r in wards:
        former = "70" if r["ward_code"] < "25900" else "75"
        lat, lon = new[r["ward_code"]][1:]
        for (version, start, end), name, typ in (
            (V2025A, r["name_2025"], r["type_2025"]),
            (V2025B, r["name"], r["type"]),
        ):
            out.append(dict(
                version=version, level="commune", code=r["ward_code"], name=name, type=typ,
                parent_code="75", former_province=former, valid_from=start, valid_to=end,
                successor_code="", lat=str(lat), lon=str(lon),
            ))
    target = Path(__file__).resolve().parents[2] / "povcore" / "data" / "units_75.csv"
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    print(f"wrote {len(out)} rows to {target}")
    _write_membership(con)


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
    target = Path(__file__).with_name("membership_2024_2025_75.csv")
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["old_code", "new_code", "relation"])
        writer.writerows(sorted(set(rows)))
    print(f"wrote {len(set(rows))} rows to {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
