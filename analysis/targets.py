"""Targets of the poverty plan and its reporting calendar, as data.

The defaults are preloaded from ``analysis/data/targets_<province>.toml`` (Kế hoạch
60/KH-UBND ngày 17/3/2022, mục II.2 and IV.3.d; Nghị quyết 24/2021/QH15 for the
optional national targets); the store keeps the editable copy with its history.

A :class:`Target` says what must fall, by how much, over which phase, on which
territory, from which baseline, and how the path between baseline and phase end is
read:

* ``linear`` — the same share of the baseline every year: 80 % over the five years
  2021–2025 is 16 % of the baseline a year (due after k years: ``B·(1 − 0.16·k)``);
* ``compound`` — the same percentage of the previous year every year, chosen so that
  the phase target is reached at its end: ``B·(1 − 0.80)^(k/5)``.

Both readings reach the phase target at the phase end; they differ in between.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from importlib import resources
from typing import Any

from povcore.errors import Issue, PovmapError
from povcore.indicators import get_indicator
from povcore.labels import Labelled
from povcore.units import registry

PATHS: Mapping[str, tuple[str, str]] = {
    "linear": ("đọc theo đường thẳng: mỗi năm giảm cùng một phần của số gốc",
               "linear reading: the same share of the baseline every year"),
    "compound": ("đọc theo cấp số nhân: mỗi năm giảm cùng một tỷ lệ so với năm trước",
                 "compound reading: the same percentage of the previous year every year"),
}
KINDS = ("reduction", "rate_points")
PHASES: Mapping[str, tuple[int, int]] = {"2021-2025": (2021, 2025), "2026-2030": (2026, 2030)}


def phase_of_year(year: int) -> str | None:
    """The plan phase whose years contain ``year`` (None: outside both phases).

    >>> phase_of_year(2025), phase_of_year(2026), phase_of_year(2020)
    ('2021-2025', '2026-2030', None)
    """
    return next((p for p, (first, last) in PHASES.items() if first <= year <= last), None)


@dataclass(frozen=True)
class Target:
    """One target of one phase (see the module docstring and the TOML file's header)."""

    key: str
    phase: str
    kind: str = "reduction"
    indicator: str = "poor_a"
    reduction_pct: float = math.nan
    points_per_year: float = math.nan
    annual_min_pct: float = 10.0
    annual_max_pct: float = 20.0
    baseline_year: int = 2020
    territory: str = "all"
    path: str = "linear"
    enabled: bool = True
    label_vi: str = ""
    label_en: str = ""
    source: str = ""
    unit_code: str = ""

    @property
    def first_year(self) -> int:
        """First year of the phase."""
        return PHASES[self.phase][0]

    @property
    def last_year(self) -> int:
        """Last year of the phase (its end-of-year review closes the phase)."""
        return PHASES[self.phase][1]

    def label(self, lang: str = "vi") -> str:
        """Label in ``lang``."""
        return self.label_en if lang == "en" else self.label_vi

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (NaN → None)."""
        out = asdict(self)
        return {k: (None if isinstance(v, float) and math.isnan(v) else v)
                for k, v in out.items()}


FIELD_NAMES = tuple(f.name for f in fields(Target))
_FLOAT_FIELDS = {"reduction_pct", "points_per_year", "annual_min_pct", "annual_max_pct"}


def _problems(t: Target) -> list[str]:
    out: list[str] = []
    if t.phase not in PHASES:
        out.append(f"phase '{t.phase}' (valid: {', '.join(PHASES)})")
    if t.kind not in KINDS:
        out.append(f"kind '{t.kind}' (valid: {', '.join(KINDS)})")
    if t.path not in PATHS:
        out.append(f"path '{t.path}' (valid: {', '.join(PATHS)})")
    if t.kind == "reduction" and not 0 < t.reduction_pct <= 100:
        out.append(f"reduction_pct {t.reduction_pct} (must be > 0 and ≤ 100)")
    if t.kind == "rate_points" and not t.points_per_year > 0:
        out.append(f"points_per_year {t.points_per_year} (must be > 0)")
    if not 0 <= t.annual_min_pct <= t.annual_max_pct <= 100:
        out.append(f"annual band {t.annual_min_pct}–{t.annual_max_pct} (need 0 ≤ min ≤ max ≤ 100)")
    if t.phase in PHASES and not 2000 <= t.baseline_year <= t.last_year:
        out.append(f"baseline_year {t.baseline_year} (must be ≤ {t.last_year})")
    try:
        get_indicator(t.indicator)
    except PovmapError:
        out.append(f"indicator '{t.indicator}' (see `povmap values --help`)")
    return out + _place_problems(t)


def _place_problems(t: Target) -> list[str]:
    out: list[str] = []
    if not t.territory.startswith(("all", "former_province:", "units:")):
        out.append(f"territory '{t.territory}' (valid: all, former_province:CODE, "
                   "units:CODE,CODE)")
    wanted = [c.strip() for c in t.territory.removeprefix("units:").split(",")
              if c.strip()] if t.territory.startswith("units:") else []
    unknown = sorted(set(wanted + ([t.unit_code] if t.unit_code else [])) - _known_codes())
    if unknown:
        out.append(f"unit code(s) {', '.join(unknown)} (not in the unit registry)")
    return out


def _known_codes(province: str = "75") -> set[str]:
    return set(registry(province).frame["code"].astype(str))


def validate(target: Target) -> Target:
    """``target`` unchanged, or a :class:`PovmapError` naming every bad field.

    >>> try:
    ...     validate(Target("x", "2021-2025", reduction_pct=120))
    ... except PovmapError as err:
    ...     print(err.summary)
    Chỉ tiêu 'x' không hợp lệ / Target 'x' is invalid: reduction_pct 120 (must be > 0 and ≤ 100)
    """
    problems = _problems(target)
    if problems:
        raise PovmapError(
            f"Chỉ tiêu '{target.key}' không hợp lệ / Target '{target.key}' is invalid: "
            + "; ".join(problems),
            [Issue(p, hint="Sửa giá trị rồi chạy lại / fix the value and run again")
             for p in problems])
    return target


def _coerce(name: str, value: Any) -> Any:
    if name in _FLOAT_FIELDS:
        return math.nan if value in (None, "") else float(value)
    if name == "baseline_year":
        return int(value)
    if name == "enabled":
        if isinstance(value, str):
            if value.lower() not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
                raise PovmapError(f"enabled must be true or false, not '{value}'.")
            return value.lower() in {"true", "1", "yes", "on"}
        return bool(value)
    return "" if value is None else str(value)


def target_from(record: Mapping[str, Any]) -> Target:
    """A validated :class:`Target` from a mapping (TOML table or store row).

    >>> target_from({"key": "k", "phase": "2026-2030", "reduction_pct": "85"}).reduction_pct
    85.0
    """
    unknown = sorted(set(record) - set(FIELD_NAMES))
    if unknown:
        raise PovmapError(f"Unknown target field(s) {unknown}. Valid: {', '.join(FIELD_NAMES)}.")
    values = {k: _coerce(k, v) for k, v in record.items()}
    return validate(Target(**values))


def with_changes(target: Target, changes: Mapping[str, Any]) -> Target:
    """``target`` with some fields changed (validated); the key cannot change."""
    if "key" in changes and changes["key"] != target.key:
        raise PovmapError("The key of a target cannot change; create a new one instead.")
    unknown = sorted(set(changes) - set(FIELD_NAMES))
    if unknown:
        raise PovmapError(f"Unknown target field(s) {unknown}. Valid: {', '.join(FIELD_NAMES)}.")
    return validate(replace(target, **{k: _coerce(k, v) for k, v in changes.items()}))


def _toml(province: str) -> dict[str, Any]:
    path = resources.files("analysis") / "data" / f"targets_{province}.toml"
    if not path.is_file():
        raise PovmapError(f"No target file for province '{province}' (analysis/data/).")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def default_targets(province: str = "75") -> tuple[Target, ...]:
    """The preloaded targets of ``province`` (from the plan).

    >>> [t.key for t in default_targets()][:3]
    ['dn-2021-2025', 'bp-2021-2025', 'dn-2026-2030']
    """
    return tuple(target_from(r) for r in _toml(province).get("target", []))


def phase_targets(targets: Sequence[Target], phase: str,
                  enabled_only: bool = True) -> tuple[list[Target], dict[str, Target]]:
    """Territory targets of ``phase`` and unit-specific overrides (by unit code)."""
    if phase not in PHASES:
        raise PovmapError(f"Unknown phase '{phase}'. Valid: {', '.join(PHASES)}.")
    chosen = [t for t in targets if t.phase == phase and (t.enabled or not enabled_only)]
    general = [t for t in chosen if not t.unit_code]
    overrides = {t.unit_code: t for t in chosen if t.unit_code}
    return general, overrides


# ---------------------------------------------------------------- the path

def compound_rate(target: Target, span: int) -> float:
    """Yearly fraction cut under the compound reading over ``span`` years.

    >>> round(compound_rate(Target("k", "2021-2025", reduction_pct=80.0), 5), 4)
    0.2752
    """
    return float(1.0 - (1.0 - target.reduction_pct / 100.0) ** (1.0 / span))


def due_value(target: Target, baseline: float, base_year: int, year: int) -> float:
    """Value due at the end of ``year`` on the path from ``baseline`` (end ``base_year``).

    The path runs from the baseline year to the phase end; a baseline later than the
    nominal one makes the path steeper (same target, fewer years).

    >>> t = Target("k", "2026-2030", reduction_pct=85.0)
    >>> round(due_value(t, 40, 2025, 2026), 2)
    33.2
    >>> round(due_value(replace(t, path="compound"), 40, 2025, 2026), 2)
    27.37
    """
    span = target.last_year - base_year
    elapsed = min(max(year - base_year, 0), max(span, 0))
    if target.kind == "rate_points":
        return max(baseline - target.points_per_year * elapsed, 0.0)
    share = target.reduction_pct / 100.0
    if span <= 0:
        return baseline * (1.0 - share)
    if target.path == "compound":
        return float(baseline * (1.0 - share) ** (elapsed / span))
    return baseline * (1.0 - share * elapsed / span)


def end_value(target: Target, baseline: float, base_year: int) -> float:
    """Value due at the phase end."""
    return due_value(target, baseline, base_year, target.last_year)


def band(target: Target, baseline: float, base_year: int, year: int) -> tuple[float, float]:
    """The plan's yearly band at ``year``: values after cutting max % and min % a year.

    Read the same way as the path (linear: share of the baseline; compound: of the
    previous year).

    >>> band(Target("k", "2021-2025", reduction_pct=80.0), 100, 2020, 2022)
    (60.0, 80.0)
    """
    k = max(year - base_year, 0)
    lo, hi = target.annual_max_pct / 100.0, target.annual_min_pct / 100.0
    if target.path == "compound":
        return baseline * (1 - lo) ** k, baseline * (1 - hi) ** k
    return max(baseline * (1 - lo * k), 0.0), max(baseline * (1 - hi * k), 0.0)


def path_words(target: Target, lang: str = "vi", base_year: int | None = None) -> str:
    """The path reading in words, e.g. "đọc theo đường thẳng: … (16 % số gốc mỗi năm)".

    ``base_year``: the baseline actually used (a later one shortens the path).

    >>> path_words(Target("k", "2021-2025", reduction_pct=80.0), "en")
    'linear reading: the same share of the baseline every year (16 % of the baseline a year over 5 years)'
    >>> path_words(Target("k", "2021-2025", reduction_pct=80.0), "en", 2021)[-42:]
    '(20 % of the baseline a year over 4 years)'
    """  # noqa: E501
    vi, en = PATHS[target.path]
    span = target.last_year - (base_year if base_year is not None else target.first_year - 1)
    if target.kind == "rate_points":
        pts = f"{target.points_per_year:g}"
        return (f"giảm {pts} điểm % mỗi năm" if lang == "vi"
                else f"down {pts} points a year")
    if target.path == "linear":
        pct = f"{target.reduction_pct / span:g}"
        extra = (f" ({pct} % số gốc mỗi năm trong {span} năm)" if lang == "vi"
                 else f" ({pct} % of the baseline a year over {span} years)")
    else:
        pct = f"{compound_rate(target, span) * 100:.1f}"
        extra = (f" ({pct} % mỗi năm trong {span} năm)" if lang == "vi"
                 else f" ({pct} % a year over {span} years)")
    return (vi if lang == "vi" else en) + extra


# ---------------------------------------------------------------- reporting calendar

@dataclass(frozen=True)
class Deadline(Labelled):
    """One reporting deadline: ``due`` is the first day that is late."""

    due: dt.date
    review_year: int
    source: str


def _expand(rec: Mapping[str, Any]) -> list[Deadline]:
    common = (str(rec["key"]), str(rec["label_vi"]), str(rec["label_en"]))
    source = str(rec["source"])
    if rec.get("every_year"):
        month, day = (int(x) for x in str(rec["due"]).split("-"))
        years = range(int(rec["first_year"]), int(rec["last_year"]) + 1)
        offset = int(rec.get("review_year_offset", 0))
        return [Deadline(*common, dt.date(y, month, day), y + offset, source) for y in years]
    return [Deadline(*common, dt.date.fromisoformat(str(rec["due"])), int(rec["review_year"]),
                     source)]


def calendar(province: str = "75") -> tuple[Deadline, ...]:
    """Every reporting deadline of the plan, in date order.

    >>> [(d.key, d.due.isoformat()) for d in calendar()][:2]
    [('annual-report', '2022-12-11'), ('annual-report', '2023-12-11')]
    """
    out = [d for rec in _toml(province).get("deadline", []) for d in _expand(rec)]
    return tuple(sorted(out, key=lambda d: (d.due, d.key)))


def next_deadline(today: dt.date, deadlines: Sequence[Deadline]) -> Deadline | None:
    """The first deadline not yet passed on ``today`` (None after the last one).

    >>> next_deadline(dt.date(2026, 11, 27), calendar()).due
    datetime.date(2026, 12, 11)
    """
    ahead = [d for d in deadlines if d.due > today]
    return ahead[0] if ahead else None
