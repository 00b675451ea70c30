"""Merged multi-row table headers, as on the official review forms.

One writer for every workbook that prints a review table: the year-end report
(:mod:`povexport.report`) and the demo review workbooks (``povmap.demo``). It imports
only openpyxl, so importing it stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["write_merged_header"]


def _merge(ws: Worksheet, r0: int, c0: int, r1: int, c1: int, text: str) -> None:
    ws.cell(r0, c0, text)
    if r1 > r0 or c1 > c0:
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)


def write_merged_header(ws: Worksheet, top: int, unit_headers: Sequence[str],
                        paths: Sequence[tuple[str, ...]], depth: int) -> None:
    """Write a header block of ``depth`` rows starting at row ``top``.

    The unit columns (``unit_headers``: STT, code, name …) come first, each merged down
    the whole block. Each value column is given by its header path, top to bottom:
    neighbouring columns sharing a path prefix share one cell merged across them, and the
    last part of a path is merged down to the block's last row.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        The sheet to write into; styling is left to the caller.
    top : int
        First header row (1-based).
    unit_headers : sequence of str
        Headers of the leading unit columns.
    paths : sequence of tuple of str
        Header path of each value column (1 to ``depth`` parts).
    depth : int
        Number of header rows.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> write_merged_header(ws, 1, ["STT"], [("Hộ nghèo", "Số hộ"), ("Hộ nghèo", "Tỷ lệ"),
    ...                                        ("Tổng số hộ",)], 2)
    >>> sorted(str(r) for r in ws.merged_cells.ranges)
    ['A1:A2', 'B1:C1', 'D1:D2']
    """
    for j, text in enumerate(unit_headers, start=1):
        _merge(ws, top, j, top + depth - 1, j, text)
    first = len(unit_headers) + 1
    for level in range(depth):
        j = 0
        while j < len(paths):
            path = paths[j]
            if level >= len(path):
                j += 1
                continue
            end = j
            while end + 1 < len(paths) and paths[end + 1][:level + 1] == path[:level + 1]:
                end += 1
            last_row = top + depth - 1 if level == len(path) - 1 else top + level
            _merge(ws, top + level, first + j, last_row, first + end, path[level])
            j = end + 1
