"""Ground floor: what every other package of the project stands on.

Errors with actionable issues, configuration, the indicator registry, the versioned unit
registry with its name keys, the UI text catalogue and number formats, coverage checks
and atomic file writes. Imports nothing from the project.
"""

from povcore.config import Settings, settings
from povcore.errors import Issue, PovmapError, Report
from povcore.indicators import INDICATORS, Indicator, get_indicator
from povcore.units import VERSIONS, BoundaryVersion, UnitRegistry, registry, review_version

__all__ = [
    "INDICATORS",
    "VERSIONS",
    "BoundaryVersion",
    "Indicator",
    "Issue",
    "PovmapError",
    "Report",
    "Settings",
    "UnitRegistry",
    "get_indicator",
    "registry",
    "review_version",
    "settings",
]
