"""Classification schemes, degenerate data, labels and palettes."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.classify import (
    MAX_CLASSES,
    MIN_CLASSES,
    PALETTES,
    SCHEMES,
    class_colours,
    class_labels,
    classify,
    palette,
)
from povcore.errors import PovmapError
from povmaps.choropleth import legend_markup


def vi(v: float) -> str:
    return f"{v:.1f}".replace(".", ",")


def series(values: list[float | None]) -> pd.Series:
    return pd.Series(values, index=[f"u{i}" for i in range(len(values))], dtype=float)


# ---------------------------------------------------------------- front doors

def test_unknown_scheme_lists_valid_keys() -> None:
    with pytest.raises(PovmapError, match="quantiles, equal_interval, natural_breaks, manual"):
        classify(series([1.0, 2.0]), "jenks")


@pytest.mark.parametrize("k", [0, 2, 10])
def test_k_outside_range_lists_range(k: int) -> None:
    with pytest.raises(PovmapError, match=r"between 3 and 9 \(got " + str(k)):
        classify(series([1.0, 2.0, 3.0]), "quantiles", k=k)


# ---------------------------------------------------------------- schemes

def test_quantiles_equal_counts() -> None:
    c = classify(series([v + 0.5 for v in range(1, 11)]), "quantiles", k=5)
    assert c.bins == pytest.approx((3.3, 5.1, 6.9, 8.7, 10.5))
    assert c.counts == (2, 2, 2, 2, 2)
    assert c.lower == 1.5
    assert (c.k, c.k_requested, c.note, c.integer) == (5, 5, None, False)


def test_quantiles_of_whole_counts_end_on_whole_numbers() -> None:
    # mapclassify's bounds here are 2.8, 4.6, 6.4, 8.2, 10: counts end on 2, 4, 6, 8, 10.
    c = classify(series([float(v) for v in range(1, 11)]), "quantiles", k=5)
    assert c.bins == (2.0, 4.0, 6.0, 8.0, 10.0)
    assert c.integer is True
    assert c.counts == (2, 2, 2, 2, 2)
    assert c.lower == 1.0
    assert (c.k, c.k_requested, c.note) == (5, 5, None)


def test_equal_interval_bins() -> None:
    c = classify(series([float(v) for v in range(11)]), "equal_interval", k=5)
    assert c.bins == pytest.approx((2.0, 4.0, 6.0, 8.0, 10.0))
    # a value equal to an upper bound belongs to that class: 0,1,2 | 3,4 | ...
    assert c.counts == (3, 2, 2, 2, 2)
    assert c.yb["u2"] == 0
    assert c.yb["u3"] == 1


def test_natural_breaks_finds_the_gaps() -> None:
    c = classify(series([1, 2, 3, 10, 11, 12, 20, 21, 22]), "natural_breaks", k=3)
    assert c.bins == (3.0, 12.0, 22.0)
    assert c.counts == (3, 3, 3)
    assert c.yb.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_no_data_units_get_minus_one() -> None:
    c = classify(series([1.0, None, 3.0, 4.0, float("inf")]), "equal_interval", k=3)
    assert c.bins == (2.0, 3.0, 4.0)
    assert c.yb.tolist() == [0, -1, 1, 2, -1]
    assert c.no_data_count == 2
    assert sum(c.counts) == 3
    assert list(c.yb.index) == ["u0", "u1", "u2", "u3", "u4"]


# ---------------------------------------------------------------- manual

def test_manual_breaks() -> None:
    c = classify(series([0.5, 1.0, 1.5, 4.0, None]), "manual", breaks=[1, 2, 5])
    assert c.bins == (1.0, 2.0, 5.0)
    assert c.yb.tolist() == [0, 0, 1, 2, -1]
    assert c.counts == (2, 1, 1)
    assert (c.k, c.k_requested, c.note) == (3, 3, None)


def test_manual_values_above_last_break_get_their_own_class() -> None:
    # "10; 50; 100" with a maximum of 137: 100 stays a bound, 100 – 137 is a fourth class.
    c = classify(series([5.0, 40.0, 90.0, 137.0]), "manual", breaks=[10, 50, 100])
    assert c.bins == (10.0, 50.0, 100.0, 137.0)
    assert c.yb.tolist() == [0, 1, 2, 3]
    assert (c.k, c.k_requested) == (4, 3)
    assert c.note is not None
    assert "Thêm một lớp trên 100 đến giá trị lớn nhất 137" in c.note
    assert class_labels(c, lambda v: f"{v:g}") == ["5 – 10", "11 – 50", "51 – 100",
                                                   "101 – 137"]


def test_manual_last_class_extended_when_nine_breaks() -> None:
    c = classify(series([0.5, 1.5, 12.0]), "manual", breaks=[1, 2, 3, 4, 5, 6, 7, 8, 10])
    assert c.bins == (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 12.0)
    assert c.yb.tolist() == [0, 1, 8]
    assert c.note is not None
    assert "Lớp cuối mở rộng đến giá trị lớn nhất 12" in c.note
    assert "Last class extended" in c.note


@pytest.mark.parametrize(("breaks", "message"), [
    (None, "needs breaks"),
    ([1.0, 2.0], r"Number of manual breaks must be between 3 and 9 \(got 2\)"),
    ([1.0, 3.0, 2.0], "strictly increasing"),
    ([1.0, 1.0, 2.0], "strictly increasing"),
    ([1.0, 2.0, float("nan")], "finite"),
])
def test_manual_breaks_validated(breaks: list[float] | None, message: str) -> None:
    with pytest.raises(PovmapError, match=message):
        classify(series([1.0, 2.0]), "manual", breaks=breaks)


def test_breaks_rejected_for_automatic_scheme() -> None:
    with pytest.raises(PovmapError, match="only to scheme 'manual'"):
        classify(series([1.0, 2.0]), "quantiles", breaks=[1, 2, 3])


# ---------------------------------------------------------------- degenerate data

@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval", "natural_breaks"])
def test_all_no_data(scheme: str) -> None:
    c = classify(series([None, None, None]), scheme)
    assert (c.k, c.bins, c.counts, c.no_data_count) == (0, (), (), 3)
    assert math.isnan(c.lower)
    assert c.yb.tolist() == [-1, -1, -1]
    assert c.note == "Không có dữ liệu để phân loại / No data to classify"


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval", "natural_breaks"])
def test_all_equal_values_one_class(scheme: str) -> None:
    c = classify(series([2.5, 2.5, None, 2.5]), scheme, k=5)
    assert (c.k, c.k_requested, c.bins, c.counts, c.lower) == (1, 5, (2.5,), (3,), 2.5)
    assert c.yb.tolist() == [0, 0, -1, 0]
    assert c.note == ("Mọi đơn vị có cùng giá trị 2.5: chỉ một lớp / "
                      "All units have the same value 2.5: one class")


def test_single_value() -> None:
    c = classify(series([7.0]), "natural_breaks", k=4)
    assert (c.k, c.bins, c.counts) == (1, (7.0,), (1,))


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval", "natural_breaks"])
def test_fewer_distinct_values_than_k(scheme: str) -> None:
    c = classify(series([1.0, 1.0, 2.0, 3.0, 3.0]), scheme, k=5)
    assert (c.k, c.bins, c.counts) == (3, (1.0, 2.0, 3.0), (2, 1, 2))
    assert c.note == ("Chỉ có 3 giá trị khác nhau: 3 lớp thay vì 5 / "
                      "Only 3 distinct values: 3 classes instead of 5")


def test_tied_quantiles_collapse_with_note() -> None:
    c = classify(series([0.0] * 30 + [1.0, 2.0, 3.0, 4.0, 5.0]), "quantiles", k=5)
    assert c.bins == (0.0, 5.0)
    assert c.counts == (30, 5)
    assert c.note is not None
    assert c.note.startswith("Nhiều giá trị trùng nhau: 2 lớp thay vì 5")


# ---------------------------------------------------------------- labels

def test_class_labels_use_formatter() -> None:
    c = classify(series([0.5, 1.2, 2.0, 3.75]), "manual", breaks=[1.2, 2.5, 3.75])
    assert class_labels(c, vi) == ["0,5 – 1,2", "1,2 – 2,5", "2,5 – 3,8"]


def test_class_label_of_single_value_class() -> None:
    c = classify(series([4.0, 4.0]), "quantiles")
    assert class_labels(c, lambda v: f"{v:g}") == ["4"]


def test_no_data_label_and_colour() -> None:
    """Units without data get class -1, drawn light grey as "Không có dữ liệu"."""
    c = classify(series([1.0, None, 3.0, 4.0, None]), "quantiles", k=3)
    assert c.yb.tolist()[1::3] == [-1, -1]
    rows = {}
    for lang in ("vi", "en"):
        markup = legend_markup(class_colours(c, "Reds"), class_labels(c, vi), list(c.counts),
                               c.no_data_count, "%", lang)
        rows[lang] = re.search(
            r'data-class="-1"><span class="povmap-swatch" style="background-color:(#\w+)">'
            r'</span><span class="povmap-legend-label">([^<]*)</span>'
            r'<span class="povmap-legend-count">(\d+)</span>', markup).groups()
    assert rows == {"vi": ("#cccccc", "Không có dữ liệu", "2"),
                    "en": ("#cccccc", "No data", "2")}


# ---------------------------------------------------------------- invariant

values_st = st.lists(
    st.one_of(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False,
                        allow_subnormal=False), st.none()),
    min_size=0, max_size=40)


@settings(max_examples=150, deadline=None)
@given(values=values_st, scheme=st.sampled_from(["quantiles", "equal_interval",
                                                 "natural_breaks"]),
       k=st.integers(min_value=MIN_CLASSES, max_value=MAX_CLASSES))
def test_every_value_in_exactly_one_class(values: list[float | None], scheme: str,
                                          k: int) -> None:
    s = series(values)
    c = classify(s, scheme, k=k)
    _check_partition(s, c.bins, c.lower, c.yb, c.counts, c.no_data_count)
    assert c.k == len(c.bins) <= k
    assert (c.note is None) == (c.k == k)


@settings(max_examples=100, deadline=None)
@given(values=values_st,
       breaks=st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False,
                                 allow_subnormal=False),
                       min_size=3, max_size=9, unique=True).map(sorted))
def test_every_value_in_exactly_one_manual_class(values: list[float | None],
                                                 breaks: list[float]) -> None:
    s = series(values)
    c = classify(s, "manual", breaks=breaks)
    _check_partition(s, c.bins, c.lower, c.yb, c.counts, c.no_data_count)
    above = s.max() > breaks[-1] and len(breaks) < 9
    assert c.k == len(breaks) + (1 if above else 0)


def _check_partition(s: pd.Series, bins: tuple[float, ...], lower: float, yb: pd.Series,
                     counts: tuple[int, ...], no_data: int) -> None:
    assert list(bins) == sorted(set(bins))
    for code, v in s.items():
        if np.isnan(v):
            assert yb[code] == -1
            continue
        members = [i for i, hi in enumerate(bins)
                   if v <= hi and (v > bins[i - 1] if i else v >= lower)]
        assert members == [yb[code]]
    assert sum(counts) + no_data == len(s)
    assert no_data == int(s.isna().sum())


# ---------------------------------------------------------------- palettes

def test_required_palettes_present() -> None:
    assert {"YlOrRd", "OrRd", "Reds", "Blues", "YlGnBu", "Purples", "Greens"} <= set(PALETTES)


@pytest.mark.parametrize("name", sorted(PALETTES))
@pytest.mark.parametrize("k", range(3, 10))
def test_palette_lengths_and_hex(name: str, k: int) -> None:
    colours = palette(name, k)
    assert len(colours) == k
    assert len(set(colours)) == k
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)


def test_palette_values() -> None:
    assert palette("YlOrRd", 5) == ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
    assert palette("Blues", 3) == ("#deebf7", "#9ecae1", "#3182bd")


# ColorBrewer 2.0 YlOrRd, typed from colorbrewer2.org: every size the app offers.
YLORRD = {
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    6: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"),
    7: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
    8: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
    9: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026",
        "#800026"),
}


@pytest.mark.parametrize("k", sorted(YLORRD))
def test_palette_is_colorbrewer_at_every_size(k: int) -> None:
    assert palette("YlOrRd", k) == YLORRD[k]


def test_palette_ends_typed_by_hand() -> None:
    ends = {name: (palette(name, 9)[0], palette(name, 9)[-1]) for name in PALETTES}
    assert ends == {"YlOrRd": ("#ffffcc", "#800026"), "OrRd": ("#fff7ec", "#7f0000"),
                    "Reds": ("#fff5f0", "#67000d"), "Blues": ("#f7fbff", "#08306b"),
                    "YlGnBu": ("#ffffd9", "#081d58"), "Purples": ("#fcfbfd", "#3f007d"),
                    "Greens": ("#f7fcf5", "#00441b")}


@pytest.mark.parametrize(("name", "k", "message"), [
    ("Rainbow", 5, "Unknown palette 'Rainbow'. Valid: YlOrRd"),
    ("Reds", 2, "between 3 and 9"),
    ("Reds", 10, "between 3 and 9"),
])
def test_palette_errors(name: str, k: int, message: str) -> None:
    with pytest.raises(PovmapError, match=message):
        palette(name, k)


def test_class_colours_for_few_classes() -> None:
    two = classify(series([1.0, 2.0]), "quantiles", k=5)
    assert class_colours(two, "Reds") == ("#fee0d2", "#de2d26")
    five = classify(series([float(v) for v in range(10)]), "quantiles", k=5)
    assert class_colours(five, "Reds") == palette("Reds", 5)


def test_scheme_registry_labels_bilingual() -> None:
    assert all(s.label_vi and s.label_en for s in SCHEMES.values())


def test_small_counts_get_integer_non_overlapping_labels() -> None:
    # Households per commune in a small category: the legend read
    # "0", "0 – 1", "0 – 2", "2 – 3" (percentile bounds 0, 0.25, 1.5, 2.75, 3).
    values = series([0.0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 3])
    c = classify(values, "quantiles", k=5)
    assert c.bins == (0.0, 1.0, 2.0, 3.0)
    assert c.counts == (5, 2, 2, 3)
    assert class_labels(c, lambda v: f"{v:g}") == ["0", "1", "2", "3"]
    n = classify(series([0.0, 1, 2, 4, 5, 9, 10, 11, 30, 31]), "natural_breaks", k=3)
    assert class_labels(n, lambda v: f"{v:g}") == ["0 – 5", "6 – 11", "12 – 31"]


def test_rates_keep_shared_bounds() -> None:
    c = classify(series([0.5, 1.2, 3.0, 4.5]), "manual", breaks=[1.2, 3, 4.5])
    assert c.integer is False
    assert class_labels(c, lambda v: f"{v:g}") == ["0.5 – 1.2", "1.2 – 3", "3 – 4.5"]


# --- our implementations agree with mapclassify (the reference, a dev dependency) ---

import mapclassify  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as hst  # noqa: E402

from analysis.classify import _equal_interval, _natural_breaks, _quantiles  # noqa: E402

_distinct_floats = hst.lists(hst.floats(min_value=-1e4, max_value=1e4, allow_nan=False,
                                        allow_infinity=False), min_size=10, max_size=120,
                             unique=True)


@settings(max_examples=60, deadline=None)
@given(_distinct_floats, hst.integers(min_value=3, max_value=9))
def test_schemes_match_mapclassify(values: list[float], k: int) -> None:
    import warnings

    data = np.asarray(values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref_q = mapclassify.Quantiles(data, k=k).bins
        ref_e = mapclassify.EqualInterval(data, k=k).bins
        ref_f = mapclassify.FisherJenks(data, k=k)
    np.testing.assert_allclose(_quantiles(data, k), ref_q, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(_equal_interval(data, k), ref_e, rtol=1e-9, atol=1e-6)
    ours = _natural_breaks(data, k)
    # Equal-cost partitions may differ (mapclassify sums in float32): compare the cost.
    def cost(bins: np.ndarray) -> float:
        cls = np.searchsorted(bins, data, side="left")
        return float(sum(((data[cls == i] - data[cls == i].mean()) ** 2).sum()
                         for i in range(len(bins)) if (cls == i).any()))
    assert cost(ours) <= cost(np.asarray(ref_f.bins)) * (1 + 1e-6) + 1e-6


def test_natural_breaks_example_matches_mapclassify() -> None:
    data = np.asarray([1.0, 2, 3, 10, 11, 12, 30, 31, 55, 60, 61, 80], dtype=float)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = mapclassify.FisherJenks(data, k=4).bins.tolist()
    assert _natural_breaks(data, 4).tolist() == ref == [12.0, 31.0, 61.0, 80.0]
