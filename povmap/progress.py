"""Use-cases behind ``povmap progress``, ``povmap targets`` and ``povmap tasks``.

Every function returns a JSON-ready document (the CLI's ``--json`` output, documented
in the README). Targets, tasks and agency names are preloaded into the store from the
plan on first use, so edits and status updates live in the store and survive restarts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.mapdata import Crosswalks, available_years
from analysis.progress import (
    STATUSES,
    PhaseProgress,
    TerritoryProgress,
    completion_table,
    headline,
    phase_progress,
    status_counts,
    status_label,
)
from analysis.targets import (
    PHASES,
    Target,
    calendar,
    default_targets,
    next_deadline,
    path_words,
    target_from,
    with_changes,
)
from analysis.tasks import (
    TASK_STATUSES,
    default_agencies,
    default_tasks,
    task_table,
)
from analysis.tasks import status_label as task_status_label
from povcore.config import Settings, settings
from povcore.errors import Issue, PovmapError
from povstore.store import Store
from povstore.targets import (
    read_crosswalks,
    read_observations,
    read_targets,
    save_target,
    seed_targets,
    target_history,
)
from povstore.tasks import (
    add_task_update,
    read_agencies,
    read_task_updates,
    read_tasks,
    seed_agencies,
    seed_tasks,
    set_agency_name,
)

CROSSWALK_STEPS = (("2021", "2024"), ("2021", "2025"), ("2024", "2025"))


def _store(cfg: Settings | None) -> tuple[Settings, Store]:
    cfg = cfg or settings()
    return cfg, Store(cfg.store_path)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in rec.items()} for rec in frame.to_dict("records")]


def preload(store: Store, province: str = "75") -> None:
    """Put the plan's targets, tasks and agency names into the store (only new keys)."""
    seed_targets(store, [t.to_dict() for t in default_targets(province)])
    seed_tasks(store, _records(default_tasks()))
    seed_agencies(store, _records(default_agencies(province)))


def load_targets(store: Store, province: str = "75") -> list[Target]:
    """The stored (editable) targets, preloaded from the plan on first use."""
    preload(store, province)
    return [target_from(r) for r in read_targets(store)]


def crosswalks(store: Store, province: str = "75") -> Crosswalks:
    """Stored crosswalk weights, else the membership-only weights (no geometry needed)."""
    from geodata.crosswalk import build_crosswalk

    stored = read_crosswalks(store)
    return {step: stored[step] if step in stored
            else build_crosswalk(*step, province=province).weights for step in CROSSWALK_STEPS}


def _num(x: Any) -> float | int | None:
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return None
    if isinstance(x, int):
        return x
    return round(float(x), 6)


def _unit_json(rec: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("baseline", "latest", "reduction_pct", "due_now", "target_end",
            "required_per_year", "required_per_year_pct", "projection")
    return {"unit_code": str(rec["unit_code"]), "name": rec["name"], "target": rec["target"],
            "baseline_year": int(rec["baseline_year"]),
            "latest_year": None if _num(rec["latest_year"]) is None else int(rec["latest_year"]),
            **{k: _num(rec[k]) for k in keys},
            "status": rec["status"], "status_label": status_label(str(rec["status"]))}


def _territory_json(tp: TerritoryProgress) -> dict[str, Any]:
    p, t = tp.progress, tp.target
    return {"target": t.key, "label": t.label_vi, "territory": t.territory,
            "n_units": tp.n_units, "baseline_year": p.baseline_year,
            "baseline": _num(p.baseline), "latest_year": p.latest_year, "latest": _num(p.latest),
            "reduction_pct": _num(p.reduction_pct), "target_pct": _num(t.reduction_pct),
            "due_now": _num(p.due_now), "target_end": _num(p.target_end),
            "required_per_year": _num(p.required_per_year), "projection": _num(p.projection),
            "status": p.status, "status_label": status_label(p.status),
            "path": t.path, "path_words": path_words(t, "vi", p.baseline_year),
            "missing_units": list(tp.missing), "headline": headline(tp, "vi"),
            "years": [{"year": r.year, "boundary_version": r.version, "value": _num(r.value),
                       "missing_units": list(r.missing)} for r in tp.years]}


def compute(phase: str, geography: str = "as-collected", cfg: Settings | None = None
            ) -> tuple[PhaseProgress, list[Target]]:
    """Progress of ``phase`` from the store (targets preloaded if needed)."""
    cfg, store = _store(cfg)
    targets = load_targets(store, cfg.province)
    obs = read_observations(store)
    cws = crosswalks(store, cfg.province) if geography == "current" else None
    return phase_progress(obs, targets, phase, geography, cws, cfg.province), targets


def progress_document(phase: str, geography: str = "as-collected", unit: str | None = None,
                      cfg: Settings | None = None) -> dict[str, Any]:
    """``povmap progress --json``: per unit and per territory."""
    from povmap.importing import store_is_demo

    cfg, store = _store(cfg)
    pp, _targets = compute(phase, geography, cfg)
    units = [_unit_json(r) for r in _records(pp.units)]
    if unit is not None:
        units = [u for u in units if u["unit_code"] == str(unit)]
        if not units:
            raise PovmapError(
                f"Đơn vị {unit} không thuộc địa bàn chỉ tiêu giai đoạn {phase} ({geography}) / "
                f"unit {unit} is not in the territory of {phase} ({geography})",
                [Issue(f"unit {unit}", hint=f"{len(pp.units)} đơn vị / units, ví dụ / e.g. "
                       + ", ".join(pp.units["unit_code"].astype(str).head(5)), value=unit)])
    territories = [_territory_json(tp) for tp in pp.territories]
    return {"phase": phase, "geography": geography, "boundary_version": pp.version,
            "baseline_year": pp.baseline_year,
            "baseline_note": ({"vi": pp.baseline_note_vi, "en": pp.baseline_note_en}
                              if pp.baseline_note_vi else None),
            "method": {"vi": pp.method_vi, "en": pp.method_en},
            "demo": store_is_demo(store), "status_counts": status_counts(pp.units),
            "statuses": {k: {"vi": v[0], "en": v[1]} for k, v in STATUSES.items()},
            "units": units, "territory": territories[0] if territories else None,
            "territories": territories}


def completion_document(phase: str, geography: str = "as-collected",
                        cfg: Settings | None = None) -> pd.DataFrame:
    """Heads' completion table of ``phase`` (see :func:`analysis.progress.completion_table`)."""
    pp, targets = compute(phase, geography, cfg)
    return completion_table(pp, targets)


# ---------------------------------------------------------------- targets

def targets_document(cfg: Settings | None = None) -> dict[str, Any]:
    """``povmap targets list --json``."""
    cfg, store = _store(cfg)
    targets = load_targets(store, cfg.province)
    return {"targets": [{**t.to_dict(), "path_words": path_words(t, "vi")} for t in targets],
            "phases": {k: list(v) for k, v in PHASES.items()}}


def set_target(key: str, changes: Mapping[str, Any], reason: str, base: str | None = None,
               author: str | None = None, cfg: Settings | None = None) -> dict[str, Any]:
    """Change (or create, from ``base`` or from scratch) target ``key``, with history."""
    cfg, store = _store(cfg)
    targets = {t.key: t for t in load_targets(store, cfg.province)}
    if key in targets:
        new = with_changes(targets[key], changes)
    elif base is not None:
        if base not in targets:
            raise PovmapError(f"Không có chỉ tiêu gốc '{base}' / unknown base target '{base}'. "
                              f"Valid: {', '.join(targets)}.")
        new = with_changes(Target(**{**targets[base].__dict__, "key": key}), changes)
    else:
        if "phase" not in changes:
            raise PovmapError(
                f"Chỉ tiêu mới '{key}' cần --phase (hoặc --from KEY) / new target '{key}' "
                f"needs --phase or --from. Existing: {', '.join(targets)}.")
        new = target_from({"key": key, **changes})
    save_target(store, new.to_dict(), reason, author)
    return {"target": new.to_dict(), "created": key not in targets,
            "history": history_document(key, cfg)["history"]}


def history_document(key: str | None = None, cfg: Settings | None = None) -> dict[str, Any]:
    """``povmap targets history [KEY] --json``: who changed what, when and why."""
    cfg, store = _store(cfg)
    preload(store, cfg.province)
    frame = target_history(store, key)
    return {"history": [{k: (None if pd.isna(v) else v) for k, v in rec.items()}
                        for rec in frame.to_dict("records")]}


# ---------------------------------------------------------------- tasks

def _task_table(store: Store, today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    updates = read_task_updates(store)
    return task_table(read_tasks(store), updates, read_agencies(store), today), updates


def _date(x: Any) -> str | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)


def tasks_document(overdue_only: bool = False, today: dt.date | None = None,
                   cfg: Settings | None = None) -> dict[str, Any]:
    """``povmap tasks list --json``: every task, its status, deadlines and history."""
    cfg, store = _store(cfg)
    preload(store, cfg.province)
    day = today or dt.date.today()
    table, updates = _task_table(store, day)
    if overdue_only:
        table = table[table["overdue"]]
    out = []
    for rec in table.to_dict("records"):
        hist = updates[updates["task_id"] == rec["id"]]
        out.append({"id": rec["id"], "group": rec["group"], "group_title": rec["group_title"],
                    "task": rec["task"], "lead": rec["lead"], "lead_now": rec["lead_now"],
                    "partners": rec["partners"], "product": rec["product"],
                    "timeline": rec["timeline"], "note": rec["note"], "source": rec["source"],
                    "status": rec["status"], "status_label": task_status_label(rec["status"]),
                    "last_update": _date(rec["last_update"]),
                    "next_due": _date(rec["next_due"]), "overdue": bool(rec["overdue"]),
                    "overdue_since": _date(rec["overdue_since"]),
                    "history": hist.drop(columns=["task_id"]).to_dict("records")})
    return {"today": day.isoformat(), "n_tasks": len(out),
            "n_overdue": sum(t["overdue"] for t in out), "tasks": out}


def update_task(task_id: str, status: str, note: str, on_date: dt.date | None = None,
                author: str | None = None, cfg: Settings | None = None) -> dict[str, Any]:
    """``povmap tasks update``: record a status update (kept as history)."""
    if status not in TASK_STATUSES:
        raise PovmapError(f"Trạng thái không hợp lệ '{status}' / invalid status. "
                          f"Valid: {', '.join(TASK_STATUSES)}.")
    cfg, store = _store(cfg)
    preload(store, cfg.province)
    update_id = add_task_update(store, task_id, status, note, on_date, author)
    doc = tasks_document(cfg=cfg)
    task = next(t for t in doc["tasks"] if t["id"] == task_id)
    return {"update_id": update_id, "task": task}


def rename_agency(name: str, current_name: str, note: str = "", author: str | None = None,
                  cfg: Settings | None = None) -> dict[str, Any]:
    """``povmap tasks agency``: set today's name of an agency named in the plan."""
    cfg, store = _store(cfg)
    preload(store, cfg.province)
    set_agency_name(store, name, current_name, note, author)
    return {"agencies": read_agencies(store).to_dict("records")}


# ---------------------------------------------------------------- calendar

def calendar_document(today: dt.date | None = None, cfg: Settings | None = None
                      ) -> dict[str, Any]:
    """The next reporting deadline and whether that year's review data are in."""
    cfg, store = _store(cfg)
    day = today or dt.date.today()
    deadlines = calendar(cfg.province)
    nxt = next_deadline(day, deadlines)
    years = available_years(read_observations(store))
    return {"today": day.isoformat(),
            "next": None if nxt is None else {
                "key": nxt.key, "due": nxt.due.isoformat(), "label_vi": nxt.label_vi,
                "label_en": nxt.label_en, "review_year": nxt.review_year,
                "days_left": (nxt.due - day).days, "data_in": nxt.review_year in years,
                "source": nxt.source},
            "deadlines": [{"key": d.key, "due": d.due.isoformat(), "review_year": d.review_year,
                           "label_vi": d.label_vi, "data_in": d.review_year in years}
                          for d in deadlines]}
