"""Bản đồ giảm nghèo: configuration, errors, store and command-line interface."""

from povmap.config import Settings, settings
from povmap.errors import Issue, PovmapError

__all__ = ["Issue", "PovmapError", "Settings", "settings"]
