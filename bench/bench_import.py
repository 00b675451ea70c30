"""Import throughput (rows per second): a 10,000-row tidy CSV, a provincial workbook and
the same workbook exported as a Windows-1258 CSV with ";" (as Excel on Windows saves it).

Usage: .venv/bin/python bench/bench_import.py
Each figure is the median of 3 runs into a fresh store (read + validate + write).
"""

from __future__ import annotations

import csv
import io
import statistics
import tempfile
import time
from pathlib import Path

from loaders.encodings import encode_cp1258
from loaders.grid import read_book
from povcore.config import settings
from povcore.indicators import COUNT_KEYS
from povcore.units import registry
from povmap.demo import write_demo_workbooks
from povmap.importing import import_file


def _tidy(path: Path, n_rows: int) -> int:
    codes = list(registry().units("2021", "commune")["code"])
    rows = [(c, y, k) for y in (2021, 2022, 2023) for c in codes for k in COUNT_KEYS]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["unit_code", "year", "indicator", "value"])
        for code, year, key in rows[:n_rows]:
            w.writerow([code, year, key, 5000 if key == "total_households" else 0])
    return min(n_rows, len(rows))


def _as_csv_1258(book: Path, path: Path) -> Path:
    grid = read_book(book.read_bytes(), book.name).sheets[0]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    for row in grid.values:
        writer.writerow(["" if v is None else str(v).replace(".", ",") if isinstance(v, float)
                         else v for v in row])
    path.write_bytes(encode_cp1258(buf.getvalue()))
    return path


def _time_import(path: Path, tmp: Path, run: int) -> float:
    cfg = settings({"POVMAP_DATA_DIR": str(tmp / f"store{run}_{path.stem}"),
                    "POVMAP_GEODATA": str(tmp / "none")})
    t0 = time.perf_counter()
    doc = import_file(path, cfg=cfg)
    took = time.perf_counter() - t0
    assert doc["status"] == "imported", doc.get("errors")
    return took


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        tidy = tmp / "tidy.csv"
        n = _tidy(tidy, 10_000)
        took = statistics.median(_time_import(tidy, tmp, r) for r in range(3))
        print(f"import tidy_csv: rows={n} seconds={took:.2f} rows_per_s={n / took:,.0f}")
        book = next(f for f in write_demo_workbooks(tmp / "demo") if f.year == 2022)
        unit_rows = len(registry().units("2021", "commune"))
        took = statistics.median(_time_import(book.path, tmp, r) for r in range(3))
        print(f"import provincial_workbook 2022: unit_rows={unit_rows} seconds={took:.2f} "
              f"rows_per_s={unit_rows / took:,.0f} values_per_s={unit_rows * 23 / took:,.0f}")
        exported = _as_csv_1258(book.path, tmp / "ket_qua_2022.csv")
        took = statistics.median(_time_import(exported, tmp, r) for r in range(3))
        print(f"import provincial_csv_windows_1258 2022: unit_rows={unit_rows} "
              f"seconds={took:.2f} rows_per_s={unit_rows / took:,.0f}")


if __name__ == "__main__":
    main()
