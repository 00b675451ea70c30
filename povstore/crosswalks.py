"""Stored crosswalk weights (tables ``crosswalk`` and ``crosswalk_build``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from povstore.store import Store

WEIGHT_COLUMNS = ["old_code", "new_code", "weight", "method"]


def save_crosswalk(store: Store, from_version: str, to_version: str, weights: pd.DataFrame,
                   *, overlay_available: bool, sources: str) -> int:
    """Replace the stored weights ``from_version → to_version``, all or nothing.

    Parameters
    ----------
    store : Store
        The store to write.
    from_version, to_version : str
        Boundary versions, e.g. ``"2021"`` and ``"2025"``.
    weights : DataFrame
        Columns ``old_code``, ``new_code``, ``weight`` (in (0, 1]) and ``method``.
    overlay_available : bool
        Whether area shares came from an overlay of real boundaries.
    sources : str
        The boundary sources used, recorded with the build.

    Returns
    -------
    int
        Number of pairs stored.
    """
    rows = [(from_version, to_version, str(o), str(n), float(w), str(m))
            for o, n, w, m in weights[WEIGHT_COLUMNS].itertuples(index=False, name=None)]
    with store.transaction() as con:
        con.execute("DELETE FROM crosswalk WHERE from_version=? AND to_version=?",
                    (from_version, to_version))
        con.executemany("INSERT INTO crosswalk VALUES (?, ?, ?, ?, ?, ?)", rows)
        con.execute("INSERT OR REPLACE INTO crosswalk_build VALUES (?, ?, ?, ?, ?)",
                    (from_version, to_version, dt.datetime.now(dt.UTC).isoformat(),
                     int(overlay_available), sources))
    return len(rows)
