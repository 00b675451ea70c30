"""Downloads of the table behind the map, with the selection recorded in the file."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils.dataframe import dataframe_to_rows


def table_csv(table: pd.DataFrame, selection: Mapping[str, str]) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads Vietnamese); selection repeated as columns.

    >>> b = table_csv(pd.DataFrame({"Mã": ["26068"]}), {"Chỉ tiêu": "poor_a"})
    >>> b.decode("utf-8-sig").splitlines()
    ['Mã,Chỉ tiêu', '26068,poor_a']
    """
    out = table.copy()
    for key, value in selection.items():
        out[key] = value
    return out.to_csv(index=False).encode("utf-8-sig")


def table_xlsx(table: pd.DataFrame, selection: Mapping[str, str]) -> bytes:
    """Workbook with sheets "Số liệu" (the table) and "Lựa chọn" (what was selected)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Số liệu"
    for row in dataframe_to_rows(table, index=False, header=True):
        ws.append(row)
    meta = wb.create_sheet("Lựa chọn")
    for key, value in selection.items():
        meta.append([key, value])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
