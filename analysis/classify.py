"""Classification schemes and colour palettes for choropleth maps.

A classification turns unit values into ``k`` ordered classes, the way
``mapclassify`` does: ``bins`` are the classes' upper bounds, ``yb`` the class of
every unit and ``counts`` the units per class. Units without data get class ``-1``
and are drawn in :data:`NO_DATA_COLOUR`, labelled with the catalogue's ``no_data`` text
(:func:`povcore.i18n.t`: "Không có dữ liệu" / "No data").

Degenerate data (no data, one value, all values equal, fewer distinct values than
``k``, many ties) never raises: it yields fewer classes and a bilingual ``note``
saying why, for the legend.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
from branca.utilities import color_brewer

from povcore.errors import PovmapError
from povcore.labels import Labelled

MIN_CLASSES = 3
MAX_CLASSES = 9
#: Fill of units without data, on the map and in its legend (the only definition).
NO_DATA_COLOUR = "#cccccc"

FloatArray = np.ndarray


@dataclass(frozen=True, eq=False)
class Classification:
    """Result of :func:`classify` (mapclassify's ``bins``/``yb``/``counts`` model).

    Attributes
    ----------
    bins : tuple of float
        Upper bound of each class, ascending; ``len(bins) == k``.
    lower : float
        Lower bound of the first class (the minimum value); NaN without data.
    yb : pandas.Series
        Class index of every unit (index = unit code); ``-1`` for no data.
    counts : tuple of int
        Number of units in each class.
    no_data_count : int
        Number of units without data.
    scheme : str
        Key of the scheme used.
    k_requested, k : int
        Classes asked for and classes produced (fewer for degenerate data).
    note : str or None
        Why ``k < k_requested`` or the breaks were adjusted ("vi / en").
    integer : bool
        Every value is a whole number (a count): the bins are whole numbers too, and
        :func:`class_labels` writes non-overlapping integer ranges ("0", "1 – 2", "3 – 5").
    """

    bins: tuple[float, ...]
    lower: float
    yb: pd.Series
    counts: tuple[int, ...]
    no_data_count: int
    scheme: str
    k_requested: int
    k: int
    note: str | None
    integer: bool = False


@dataclass(frozen=True)
class Scheme(Labelled):
    """One classification scheme offered to the user."""

    needs_breaks: bool
    compute: Callable[[FloatArray, int], FloatArray] | None = None


# The three automatic schemes reproduce mapclassify's (the tests compare them with it):
# importing mapclassify pulls in scikit-learn and SciPy, about 90 MB of server memory.


def _quantiles(data: FloatArray, k: int) -> FloatArray:
    """Upper bounds at the 100/k-th percentiles (linear interpolation), as mapclassify."""
    w = 100.0 / k
    pct = np.minimum(np.arange(w, 100 + w, w), 100.0)
    return np.unique(np.percentile(data, pct))


def _equal_interval(data: FloatArray, k: int) -> FloatArray:
    """K classes of equal width between min and max; the last bound is the max."""
    lo, hi = float(np.min(data)), float(np.max(data))
    cuts = lo + (hi - lo) / k * np.arange(1, k + 1)
    cuts[-1] = hi
    return cuts


def _natural_breaks(data: FloatArray, k: int) -> FloatArray:
    """Fisher's exact optimal partition (Jenks natural breaks), vectorised.

    Minimises the total within-class sum of squared deviations over sorted values by
    dynamic programming; ties go to the earliest class start, as in mapclassify.

    >>> _natural_breaks(np.array([1.0, 2, 3, 10, 11, 12, 30, 31]), 3).tolist()
    [3.0, 12.0, 31.0]
    """
    x = np.sort(np.asarray(data, dtype=float))
    n = x.size
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])
    cost = np.full((n + 1, k + 1), np.inf)
    start = np.ones((n + 1, k + 1), dtype=int)
    for last in range(1, n + 1):
        first = np.arange(1, last + 1)  # 1-based first index of the last class
        width = last - first + 1
        seg = s1[last] - s1[first - 1]
        var = (s2[last] - s2[first - 1]) - seg * seg / width
        cost[last, 1] = var[0]
        for j in range(2, k + 1):
            cand = var[1:] + cost[first[1:] - 1, j - 1]
            if cand.size:
                best = int(np.argmin(cand))
                cost[last, j] = cand[best]
                start[last, j] = first[1:][best]
    bins = np.empty(k)
    bins[-1] = x[-1]
    end = n
    for j in range(k, 1, -1):
        first_of_class = start[end, j]
        bins[j - 2] = x[first_of_class - 2]
        end = first_of_class - 1
    return bins


SCHEMES: Mapping[str, Scheme] = MappingProxyType({
    "quantiles": Scheme("quantiles", "Phân vị (số đơn vị đều nhau)",
                        "Quantiles (equal counts)", False, _quantiles),
    "equal_interval": Scheme("equal_interval", "Khoảng đều", "Equal interval", False,
                             _equal_interval),
    "natural_breaks": Scheme("natural_breaks", "Ngắt tự nhiên (Fisher–Jenks)",
                             "Natural breaks (Fisher–Jenks)", False, _natural_breaks),
    "manual": Scheme("manual", "Tự nhập ngưỡng", "Manual breaks", True),
})


def get_scheme(key: str) -> Scheme:
    """Front door of the scheme registry; an unknown key lists the valid ones.

    >>> get_scheme("natural_breaks").label_en
    'Natural breaks (Fisher–Jenks)'
    >>> get_scheme("jenks")
    Traceback (most recent call last):
    ...
    povcore.errors.PovmapError: Unknown classification scheme 'jenks'. Valid: quantiles, equal_interval, natural_breaks, manual.
    """  # noqa: E501
    try:
        return SCHEMES[key]
    except KeyError:
        raise PovmapError(f"Unknown classification scheme '{key}'. "
                          f"Valid: {', '.join(SCHEMES)}.") from None


def _check_k(k: int, what: str = "Number of classes") -> None:
    if not MIN_CLASSES <= k <= MAX_CLASSES:
        raise PovmapError(f"{what} must be between {MIN_CLASSES} and {MAX_CLASSES} "
                          f"(got {k}). Valid: {', '.join(map(str, _K_RANGE))}.")


_K_RANGE = range(MIN_CLASSES, MAX_CLASSES + 1)


def _auto_bins(data: FloatArray, scheme: Scheme, k: int) -> tuple[FloatArray, str | None]:
    if data.size == 0:
        return np.empty(0), "Không có dữ liệu để phân loại / No data to classify"
    distinct = np.unique(data)
    if distinct.size == 1:
        v = float(distinct[0])
        return distinct, (f"Mọi đơn vị có cùng giá trị {v:g}: chỉ một lớp / "
                          f"All units have the same value {v:g}: one class")
    if distinct.size < k:
        d = distinct.size
        return distinct, (f"Chỉ có {d} giá trị khác nhau: {d} lớp thay vì {k} / "
                          f"Only {d} distinct values: {d} classes instead of {k}")
    assert scheme.compute is not None
    raw = scheme.compute(data, k)
    if _all_whole(data):
        # Counts: a bound between two whole numbers (a percentile such as 0.5) makes
        # classes that a reader cannot tell apart; the class ends at the whole number below.
        raw = np.floor(raw)
    top = float(distinct[-1])
    bins = np.unique(np.append(raw[(raw < top) & (raw >= distinct[0])], top))
    if bins.size < k:
        m = bins.size
        return bins, (f"Nhiều giá trị trùng nhau: {m} lớp thay vì {k} / "
                      f"Many tied values: {m} classes instead of {k}")
    return bins, None


def _all_whole(data: FloatArray) -> bool:
    return bool(data.size) and bool(np.all(data == np.floor(data)))


def _manual_bins(data: FloatArray, breaks: Sequence[float]) -> tuple[FloatArray, str | None]:
    bins = np.asarray([float(b) for b in breaks], dtype=float)
    _check_k(bins.size, "Number of manual breaks")
    if not np.all(np.isfinite(bins)) or np.any(np.diff(bins) <= 0):
        raise PovmapError(f"Manual breaks must be finite and strictly increasing "
                          f"(got {list(breaks)}). Example: 1, 2, 5, 10.")
    if data.size and data.max() > bins[-1]:
        top, last = float(data.max()), float(bins[-1])
        if bins.size < MAX_CLASSES:
            # Every break the user typed stays a bound: values above the last one get
            # a class of their own.
            return np.append(bins, top), (
                f"Thêm một lớp trên {last:g} đến giá trị lớn nhất {top:g} / "
                f"Added a class above {last:g} up to the maximum {top:g}")
        bins[-1] = top
        return bins, (f"Lớp cuối mở rộng đến giá trị lớn nhất {top:g} / "
                      f"Last class extended to the maximum {top:g}")
    return bins, None


def _bins_for(data: FloatArray, spec: Scheme, k: int,
              breaks: Sequence[float] | None) -> tuple[FloatArray, str | None]:
    if spec.needs_breaks:
        if breaks is None:
            raise PovmapError(f"Scheme '{spec.key}' needs breaks (class upper bounds), "
                              "e.g. breaks=[1, 2, 5, 10].")
        return _manual_bins(data, breaks)
    if breaks is not None:
        raise PovmapError(f"Breaks apply only to scheme 'manual', not '{spec.key}'.")
    _check_k(k)
    return _auto_bins(data, spec, k)


def classify(values: pd.Series, scheme: str, k: int = 5,
             breaks: Sequence[float] | None = None) -> Classification:
    """Classify unit values into ordered classes.

    Parameters
    ----------
    values : pandas.Series
        One value per unit (index = unit code); NaN (or infinite) means no data.
    scheme : str
        ``"quantiles"``, ``"equal_interval"``, ``"natural_breaks"`` or ``"manual"``.
    k : int, default 5
        Number of classes, 3 to 9 (ignored by ``"manual"``).
    breaks : sequence of float, optional
        Upper bounds of the classes for ``"manual"`` (3 to 9, increasing). Values
        above the last break extend the last class (with a note).

    Returns
    -------
    Classification
        A value ``v`` is in class ``i`` when ``bins[i-1] < v <= bins[i]``.

    Examples
    --------
    >>> s = pd.Series([1.0, 2.0, 3.0, 10.0, None], index=list("abcde"))
    >>> c = classify(s, "manual", breaks=[2, 5, 10])
    >>> c.bins, c.counts, c.yb.tolist()
    ((2.0, 5.0, 10.0), (2, 1, 1), [0, 0, 1, 2, -1])
    >>> classify(pd.Series([4.0, 4.0]), "quantiles").note
    'Mọi đơn vị có cùng giá trị 4: chỉ một lớp / All units have the same value 4: one class'
    """
    spec = get_scheme(scheme)
    x = pd.to_numeric(values, errors="coerce").astype(float)
    has = np.isfinite(x.to_numpy())
    data = x.to_numpy()[has]
    bins, note = _bins_for(data, spec, k, breaks)
    yb = np.full(len(x), -1, dtype=int)
    yb[has] = np.searchsorted(bins, data, side="left")
    lower = math.nan if data.size == 0 else float(min(data.min(), bins[0]))
    counts = tuple(int(n) for n in np.bincount(yb[has], minlength=bins.size))
    return Classification(
        bins=tuple(float(b) for b in bins), lower=lower,
        yb=pd.Series(yb, index=values.index, name="class"), counts=counts,
        no_data_count=int((~has).sum()), scheme=spec.key,
        k_requested=len(breaks) if spec.needs_breaks and breaks is not None else k,
        k=int(bins.size), note=note,
        integer=_all_whole(data) and bool(np.all(bins == np.floor(bins))))


def class_labels(c: Classification, fmt: Callable[[float], str]) -> list[str]:
    """Legend labels "lower – upper" per class, numbers written by ``fmt``.

    A class holding a single value is labelled with that value alone. Whole counts
    (``c.integer``) get whole, non-overlapping ranges: a class above bound ``b`` starts
    at ``b + 1``.

    >>> c = classify(pd.Series([0.5, 1.2, 3.0, 4.5]), "manual", breaks=[1.2, 3, 4.5])
    >>> class_labels(c, lambda v: f"{v:.1f}".replace(".", ","))
    ['0,5 – 1,2', '1,2 – 3,0', '3,0 – 4,5']
    >>> c = classify(pd.Series([0.0, 0, 0, 1, 2, 2, 3, 5]), "quantiles", k=4)
    >>> class_labels(c, lambda v: f"{v:g}")
    ['0', '1', '2', '3 – 5']
    """
    step = 1.0 if c.integer else 0.0
    lows = (c.lower, *(b + step for b in c.bins[:-1]))
    out = []
    for low, high in zip(lows, c.bins, strict=True):
        if math.isnan(low):
            out.append(f"≤ {fmt(high)}")
        elif low == high:
            out.append(fmt(high))
        else:
            out.append(f"{fmt(low)} – {fmt(high)}")
    return out


# ColorBrewer 2.0 sequential schemes (Cynthia Brewer, Pennsylvania State University;
# Apache-2.0 licence), all marked colour-blind safe, light → dark. The colours are
# branca's copy of ColorBrewer (installed with folium), not typed here.
PALETTE_NAMES: tuple[str, ...] = ("YlOrRd", "OrRd", "Reds", "Blues", "YlGnBu", "Purples",
                                  "Greens")


def _brewer(name: str) -> Mapping[int, tuple[str, ...]]:
    return MappingProxyType({k: tuple(c.lower() for c in color_brewer(name, k))
                             for k in _K_RANGE})


PALETTES: Mapping[str, Mapping[int, tuple[str, ...]]] = MappingProxyType(
    {name: _brewer(name) for name in PALETTE_NAMES})


def palette(name: str, k: int) -> tuple[str, ...]:
    """Hex colours of palette ``name`` for ``k`` classes (3 to 9), light to dark.

    >>> palette("YlOrRd", 5)
    ('#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026')
    """
    if name not in PALETTES:
        raise PovmapError(f"Unknown palette '{name}'. Valid: {', '.join(PALETTES)}.")
    _check_k(k)
    return PALETTES[name][k]


def class_colours(c: Classification, name: str) -> tuple[str, ...]:
    """One colour per class of ``c``, also for the 1–2 classes of degenerate data.

    >>> class_colours(classify(pd.Series([1.0, 1.0]), "quantiles"), "Reds")
    ('#fc9272',)
    """
    if c.k >= MIN_CLASSES:
        return palette(name, c.k)
    three = palette(name, MIN_CLASSES)
    return {0: (), 1: (three[1],), 2: (three[0], three[2])}[c.k]
