"""Data and widget glue of the page "Lọc & ưu tiên" (filter, rank, allocate).

Cached on the store token like :mod:`dashboard.data`. Zone statistics are read from the
store's cache when the CLI computed them for the same boundaries and zones, else
computed here (≈ 0.5 s on the real boundaries).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from analysis.priority import (
    CRITERIA,
    AllocationRule,
    Condition,
    Filter,
    Weight,
    area_classes,
    criteria_frame,
    default_allocation,
    default_weights,
    progress_statuses,
)
from analysis.progress import STATUSES, status_label
from analysis.scenario_export import planning_document
from analysis.zones import ZoneStats, from_records, stats_key, zone_statistics
from dashboard import data, progress_data, tables
from geodata.boundaries import load_boundaries
from povcore.config import settings
from povcore.i18n import t
from povstore.store import Store
from povstore.zones import (
    cached_zone_stats,
    demo_flags,
    get_scenario,
    last_import_date,
    list_scenarios,
    load_zones,
    save_scenario,
)

OPS = (">=", ">", "<=", "<", "==", "!=")


def _store() -> Store:
    return Store(settings().store_path)


@st.cache_data(show_spinner=False, max_entries=4)
def zones(token: data.Token) -> gpd.GeoDataFrame:
    """Every stored zone (EPSG:4326)."""
    return load_zones(_store())


@st.cache_resource(show_spinner=False)
def full_units() -> gpd.GeoDataFrame:
    """Today's units at full resolution (unit_code, name, geometry) for area statistics."""
    b = load_boundaries("2025", "commune", settings())
    return gpd.GeoDataFrame({"unit_code": b.frame["code"].astype(str),
                             "name": b.frame["name"].astype(str)},
                            geometry=b.frame.geometry.to_numpy(), crs=b.frame.crs)


@st.cache_data(show_spinner=False, max_entries=4)
def zone_stats(token: data.Token) -> ZoneStats:
    """Zone statistics on today's units (store cache first)."""
    units, layer = full_units(), zones(token)
    cached = cached_zone_stats(_store(), stats_key(units, layer))
    return from_records(*cached) if cached is not None else zone_statistics(units, layer)


@st.cache_data(show_spinner=False, max_entries=4)
def em_communes(token: data.Token) -> pd.Series:
    """Ethnic-minority area flag (1 = in a region) per unit of today, for map overlays."""
    classes = area_classes(data.observations(token), data.crosswalks(token),
                           settings().province)
    return classes["em_commune"]


@dataclass(frozen=True)
class PlanningData:
    """Criteria per unit and what the export states about them."""

    frame: pd.DataFrame
    info: dict[str, Any]


@st.cache_data(show_spinner=False, max_entries=8)
def planning(token: data.Token, year: int) -> PlanningData:
    """Criteria of every unit of today for ``year``."""
    obs = data.observations(token)
    province = settings().province
    crosswalks = data.crosswalks(token)
    statuses, source = progress_statuses(obs, progress_data.targets(token), year, crosswalks,
                                         province)
    frame = criteria_frame(obs, year, crosswalks, zone_stats(token), statuses,
                           province=province)
    demo_values, demo_zones = demo_flags(_store())
    b = data.boundaries("2025", "commune")
    info = {"year": year, "data_date": last_import_date(_store()),
            "boundaries": {"source": b.source, "approximate": b.approximate},
            "demo": demo_values or demo_zones, "statuses": source.to_dict()}
    return PlanningData(frame, info)


# ---------------------------------------------------------------- widgets ↔ documents


def criterion_options(lang: str) -> dict[str, str]:
    """Label → key of every criterion offered by the filter."""
    return {c.label(lang): k for k, c in CRITERIA.items()}


def status_source(p: PlanningData, lang: str) -> str:
    """Where the statuses come from and the values a status condition accepts (caption)."""
    src = p.info.get("statuses") or {}
    if not src.get("phase"):
        return f":material/flag: {src.get('note') or '—'}"
    values = ", ".join(f"{k} ({status_label(k, lang)})" for k in STATUSES)
    words = t("pr_status_source", lang).format(phase=src["phase"], year=src["as_of"])
    return f":material/flag: {words} {values}"


def filter_rows(flt: Filter, lang: str) -> pd.DataFrame:
    """Editor rows (group, criterion label, operator, value) of a filter."""
    rows = [{t("pr_group", lang): i + 1, t("pr_criterion", lang): CRITERIA[c.column].label(lang),
             t("pr_op", lang): c.op, t("pr_value", lang): str(c.value if isinstance(c.value, str)
                                                              else f"{c.value:g}")}
            for i, group in enumerate(flt.groups) for c in group]
    columns = [t(k, lang) for k in ("pr_group", "pr_criterion", "pr_op", "pr_value")]
    return pd.DataFrame(rows, columns=columns)


def filter_from_rows(rows: pd.DataFrame, lang: str) -> Filter:
    """Filter from editor rows; incomplete rows are ignored."""
    options = criterion_options(lang)
    groups: dict[int, list[Condition]] = {}
    for r in rows.to_dict("records"):
        label, op, raw = (r.get(t("pr_criterion", lang)), r.get(t("pr_op", lang)),
                          r.get(t("pr_value", lang)))
        if label not in options or op not in OPS or raw is None or str(raw).strip() == "":
            continue
        try:
            value: float | str = float(str(raw).replace(",", "."))
        except ValueError:
            value = str(raw).strip()
        group = r.get(t("pr_group", lang))
        key = int(group) if group is not None and not pd.isna(group) else 1
        groups.setdefault(key, []).append(Condition(options[label], op, value))
    return Filter(tuple(tuple(groups[k]) for k in sorted(groups)))


def weight_rows(weights: dict[str, Weight], lang: str) -> pd.DataFrame:
    """Editor rows of the priority weights (every numeric criterion, 0 = unused)."""
    rows = [{t("pr_criterion", lang): c.label(lang),
             t("pr_weight", lang): weights[k].weight if k in weights else 0.0,
             t("pr_reverse", lang): weights[k].reverse if k in weights else False}
            for k, c in CRITERIA.items() if c.kind != "text"]
    return pd.DataFrame(rows)


def _number(value: object) -> float | None:
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        return None
    return number if number == number else None


def _positive_rows(rows: pd.DataFrame, lang: str,
                   column: str) -> Iterator[tuple[str, float, dict[Hashable, Any]]]:
    """(criterion key, number, row) of each editor row whose ``column`` number is > 0."""
    options = criterion_options(lang)
    for r in rows.to_dict("records"):
        key = options.get(str(r.get(t("pr_criterion", lang))))
        value = _number(r.get(t(column, lang)))
        if key is not None and value is not None and value > 0:
            yield key, value, r


def weights_from_rows(rows: pd.DataFrame, lang: str) -> dict[str, Weight]:
    """Weights from editor rows (weights ≤ 0 dropped)."""
    return {key: Weight(key, weight, bool(r.get(t("pr_reverse", lang))))
            for key, weight, r in _positive_rows(rows, lang, "pr_weight")}


def coefficient_rows(rule: AllocationRule, lang: str) -> pd.DataFrame:
    """Editor rows of the allocation coefficients (every numeric criterion)."""
    return pd.DataFrame([{t("pr_criterion", lang): c.label(lang),
                          t("pr_coefficient", lang): rule.coefficients.get(k, 0.0)}
                         for k, c in CRITERIA.items() if c.kind != "text"])


def coefficients_from_rows(rows: pd.DataFrame, lang: str) -> dict[str, float]:
    """Coefficients from editor rows (coefficients ≤ 0 dropped)."""
    return {key: value for key, value, _ in _positive_rows(rows, lang, "pr_coefficient")}


@dataclass(frozen=True)
class Settings:
    """A scenario's settings: filter, weights, allocation rule and budget."""

    flt: Filter
    weights: dict[str, Weight]
    rule: AllocationRule
    budget: int
    year: int | None = None

    def to_document(self) -> dict[str, Any]:
        """JSON document stored with a scenario."""
        return {"filter": self.flt.to_list(), "year": self.year, "budget": self.budget,
                "weights": {k: {"weight": w.weight, "reverse": w.reverse}
                            for k, w in self.weights.items()},
                "allocation": self.rule.to_dict()}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Settings:
        """Inverse of :meth:`to_document`."""
        a = doc.get("allocation", {})
        return cls(Filter.from_list(doc.get("filter", [])),
                   {k: Weight(k, float(w["weight"]), bool(w["reverse"]))
                    for k, w in doc.get("weights", {}).items()},
                   AllocationRule({k: float(v) for k, v in a.get("coefficients", {}).items()},
                                  int(a.get("min_per_unit", 0)), a.get("max_per_unit"),
                                  float(a.get("base_points", 0.0))),
                   int(doc.get("budget", 0)), doc.get("year"))


DEFAULT_BUDGET = 20_000_000_000


def defaults(flt: Filter) -> Settings:
    """Documented defaults with the given filter."""
    return Settings(flt, default_weights(), default_allocation(), DEFAULT_BUDGET)


def document(token: data.Token, year: int, s: Settings) -> dict[str, Any]:
    """The planning document shown, exported and compared (same as the CLI's)."""
    p = planning(token, year)
    budget = s.budget if s.budget > 0 else None
    return planning_document(p.frame, p.info, s.flt, s.weights or default_weights(), s.rule,
                             budget)


def result_table(doc: dict[str, Any], lang: str) -> pd.DataFrame:
    """Rank, code, name, score, amount and status of a document, labelled in ``lang``."""
    names = {"rank": "pr_rank", "unit_code": "pr_code", "name": "pr_name",
             "score": "pr_score", "amount_vnd": "pr_amount"}
    frame = pd.DataFrame(doc["units"], columns=[k for k in names if k != "amount_vnd"
                                                or "budget" in doc])
    if any(u.get("status") for u in doc["units"]):
        frame[t("pg_status", lang)] = [status_label(u["status"], lang) if u.get("status")
                                       else None for u in doc["units"]]
    return frame.rename(columns={k: t(v, lang) for k, v in names.items()})


def result_view(doc: dict[str, Any], lang: str) -> Styler:
    """:func:`result_table` in the reader's number format (amounts whole, scores 0,001)."""
    return tables.localised(result_table(doc, lang), lang,
                            {t("pr_amount", lang): 0, t("pr_score", lang): 3})


def save(name: str, author: str, s: Settings) -> int:
    """Store a named scenario; returns its id."""
    return save_scenario(_store(), name, author, s.to_document())


def scenarios() -> pd.DataFrame:
    """Saved scenarios (id, name, author, created_at)."""
    return list_scenarios(_store())


def scenario(scenario_id: int) -> dict[str, Any]:
    """One saved scenario with its document."""
    return get_scenario(_store(), scenario_id)


def ranked(doc: dict[str, Any]) -> tuple[pd.Series, pd.Series]:
    """Score and rank of a document's units, indexed by unit code (for the map)."""
    codes = [u["unit_code"] for u in doc["units"]]
    return (pd.Series([u["score"] for u in doc["units"]], index=codes, dtype=float),
            pd.Series([u["rank"] for u in doc["units"]], index=codes, dtype=int))
