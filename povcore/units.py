"""Versioned registry of administrative units (codes, names, dated types).

Three boundary versions, each a set of units valid over a date range:

* ``2021`` — 22 district-level units and 281 communes (old Đồng Nai + old Bình Phước),
  2021-01-01 to 2024-10-31;
* ``2024`` — after the commune mergers of 1 Nov 2024: 22 districts, 270 communes,
  to 2025-06-30;
* ``2025`` — from 1 Jul 2025, no district level: 95 units whose *type* (phường / xã)
  and name changed on 30 Apr 2026 with the same codes. Urban/rural status changes the
  poverty income threshold, so type is always asked for *on a date*.

Codes, names and types are public facts stored in ``data/units_<province>.csv``.

Review dates each version accepts (:func:`review_version`): an end-of-year review is
dated 31 December and sits on the version in force that day, except the end-2020
review (the baseline of phase 2021–2025), which was collected on the communes that
took effect on 1 Jan 2021 unchanged, so version ``2021`` accepts 2020-12-31 to
2024-10-31, ``2024`` 2024-11-01 to 2025-06-30 and ``2025`` from 2025-07-01.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

import pandas as pd

from povcore.errors import Issue, PovmapError

Level = Literal["district", "commune"]
URBAN_TYPES = frozenset({"Phường", "Thị trấn"})


@dataclass(frozen=True)
class BoundaryVersion:
    """One boundary version: a key, its validity and its levels."""

    key: str
    valid_from: dt.date
    valid_to: dt.date | None
    levels: tuple[Level, ...]
    label_vi: str
    label_en: str
    reviews_from: dt.date | None = None

    def accepts_review(self, day: dt.date) -> bool:
        """Whether a review dated ``day`` may be stored on this version.

        The end-2020 review (31 Dec 2020) is accepted by version ``2021``: the units
        in force on 1 Jan 2021 are those the review counted.
        """
        first = self.reviews_from or self.valid_from
        return first <= day and (self.valid_to is None or day <= self.valid_to)

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside this version's validity."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


VERSIONS: dict[str, BoundaryVersion] = {
    "2021": BoundaryVersion(
        "2021", dt.date(2021, 1, 1), dt.date(2024, 10, 31), ("district", "commune"),
        "Ranh giới 2021 (huyện, xã cũ)", "2021 boundaries (districts, old communes)",
        reviews_from=dt.date(2020, 12, 31),
    ),
    "2024": BoundaryVersion(
        "2024", dt.date(2024, 11, 1), dt.date(2025, 6, 30), ("district", "commune"),
        "Ranh giới 11/2024 (sau sáp nhập xã)", "Nov 2024 boundaries (after commune mergers)",
    ),
    "2025": BoundaryVersion(
        "2025", dt.date(2025, 7, 1), None, ("commune",),
        "Ranh giới từ 01/7/2025 (95 xã, phường)", "Boundaries from 1 Jul 2025 (95 units)",
    ),
}


def get_version(key: str | int) -> BoundaryVersion:
    """Front door of the version registry.

    >>> get_version("2024").valid_to
    datetime.date(2025, 6, 30)
    >>> get_version("2023")
    Traceback (most recent call last):
    ...
    povcore.errors.PovmapError: Unknown boundary version '2023'. Valid: 2021, 2024, 2025.
    """
    try:
        return VERSIONS[str(key)]
    except KeyError:
        valid = ", ".join(VERSIONS)
        raise PovmapError(f"Unknown boundary version '{key}'. Valid: {valid}.") from None


def version_on(day: dt.date) -> BoundaryVersion:
    """The boundary version in force on ``day``.

    >>> version_on(dt.date(2024, 12, 31)).key
    '2024'
    """
    for version in VERSIONS.values():
        if version.covers(day):
            return version
    raise PovmapError(f"No boundary version covers {day.isoformat()} (first: 2021-01-01).")


def review_version(year: int) -> BoundaryVersion:
    """Version on which the end-of-``year`` poverty review was collected (31 Dec).

    >>> review_version(2020).key, review_version(2024).key
    ('2021', '2024')
    """
    day = dt.date(year, 12, 31)
    for version in VERSIONS.values():
        if version.accepts_review(day):
            return version
    raise PovmapError(f"No boundary version accepts the review of {year} (first: 2020).",
                      [Issue(f"năm rà soát {year} trước 2020 / review year {year} is before "
                             "2020", hint="các năm hợp lệ: từ 2020 / valid years: 2020 on")])


@dataclass(frozen=True)
class UnitRegistry:
    """All units of one province across versions; rows are (version, code, period)."""

    province: str
    frame: pd.DataFrame
    _cache: dict[tuple[str, str | None, dt.date | None], pd.DataFrame] = field(
        default_factory=dict, compare=False, repr=False)

    def units(
        self, version: str, level: Level | None = None, on: dt.date | None = None
    ) -> pd.DataFrame:
        """Units of ``version`` (optionally one level) with names and types on ``on``.

        ``on`` defaults to the version's first day. One row per unit code. The result
        is a fresh copy (callers may modify it); lookups are memoised.
        """
        key = (str(version), level, on)
        if key not in self._cache:
            self._cache[key] = self._units(str(version), level, on)
        return self._cache[key].copy()

    def _units(self, version: str, level: Level | None, on: dt.date | None) -> pd.DataFrame:
        bv = get_version(version)
        day = on or bv.valid_from
        if not bv.covers(day):
            raise PovmapError(
                f"Date {day.isoformat()} is outside boundary version {bv.key} "
                f"({bv.valid_from.isoformat()} – {bv.valid_to or '…'})."
            )
        f = self.frame
        rows = f[(f["version"] == bv.key) & (f["valid_from"] <= day)]
        rows = rows[(rows["valid_to"].isna()) | (rows["valid_to"] >= day)]
        if level is not None:
            if level not in bv.levels:
                raise PovmapError(
                    f"Boundary version {bv.key} has no level '{level}'. "
                    f"Valid: {', '.join(bv.levels)}."
                )
            rows = rows[rows["level"] == level]
        return rows.drop(columns=["valid_from", "valid_to"]).reset_index(drop=True)

    def unit(self, version: str, code: str, on: dt.date | None = None) -> pd.Series:
        """One unit by code; an unknown code raises with a hint."""
        rows = self.units(version, on=on)
        hit = rows[rows["code"] == str(code)]
        if hit.empty:
            raise PovmapError(
                f"Unit code '{code}' is not a unit of boundary version {version}.",
                [Issue(f"unknown code {code}", hint=f"{len(rows)} units are known in {version}",
                       code=str(code))],
            )
        return hit.iloc[0]

    def type_on(self, code: str, day: dt.date) -> str:
        """Type (Phường, Xã, Thị trấn, …) of unit ``code`` on ``day``.

        >>> reg = registry()
        >>> reg.type_on("26248", dt.date(2025, 7, 1)), reg.type_on("26248", dt.date(2026, 5, 1))
        ('Xã', 'Phường')
        """
        return str(self.unit(version_on(day).key, code, on=day)["type"])

    def is_urban(self, code: str, day: dt.date) -> bool:
        """Whether the unit is urban (phường or thị trấn) on ``day``."""
        return self.type_on(code, day) in URBAN_TYPES

    def counts(self, version: str, on: dt.date | None = None) -> dict[str, dict[str, int]]:
        """Unit counts by level and type, e.g. ``{"commune": {"Phường": 23, ...}}``."""
        rows = self.units(version, on=on)
        out: dict[str, dict[str, int]] = {}
        sizes = rows.groupby(["level", "type"]).size()
        for level, typ, n in zip(sizes.index.get_level_values(0),
                                 sizes.index.get_level_values(1), sizes.to_numpy(), strict=True):
            out.setdefault(str(level), {})[str(typ)] = int(n)
        return out


@cache
def registry(province: str = "75") -> UnitRegistry:
    """The registry of ``province`` (GSO code). Only provinces with a data file exist.

    >>> registry("75").counts("2021")["district"]["Huyện"]
    17
    """
    path = resources.files("povcore") / "data" / f"units_{province}.csv"
    if not path.is_file():
        known = sorted(
            p.name[6:-4] for p in (resources.files("povcore") / "data").iterdir()
            if p.name.startswith("units_") and p.name.endswith(".csv")
        )
        raise PovmapError(
            f"No unit registry for province '{province}'. Available: {', '.join(known)}. "
            "Set POVMAP_PROVINCE to one of them."
        )
    with path.open(encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    for col in ("valid_from", "valid_to"):
        frame[col] = pd.to_datetime(frame[col].replace("", None)).dt.date
    frame["valid_to"] = frame["valid_to"].astype(object).where(frame["valid_to"].notna(), None)
    for col in ("lat", "lon"):
        frame[col] = pd.to_numeric(frame[col].replace("", None))
    return UnitRegistry(province, frame)
