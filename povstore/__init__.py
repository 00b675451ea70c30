"""The store: one embedded GeoPackage file, its migrations and every query against it.

Nothing outside this package writes SQL against the store's tables.
"""

from povstore.imports import apply_import, list_imports, plan_import, rollback, unit_values
from povstore.store import Store

__all__ = ["Store", "apply_import", "list_imports", "plan_import", "rollback", "unit_values"]
