"""Cached reads for the progress and task pages (keyed on the store token, like ``data``).

Targets, tasks and agency names are put into the store from the plan on first use (only
keys never stored), so the app works on a store that the CLI has not touched yet.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analysis.mapdata import available_years
from analysis.progress import PhaseProgress, completion_table, phase_progress
from analysis.targets import Deadline, Target, calendar, default_targets, target_from
from analysis.tasks import default_agencies, default_tasks, task_table
from dashboard import data
from povcore.config import settings
from povstore.store import Store
from povstore.targets import read_targets, seed_targets, target_history
from povstore.tasks import (
    read_agencies,
    read_task_updates,
    read_tasks,
    seed_agencies,
    seed_tasks,
)


def store() -> Store:
    """The store of the current settings."""
    return Store(settings().store_path)


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def preload() -> None:
    """Targets, tasks and agencies from the plan into the store (only new keys).

    Once per store content (its token): a rerun of a page neither re-reads the plan's
    files nor opens write transactions on an unchanged store.
    """
    _seeded(data.store_token())


@st.cache_resource(show_spinner=False, max_entries=8)
def _seeded(token: data.Token) -> bool:
    province = settings().province
    s = store()
    seed_targets(s, [t.to_dict() for t in default_targets(province)])
    seed_tasks(s, _records(default_tasks()))
    seed_agencies(s, _records(default_agencies(province)))
    return True


@st.cache_data(show_spinner=False, max_entries=4)
def targets(token: data.Token) -> list[Target]:
    """The stored targets (editable copy of the plan's)."""
    return [target_from(r) for r in read_targets(store())]


def history(key: str | None = None) -> pd.DataFrame:
    """Edit history of one target (or all)."""
    return target_history(store(), key)


@st.cache_data(show_spinner="Đang tính tiến độ … / Computing progress …", max_entries=8)
def progress(token: data.Token, phase: str, geography: str) -> PhaseProgress:
    """Progress of ``phase`` on ``geography``."""
    obs = data.observations(token)
    crosswalks = data.crosswalks(token) if geography == "current" else None
    return phase_progress(obs, targets(token), phase, geography, crosswalks,
                          settings().province)


@st.cache_data(show_spinner=False, max_entries=8)
def completion(token: data.Token, phase: str, geography: str) -> pd.DataFrame:
    """Heads' completion table of ``phase``."""
    return completion_table(progress(token, phase, geography), targets(token))


def tasks(today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Task table on ``today``, every status update, and the agency names (not cached)."""
    s = store()
    updates, agencies = read_task_updates(s), read_agencies(s)
    return task_table(read_tasks(s), updates, agencies, today), updates, agencies


def deadlines() -> tuple[Deadline, ...]:
    """The plan's reporting calendar."""
    return calendar(settings().province)


def years_with_data(token: data.Token) -> list[int]:
    """Review years present in the store."""
    return available_years(data.observations(token))
