"""Where the figures of an export come from, and the caveats printed on it.

Every exported map, slide and table states its data source, the last import date, the
boundary version and source, and the day it was made; demo data carries the stamp
"Dữ liệu minh họa" and approximate boundaries "Ranh giới gần đúng" (the same rules as
the dashboard header: an active demo import, or boundaries built from centroids).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from povcore.i18n import t
from povcore.units import get_version


@dataclass(frozen=True)
class Provenance:
    """What an export states about its data.

    Attributes
    ----------
    data_file : str or None
        File name of the latest active import (None: no data imported).
    imported_at : str or None
        ISO time (UTC) of that import.
    n_imports : int
        Number of active imports.
    demo : bool
        Whether any active import is demo data ("Dữ liệu minh họa").
    boundary_version : str
        Key of the boundary version drawn or tabulated (``"2021"``, ``"2024"``, ``"2025"``).
    boundary_source : str
        Where the boundaries came from (file or source name).
    approximate : bool
        Whether the boundaries are approximate ("Ranh giới gần đúng").
    made_on : datetime.date
        Day the export was made.
    """

    data_file: str | None
    imported_at: str | None
    n_imports: int
    demo: bool
    boundary_version: str
    boundary_source: str
    approximate: bool
    made_on: dt.date

    def stamps(self, lang: str = "vi") -> list[str]:
        """Caveats to print prominently: demo data, approximate boundaries.

        >>> p = Provenance("a.xlsx", None, 1, True, "2025", "x", True, dt.date(2026, 11, 27))
        >>> p.stamps()
        ['Dữ liệu minh họa', 'Ranh giới gần đúng']
        >>> p.stamps("en")
        ['Demo data (Dữ liệu minh họa)', 'Approximate boundaries']
        """
        return [t(key, lang) for key, on in (("demo", self.demo),
                                             ("approximate", self.approximate)) if on]

    def source_line(self, lang: str = "vi") -> str:
        """One line: data source and import time · boundaries · day made.

        >>> p = Provenance("kq_2025.xlsx", "2026-11-20T08:15:00+00:00", 2, False, "2025",
        ...                "thanglequoc (MIT)", False, dt.date(2026, 11, 27))
        >>> print(p.source_line())
        Nguồn số liệu: kq_2025.xlsx, nhập 20/11/2026 08:15 UTC · Ranh giới: thanglequoc (MIT), phiên bản từ 01/7/2025 · Lập ngày 27/11/2026
        >>> print(p.source_line("en"))
        Data source: kq_2025.xlsx, imported 2026-11-20 08:15 UTC · Boundaries: thanglequoc (MIT), version from 1 Jul 2025 · Made on 2026-11-27
        """  # noqa: E501
        return " · ".join([self.data_text(lang), self.boundary_text(lang),
                           f"{t('export_made_on', lang)} {format_day(self.made_on, lang)}"])

    def data_text(self, lang: str = "vi") -> str:
        """Data source and time of the latest import (or that there is none)."""
        if self.data_file is None:
            return t("export_no_import", lang)
        when = format_time(self.imported_at, lang) if self.imported_at else "—"
        return f"{t('source', lang)}: {self.data_file}, {t('export_imported', lang)} {when}"

    def boundary_text(self, lang: str = "vi") -> str:
        """Boundary source and version."""
        return (f"{t('export_boundaries', lang)}: {self.boundary_source}, "
                f"{version_phrase(self.boundary_version, lang)}")


_VERSION_PHRASE = {"2021": ("phiên bản 2021", "version 2021"),
                   "2024": ("phiên bản 11/2024", "version Nov 2024"),
                   "2025": ("phiên bản từ 01/7/2025", "version from 1 Jul 2025")}


def version_phrase(version: str, lang: str = "vi") -> str:
    """Short name of a boundary version for source lines.

    >>> version_phrase("2024"), version_phrase("2021", "en")
    ('phiên bản 11/2024', 'version 2021')
    """
    bv = get_version(version)
    vi, en = _VERSION_PHRASE.get(bv.key, (bv.label_vi, bv.label_en))
    return en if lang == "en" else vi


def format_day(day: dt.date, lang: str = "vi") -> str:
    """``27/11/2026`` in Vietnamese, ISO ``2026-11-27`` in English.

    >>> format_day(dt.date(2026, 1, 5)), format_day(dt.date(2026, 1, 5), "en")
    ('05/01/2026', '2026-01-05')
    """
    return day.isoformat() if lang == "en" else day.strftime("%d/%m/%Y")


def format_time(iso: str, lang: str = "vi") -> str:
    """An ISO time as ``20/11/2026 08:15 UTC`` (vi) or ``2026-11-20 08:15 UTC`` (en).

    Text that is not an ISO time is returned unchanged.

    >>> format_time("2026-11-20T08:15:42+00:00")
    '20/11/2026 08:15 UTC'
    >>> format_time("yesterday")
    'yesterday'
    """
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    fmt = "%Y-%m-%d %H:%M" if lang == "en" else "%d/%m/%Y %H:%M"
    return f"{when.strftime(fmt)} UTC"
