"""Tables on screen with the reader's number format (``1.234,5`` / ``1,234.5``).

``st.dataframe`` shows a pandas Styler's text but sorts by the values underneath, so a
column of numbers reads the Vietnamese way and still sorts as numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from numbers import Real

import pandas as pd
from pandas.io.formats.style import Styler

from povcore.i18n import exact_decimals, format_number


def _number(lang: str, places: int) -> Callable[[object], str]:
    def text(value: object) -> str:
        real = isinstance(value, Real) and not isinstance(value, bool)
        return format_number(float(value) if real else None, lang, places)  # type: ignore[arg-type]

    return text


def _numbers(column: pd.Series) -> pd.Series | None:
    """The column's values as floats, or None when it is not a column of numbers."""
    values = column.dropna()
    if pd.api.types.is_bool_dtype(column) or values.empty:
        return None
    if pd.api.types.is_numeric_dtype(column):
        return values.astype(float)
    if all(isinstance(v, Real) and not isinstance(v, bool) for v in values):
        return values.astype(float)
    return None


#: Most decimals a column gets when no places are given for it.
MAX_DECIMALS = 3


def localised(frame: pd.DataFrame, lang: str, places: Mapping[Hashable, int] | None = None,
              plain: Iterable[Hashable] = ()) -> Styler:
    """``frame`` styled with the number format of ``lang``; missing values as "—".

    Parameters
    ----------
    frame : DataFrame
        The table; its values are not changed (sorting and downloads stay numeric).
    lang : str
        "vi" or "en".
    places : mapping, optional
        Decimals per column; any other column of numbers gets the fewest decimals (at
        most :data:`MAX_DECIMALS`) that show each of its values exactly.
    plain : iterable
        Columns of numbers to show as they are (years, codes).
    """
    places = dict(places or {})
    skip = set(plain)
    styler = frame.style
    for name in frame.columns:
        if name in skip:
            continue
        values = _numbers(frame[name])
        if values is None:
            continue
        digits = places.get(name, exact_decimals(values, MAX_DECIMALS))
        styler = styler.format(_number(lang, digits), subset=[name])
    return styler
