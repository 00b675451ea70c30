"""Boundaries of every version, crosswalks between versions, web layers, fetch, verify."""

from geodata.boundaries import Boundaries, boundaries_status, load_boundaries
from geodata.crosswalk import Crosswalk, build_crosswalk

__all__ = ["Boundaries", "Crosswalk", "boundaries_status", "build_crosswalk", "load_boundaries"]
