"""The map view as a value: parsed from and written to URL query parameters.

A shared link (``?ind=poor_a_rate&year=2025&geo=current&cls=quantiles&k=5&unit=26068``)
reopens the same view. Parsing never fails: an unknown or malformed parameter falls
back to its default and is reported, so a stale link still opens.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Self

from analysis.classify import MAX_CLASSES, MIN_CLASSES, PALETTES, SCHEMES
from analysis.mapdata import GEOGRAPHIES
from povcore.errors import PovmapError
from povcore.indicators import INDICATORS

LEVELS = ("commune", "district")
LANGS = ("vi", "en")


@dataclass(frozen=True)
class ViewState:
    """Everything that defines what the map page shows."""

    indicator: str = "poor_rate"
    year: int | None = None
    geography: str = "collected"
    level: str = "commune"
    scheme: str = "quantiles"
    k: int = 5
    palette: str = "YlOrRd"
    breaks: tuple[float, ...] = ()
    unit: str | None = None

    def with_(self, **changes: object) -> Self:
        """A copy with ``changes``."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def view(self) -> dict[str, Any]:
        """The view fields alone (a subclass's extra fields left out), by name.

        >>> ViewState(k=4).view()["k"]
        4
        """
        return {f.name: getattr(self, f.name) for f in fields(ViewState)}


_KEYS = {"indicator": "ind", "year": "year", "geography": "geo", "level": "lvl",
         "scheme": "cls", "k": "k", "palette": "pal", "breaks": "brk", "unit": "unit"}


def _choice(raw: str | None, valid: Sequence[str], default: str, name: str,
            problems: list[str]) -> str:
    if raw is None or raw == "":
        return default
    if raw in valid:
        return raw
    problems.append(f"{name}={raw!r}")
    return default


def _int(raw: str | None, default: int | None, lo: int, hi: int, name: str,
         problems: list[str]) -> int | None:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"{name}={raw!r}")
        return default
    if lo <= value <= hi:
        return value
    problems.append(f"{name}={raw!r}")
    return default


@dataclass(frozen=True)
class Notice:
    """A sentence for the reader in both interface languages."""

    vi: str
    en: str

    def text(self, lang: str) -> str:
        """The sentence in ``lang`` ("vi" or "en")."""
        return self.en if lang == "en" else self.vi


class BreaksError(PovmapError):
    """Manual breaks that cannot be used; ``notice`` says why in both languages."""

    def __init__(self, notice: Notice) -> None:
        self.notice = notice
        super().__init__(f"{notice.vi} / {notice.en}")


_EXAMPLE = Notice("Ví dụ: 1; 2,5; 5", "Example: 1; 2.5; 5")


def _number(item: str) -> float:
    """One break as typed: "2,5" (Vietnamese) or "2.5"; "1.000,5", "2.000" with thousands dots.

    >>> _number("2,5"), _number("2.5"), _number("2.000"), _number("0.500"), _number("1.000,5")
    (2.5, 2.5, 2000.0, 0.5, 1000.5)
    """
    text = item.strip().replace(" ", "").replace("\u00a0", "")
    if ("," in text and "." in text) or re.fullmatch(r"[1-9]\d{0,2}(\.\d{3})+", text):
        # Vietnamese thousands dots: "1.000,5", "2.000" (a leading 0 stays a decimal).
        text = text.replace(".", "").replace(",", ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    value = float(text)  # ValueError for anything else
    if not math.isfinite(value):
        raise ValueError(item)
    return value


def _items(text: str) -> list[str]:
    if ";" in text or "\n" in text:
        return [x for x in re.split(r"[;\n]", text) if x.strip()]
    # Without ";", a comma followed by a space or spaces alone separate the breaks
    # ("10, 50, 100", "10 50 100"); a comma inside a number is a decimal comma.
    return [x for x in re.split(r",\s+|\s+", text.strip()) if x.strip()]


def parse_breaks(text: str) -> tuple[float, ...]:
    """Class upper bounds typed by a person: 3 to 9 increasing numbers.

    ``;`` separates the breaks and a comma is a decimal comma (Vietnamese usage);
    a point is accepted as a decimal point. Raises :class:`BreaksError` naming the
    offending value.

    >>> parse_breaks("0,5; 1; 2,5; 5")
    (0.5, 1.0, 2.5, 5.0)
    >>> parse_breaks("10; 50; 100")
    (10.0, 50.0, 100.0)
    >>> parse_breaks("10; 5; 20")
    Traceback (most recent call last):
    ...
    analysis.viewstate.BreaksError: Ngưỡng phải tăng dần: 5 đứng sau 10. Ví dụ: 1; 2,5; 5 / Breaks must increase: 5 comes after 10. Example: 1; 2.5; 5
    """  # noqa: E501
    items = _items(text)
    values: list[float] = []
    for item in items:
        try:
            values.append(_number(item))
        except ValueError:
            raise BreaksError(Notice(
                f"«{item.strip()}» không phải là số. {_EXAMPLE.vi}",
                f"'{item.strip()}' is not a number. {_EXAMPLE.en}")) from None
    if not MIN_CLASSES <= len(values) <= MAX_CLASSES:
        raise BreaksError(Notice(
            f"Cần {MIN_CLASSES} đến {MAX_CLASSES} ngưỡng, cách nhau bởi dấu «;» "
            f"(đã nhập {len(values)}). {_EXAMPLE.vi}",
            f"Enter {MIN_CLASSES} to {MAX_CLASSES} breaks separated by ';' "
            f"(got {len(values)}). {_EXAMPLE.en}"))
    for before, after in itertools.pairwise(values):
        if after <= before:
            raise BreaksError(Notice(
                f"Ngưỡng phải tăng dần: {after:g} đứng sau {before:g}. {_EXAMPLE.vi}",
                f"Breaks must increase: {after:g} comes after {before:g}. {_EXAMPLE.en}"))
    return tuple(values)


def breaks_text(breaks: Sequence[float], lang: str) -> str:
    """Breaks as a person types them: "0,5; 1; 2,5" (vi) or "0.5; 1; 2.5" (en)."""
    text = "; ".join(f"{b:g}" for b in breaks)
    return text.replace(".", ",") if lang == "vi" else text


def _breaks(raw: str | None, problems: list[str]) -> tuple[float, ...]:
    if not raw:
        return ()
    try:
        return parse_breaks(raw.replace(",", ";"))
    except BreaksError:
        problems.append(f"brk={raw!r}")
        return ()


def from_query(params: Mapping[str, str]) -> tuple[ViewState, list[str]]:
    """Parse query parameters; returns the state and the parameters that were ignored.

    >>> s, bad = from_query({"ind": "poor_a", "year": "2022", "k": "12", "unit": "26068"})
    >>> (s.indicator, s.year, s.k, s.unit), bad
    (('poor_a', 2022, 5, '26068'), ["k='12'"])
    """
    d = ViewState()
    bad: list[str] = []
    unit = params.get("unit") or None
    state = ViewState(
        indicator=_choice(params.get("ind"), list(INDICATORS), d.indicator, "ind", bad),
        year=_int(params.get("year"), None, 1990, 2100, "year", bad),
        geography=_choice(params.get("geo"), list(GEOGRAPHIES), d.geography, "geo", bad),
        level=_choice(params.get("lvl"), LEVELS, d.level, "lvl", bad),
        scheme=_choice(params.get("cls"), list(SCHEMES), d.scheme, "cls", bad),
        k=_int(params.get("k"), d.k, MIN_CLASSES, MAX_CLASSES, "k", bad) or d.k,
        palette=_choice(params.get("pal"), list(PALETTES), d.palette, "pal", bad),
        breaks=_breaks(params.get("brk"), bad),
        unit=unit if unit is None or unit.isdigit() else None,
    )
    if unit is not None and state.unit is None:
        bad.append(f"unit={unit!r}")
    if state.scheme == "manual" and not state.breaks:
        # Manual classes without usable breaks cannot be drawn: the default scheme is.
        if not params.get("brk"):
            bad.append("brk=''")
        state = state.with_(scheme=d.scheme)
    return state, bad


def to_query(state: ViewState) -> dict[str, str]:
    """Query parameters for ``state`` (defaults left out, so links stay short).

    >>> to_query(ViewState(indicator="poor_a", year=2025, unit="26068"))
    {'ind': 'poor_a', 'year': '2025', 'unit': '26068'}
    """
    default = asdict(ViewState())
    out: dict[str, str] = {}
    for field, value in asdict(state).items():
        if value == default[field] or value is None:
            continue
        text = ",".join(f"{v:g}" for v in value) if field == "breaks" else str(value)
        out[_KEYS[field]] = text
    return out


_PARAMS = {"ind": ("Chỉ tiêu", "Indicator"), "year": ("Năm", "Year"),
           "geo": ("Ranh giới", "Boundaries"), "lvl": ("Cấp", "Level"),
           "cls": ("Cách phân lớp", "Classification"), "k": ("Số lớp", "Number of classes"),
           "pal": ("Bảng màu", "Palette"), "brk": ("Ngưỡng tự nhập", "Manual breaks"),
           "unit": ("Đơn vị", "Unit")}


def param_notice(item: str) -> Notice:
    """Notice for a link parameter reported by :func:`from_query` (``"k='12'"``).

    >>> param_notice("k='12'").vi
    'Liên kết: Số lớp «12» không dùng được — hiển thị mặc định.'
    >>> param_notice("brk=''").en
    'Link: manual classes need breaks (brk=1,2.5,5) — showing the default classification.'
    """
    name, _, raw = item.partition("=")
    raw = raw.strip("'\"")
    if name == "brk" and not raw:
        return Notice("Liên kết: phân lớp tự nhập cần ngưỡng (brk=1,2.5,5) — hiển thị "
                      "cách phân lớp mặc định.",
                      "Link: manual classes need breaks (brk=1,2.5,5) — showing the "
                      "default classification.")
    vi, en = _PARAMS.get(name, (name, name))
    return Notice(f"Liên kết: {vi} «{raw}» không dùng được — hiển thị mặc định.",
                  f"Link: {en.lower()} '{raw}' cannot be used — showing the default.")


def year_notice(asked: int, shown: int) -> Notice:
    """Notice for a year without data.

    >>> year_notice(2030, 2026).vi
    'Năm 2030 chưa có số liệu — hiển thị 2026.'
    """
    return Notice(f"Năm {asked} chưa có số liệu — hiển thị {shown}.",
                  f"No data for {asked} — showing {shown}.")


def level_notice(asked: str, version: str) -> Notice:
    """Notice for a level the boundaries of ``version`` do not have."""
    return Notice(f"Ranh giới {version} không có cấp «{asked}» (cấp huyện đã bỏ từ "
                  "1/7/2025) — hiển thị cấp xã.",
                  f"The {version} boundaries have no level '{asked}' (districts were "
                  "abolished on 1 Jul 2025) — showing communes.")


def unit_notice(code: str) -> Notice:
    """Notice for a unit code that is not on the map shown."""
    return Notice(f"Đơn vị {code} không có trên bản đồ này — chưa chọn đơn vị nào.",
                  f"Unit {code} is not on this map — no unit selected.")


#: Breadcrumb of a drill-down (kept here until the catalogue in povcore.i18n takes them).
PROVINCE_ALL = Notice("Toàn tỉnh", "Whole province")
BACK_PROVINCE = Notice("Về toàn tỉnh", "Back to the province")
