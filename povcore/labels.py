"""What every registry entry offered to the user has: a stable key and two labels."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Labelled:
    """A registry entry: stable ``key`` (a public interface) and its label in both languages.

    Registries (indicators, geographies, classification schemes, criteria, zone types,
    rankings, reporting deadlines) extend it with their own fields.

    >>> Labelled("flood", "Ngập lụt", "Flooding").label("en")
    'Flooding'
    """

    key: str
    label_vi: str
    label_en: str

    def label(self, lang: str = "vi") -> str:
        """Label in ``lang`` ("vi" or "en"; anything else gives Vietnamese)."""
        return self.label_en if lang == "en" else self.label_vi
