"""Long observation and crosswalk-weight frames built from hand-typed rows.

Shared by the analysis tests (map values, overview, series).
"""

from __future__ import annotations

import pandas as pd

#: (unit_code, boundary_version, year, indicator, value): one row of the store's
#: ``observations`` frame.
Row = tuple[str, str, int, str, float]
OBS_COLUMNS = ["unit_code", "boundary_version", "year", "indicator", "value"]


def make_obs(rows: list[Row]) -> pd.DataFrame:
    """The long observations frame of ``rows``."""
    return pd.DataFrame(rows, columns=OBS_COLUMNS)


def weights(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    """Crosswalk weights (old_code, new_code, weight), method ``"test"``."""
    return pd.DataFrame(rows, columns=["old_code", "new_code", "weight"]).assign(
        method="test")
