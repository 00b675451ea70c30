"""The map view as a value: parsed from and written to URL query parameters.

A shared link (``?ind=poor_a_rate&year=2025&geo=current&cls=quantiles&k=5&unit=26068``)
reopens the same view. Parsing never fails: an unknown or malformed parameter falls
back to its default and is reported, so a stale link still opens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace

from analysis.classify import MAX_CLASSES, MIN_CLASSES, PALETTES, SCHEMES
from analysis.mapdata import GEOGRAPHIES
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

    def with_(self, **changes: object) -> ViewState:
        """A copy with ``changes``."""
        return replace(self, **changes)  # type: ignore[arg-type]


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


def _breaks(raw: str | None, problems: list[str]) -> tuple[float, ...]:
    if not raw:
        return ()
    try:
        return tuple(float(x) for x in raw.split(","))
    except ValueError:
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
