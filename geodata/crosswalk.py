"""Crosswalks between consecutive boundary versions, with weights.

A crosswalk row says: a fraction ``weight`` of old unit ``old_code`` lies in new unit
``new_code``. Each old unit's weights sum to 1.

* 2021 → 2024: the Nov-2024 arrangement (Resolution 1194/NQ-UBTVQH15, in force
  1 Nov 2024): each abolished commune goes whole to its successor and every other
  commune maps to itself (weight 1), except the partial transfers listed in
  ``data/transfers_2021_2024_<province>.csv`` (old_code, new_code, weight, basis
  ``area`` or ``population``, confirmed, source): Tân Phong (25996) gave part of khu
  phố 10 to Quang Vinh and Trung Dũng; Núi Tượng (26128) was divided between Nam Cát
  Tiên and Phú Lập. Their weights are parameters until confirmed (``confirmed=no``);
  each old unit's weights sum to 1.
* 2024 → 2025: membership from the converter of ``vietnamadminunits`` (MIT), stored in
  ``data/membership_2024_2025_<province>.csv``. Old units the converter marks as
  *divided* are apportioned by area shares from an overlay in EPSG:32648 restricted to
  the converter's candidate units; without usable geometry they go to the converter's
  default unit.
* 2021 → 2025: the composition of the two.

The overlay of *all* pairs is also compared with the membership: every old unit whose
largest overlay share lies outside its converter units, every overlay pair ≥ 5 % the
converter does not list, and every converter pair with < 5 % overlay are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from povcore.errors import PovmapError
from povcore.units import registry

METRIC_CRS = 32648
DISAGREEMENT_SHARE = 0.05
STEPS = {("2021", "2024"), ("2024", "2025"), ("2021", "2025")}


@dataclass(frozen=True)
class Crosswalk:
    """Weights old → new and the disagreements between membership and overlay.

    ``weights`` columns: old_code, new_code, weight, method.
    ``disagreements`` columns: old_code, new_code, kind, overlay_share, in_converter.
    """

    from_version: str
    to_version: str
    weights: pd.DataFrame
    disagreements: pd.DataFrame
    overlay_available: bool

    def weight_sums(self) -> pd.Series:
        """Sum of weights per old unit (1 for every old unit)."""
        return self.weights.groupby("old_code")["weight"].sum()


def membership(province: str = "75") -> pd.DataFrame:
    """Converter membership 2024 → 2025: old_code, new_code, relation."""
    path = resources.files("geodata") / "data" / f"membership_2024_2025_{province}.csv"
    with path.open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str)


_BASIS = {"area": ("diện tích", "area"), "population": ("dân số", "population")}


def partial_transfers(province: str = "75") -> pd.DataFrame:
    """Partial transfers of the Nov-2024 arrangement (weights with their basis and act).

    Raises
    ------
    PovmapError
        When an old unit's weights do not sum to 1 or a basis is unknown.

    Examples
    --------
    >>> t = partial_transfers()
    >>> t[t["old_code"] == "25996"]["new_code"].tolist()
    ['25996', '26023', '26041']
    """
    path = resources.files("geodata") / "data" / f"transfers_2021_2024_{province}.csv"
    if not path.is_file():
        return pd.DataFrame(columns=["old_code", "new_code", "weight", "basis", "confirmed",
                                     "source"])
    with path.open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    table["weight"] = table["weight"].astype(float)
    sums = table.groupby("old_code")["weight"].sum()
    bad = sums[(sums - 1.0).abs() > 1e-9]
    unknown = sorted(set(table["basis"]) - set(_BASIS))
    if len(bad) or unknown:
        raise PovmapError(f"{path.name}: weights must sum to 1 per old unit (not: "
                          f"{', '.join(bad.index)}); basis must be area or population "
                          f"(not: {', '.join(unknown)}).")
    return table


def mergers_2021_2024(province: str = "75") -> pd.DataFrame:
    """2021 → 2024 weights from the Nov-2024 arrangement (mergers and partial transfers)."""
    units = registry(province).units("2021", "commune")
    whole = pd.DataFrame({
        "old_code": units["code"], "new_code": units["successor_code"],
        "weight": 1.0, "method": "sáp nhập 2024 / 2024 merger",
    })
    parts = partial_transfers(province)
    method = [f"chuyển một phần theo {_BASIS[b][0]} / partial transfer by {_BASIS[b][1]}"
              for b in parts["basis"]]
    parts = parts.assign(method=method)[["old_code", "new_code", "weight", "method"]]
    whole = whole[~whole["old_code"].isin(parts["old_code"])]
    return pd.concat([whole, parts], ignore_index=True).sort_values(
        ["old_code", "new_code"]).reset_index(drop=True)


def overlay_shares(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> pd.DataFrame:
    """Area shares of every intersecting (old, new) pair, in EPSG:32648.

    ``share`` is normalised by the part of the old unit covered by ``new`` so that
    outline mismatches between two sources do not leak weight.
    """
    a = old.to_crs(METRIC_CRS)
    b = new.to_crs(METRIC_CRS)
    tree = shapely.STRtree(b.geometry.values)
    ia, ib = tree.query(a.geometry.values, predicate="intersects")
    areas = shapely.area(shapely.intersection(a.geometry.values[ia], b.geometry.values[ib]))
    pairs = pd.DataFrame({
        "old_code": a["code"].values[ia], "new_code": b["code"].values[ib], "area_m2": areas,
    })
    pairs = pairs[pairs["area_m2"] > 0]
    covered = pairs.groupby("old_code")["area_m2"].transform("sum")
    return pairs.assign(share=pairs["area_m2"] / covered).reset_index(drop=True)


def _apportion_divided(member: pd.DataFrame, shares: pd.DataFrame | None) -> pd.DataFrame:
    divided = member[member["relation"].str.startswith("divided")]
    rows = []
    for old_code, group in divided.groupby("old_code"):
        cand = set(group["new_code"])
        s = None if shares is None else shares[
            (shares["old_code"] == old_code) & shares["new_code"].isin(cand)]
        if s is not None and s["area_m2"].sum() > 0:
            w = s["area_m2"] / s["area_m2"].sum()
            rows += [(old_code, n, float(x), "chia theo diện tích / area share")
                     for n, x in zip(s["new_code"], w, strict=True)]
        else:
            default = group[group["relation"] == "divided_default"]["new_code"].iloc[0]
            rows.append((old_code, default, 1.0, "đơn vị mặc định / converter default"))
    return pd.DataFrame(rows, columns=["old_code", "new_code", "weight", "method"])


def _disagreements(member: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    listed = set(zip(member["old_code"], member["new_code"], strict=True))
    s = shares.assign(in_converter=[
        (o, n) in listed for o, n in zip(shares["old_code"], shares["new_code"], strict=True)])
    dominant = s.loc[s.groupby("old_code")["share"].idxmax()]
    out = [dominant[~dominant["in_converter"]].assign(kind="dominant_not_in_converter")]
    out.append(s[(s["share"] >= DISAGREEMENT_SHARE) & ~s["in_converter"]].assign(
        kind="overlay_pair_not_in_converter"))
    m = member.merge(shares, on=["old_code", "new_code"], how="left").fillna({"share": 0.0})
    out.append(m[m["share"] < DISAGREEMENT_SHARE].assign(kind="converter_pair_low_overlay",
                                                         in_converter=True))
    cols = ["old_code", "new_code", "kind", "share", "in_converter"]
    res = pd.concat([o[cols] for o in out], ignore_index=True)
    return res.rename(columns={"share": "overlay_share"}).sort_values(
        ["kind", "old_code", "new_code"]).reset_index(drop=True)


def step_2024_2025(old: gpd.GeoDataFrame | None, new: gpd.GeoDataFrame | None,
                   province: str = "75") -> Crosswalk:
    """Crosswalk 2024 → 2025 from membership, with overlay where geometry is given."""
    member = membership(province)
    shares = overlay_shares(old, new) if old is not None and new is not None else None
    whole = member[member["relation"] == "whole"].assign(
        weight=1.0, method="thành viên / converter membership")
    weights = pd.concat([whole[["old_code", "new_code", "weight", "method"]],
                         _apportion_divided(member, shares)], ignore_index=True)
    dis = (_disagreements(member, shares) if shares is not None else pd.DataFrame(
        columns=["old_code", "new_code", "kind", "overlay_share", "in_converter"]))
    return Crosswalk("2024", "2025", weights.sort_values(["old_code", "new_code"])
                     .reset_index(drop=True), dis, shares is not None)


def compose(first: Crosswalk, second: Crosswalk) -> Crosswalk:
    """Chain two crosswalks (a → b, b → c) into a → c; weights multiply."""
    if first.to_version != second.from_version:
        raise PovmapError(f"Cannot chain {first.from_version}→{first.to_version} with "
                          f"{second.from_version}→{second.to_version}.")
    m = first.weights.merge(second.weights, left_on="new_code", right_on="old_code",
                            suffixes=("_a", "_b"))
    out = pd.DataFrame({
        "old_code": m["old_code_a"], "new_code": m["new_code_b"],
        "weight": m["weight_a"] * m["weight_b"],
        "method": np.where(m["weight_b"] < 1, m["method_b"], m["method_a"]),
    }).groupby(["old_code", "new_code"], as_index=False).agg(
        weight=("weight", "sum"), method=("method", "first"))
    return Crosswalk(first.from_version, second.to_version, out, second.disagreements,
                     second.overlay_available)


def _dissolve_to_2024(old_2021: gpd.GeoDataFrame, province: str) -> gpd.GeoDataFrame:
    succ = registry(province).units("2021", "commune").set_index("code")["successor_code"]
    frame = old_2021.assign(code=old_2021["code"].map(succ))
    return frame[["code", "geometry"]].dissolve(by="code").reset_index()


def _membership_2021_2025(province: str) -> pd.DataFrame:
    m = mergers_2021_2024(province).merge(membership(province), left_on="new_code",
                                          right_on="old_code", suffixes=("", "_b"))
    out = pd.DataFrame({"old_code": m["old_code"], "new_code": m["new_code_b"],
                        "relation": m["relation"]})
    return out.drop_duplicates(["old_code", "new_code"]).reset_index(drop=True)


def build_crosswalk(from_version: str, to_version: str, old: gpd.GeoDataFrame | None = None,
                    new: gpd.GeoDataFrame | None = None, province: str = "75") -> Crosswalk:
    """Crosswalk between two versions.

    ``old``: communes of ``from_version`` (code, geometry); ``new``: the 2025 units.
    Without them, divided units go to the converter's default unit and no
    disagreement can be measured (``overlay_available`` is False).

    >>> cw = build_crosswalk("2021", "2024")
    >>> cw.weights.set_index("old_code").loc["26203", "new_code"]  # Hiếu Liêm → Trị An
    '26176'
    """
    if (from_version, to_version) not in STEPS:
        valid = ", ".join(f"{a}→{b}" for a, b in sorted(STEPS))
        raise PovmapError(f"No crosswalk {from_version}→{to_version}. Valid: {valid}.")
    empty = pd.DataFrame(columns=["old_code", "new_code", "kind", "overlay_share",
                                  "in_converter"])
    first = Crosswalk("2021", "2024", mergers_2021_2024(province), empty, False)
    if to_version == "2024":
        return first
    if from_version == "2024":
        return step_2024_2025(old, new, province)
    old_2024 = _dissolve_to_2024(old, province) if old is not None else None
    chained = compose(first, step_2024_2025(old_2024, new, province))
    if old is None or new is None:
        return chained
    dis = _disagreements(_membership_2021_2025(province), overlay_shares(old, new))
    return Crosswalk("2021", "2025", chained.weights, dis, True)
