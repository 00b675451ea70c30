"""Administrative units, boundary versions, boundaries and crosswalks."""

from geodata.units import (
    VERSIONS,
    BoundaryVersion,
    UnitRegistry,
    get_version,
    registry,
    review_version,
    version_on,
)

__all__ = [
    "VERSIONS",
    "BoundaryVersion",
    "UnitRegistry",
    "get_version",
    "registry",
    "review_version",
    "version_on",
]
