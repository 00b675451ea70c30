"""Readers of input files: each returns a typed frame and a validation report.

* :func:`read_values` — poverty review workbooks (Mẫu số 7.x layouts) and tidy CSV/XLSX;
* :func:`read_boundary_file` — GeoPackage, zipped Shapefile or GeoJSON in any CRS
  (VN-2000 included); gaps and overlaps are reported (``povcore.coverage``).
"""

from loaders.boundary_file import read_boundary_file, vn2000_tm3
from loaders.values import ParsedImport, read_values

__all__ = ["ParsedImport", "read_boundary_file", "read_values", "vn2000_tm3"]
