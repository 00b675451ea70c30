"""Planning documents (filter → ranking → allocation) and their XLSX export.

One JSON-ready document is built by :func:`planning_document` for the CLI
(``povmap rank|allocate --json``), the page "Lọc & ưu tiên" and the XLSX export, so
the three always agree. The workbook records the filter, weights, coefficients, bounds,
budget, data year and data date next to the results.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from analysis.priority import (
    CRITERIA,
    AllocationRule,
    Filter,
    Weight,
    allocate,
    priority_index,
)
from analysis.progress import status_label

__all__ = ["DEMO_LABEL", "planning_document", "planning_workbook"]

DEMO_LABEL = "Dữ liệu minh họa"


def planning_document(frame: pd.DataFrame, info: Mapping[str, Any], flt: Filter,
                      weights: Mapping[str, Weight], rule: AllocationRule | None = None,
                      budget: int | None = None) -> dict[str, Any]:
    """Filter ``frame``, rank the selection and, with ``budget``, allocate it.

    Parameters
    ----------
    frame : pandas.DataFrame
        Criteria per unit (:func:`analysis.priority.criteria_frame`).
    info : mapping
        ``year``, ``data_date``, ``boundaries`` and ``demo`` of the data.
    flt : Filter
        The selection.
    weights : mapping
        Priority-index weights.
    rule : AllocationRule, optional
        Allocation coefficients and bounds (needed with ``budget``).
    budget : int, optional
        Total in đồng; without it no allocation is made.

    Returns
    -------
    dict
        ``year``, ``filter`` (text), ``filter_groups``, ``data_date``, ``boundaries``,
        ``demo``, ``label``, ``weights``, ``statuses`` (where the progress statuses
        come from: ``info["statuses"]``), and ``units`` in rank order (unit_code, name,
        score, rank, status, and ``amount_vnd`` with a budget); with a budget also
        ``budget`` and ``criteria``.
    """
    selected = frame[flt.mask(frame)]
    doc: dict[str, Any] = {}
    if budget is not None:
        assert rule is not None
        doc = {"budget": int(budget), "criteria": rule.to_dict()}
    doc |= {"year": info.get("year"), "filter": flt.text(), "filter_groups": flt.to_list(),
            "data_date": info.get("data_date"), "boundaries": info.get("boundaries"),
            "demo": bool(info.get("demo")), "label": DEMO_LABEL if info.get("demo") else None,
            "weights": {k: {"weight": w.weight, "reverse": w.reverse}
                        for k, w in weights.items()},
            "statuses": info.get("statuses")}
    if selected.empty:
        return doc | {"units": []}
    ranking = priority_index(selected, weights)
    amounts = allocate(budget, selected, rule).amount if budget is not None and rule else None
    order = ranking.score.sort_values(ascending=False, kind="stable").index
    units = []
    for code in order:
        row: dict[str, Any] = {"unit_code": str(code), "name": str(selected.loc[code, "name"]),
                               "score": round(float(ranking.score[code]), 6),
                               "rank": int(ranking.rank[code])}
        if "status" in selected:
            status = selected.loc[code, "status"]
            row["status"] = None if pd.isna(status) else str(status)
        if amounts is not None:
            row["amount_vnd"] = int(amounts[code])
        units.append(row)
    return doc | {"units": units}


def _criterion_label(key: str) -> str:
    c = CRITERIA.get(key)
    return f"{c.label_vi} / {c.label_en}" if c else key


def _status_source(source: Mapping[str, Any] | None) -> str:
    if not source or not source.get("phase"):
        return (source or {}).get("note") or "—"
    text = (f"giai đoạn / phase {source['phase']}, đơn vị hiện nay / today's units, "
            f"số liệu đến hết năm / reviews up to {source['as_of']}")
    return f"{text}; {source['note']}" if source.get("note") else text


def _settings_rows(doc: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [
        ("Bộ lọc / Filter", doc.get("filter")),
        ("Năm số liệu / Data year", doc.get("year")),
        ("Ngày dữ liệu (lần nhập cuối) / Data date (last import)", doc.get("data_date")),
        ("Ranh giới / Boundaries", (doc.get("boundaries") or {}).get("source")),
        ("Xuất lúc / Exported", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ("Trạng thái tiến độ / Progress statuses", _status_source(doc.get("statuses"))),
    ]
    if doc.get("label"):
        rows.insert(0, (doc["label"], "Dữ liệu minh họa — không dùng cho quyết định thật"))
    rows.append(())
    rows.append(("Trọng số chỉ số ưu tiên / Priority weights", "trọng số / weight",
                 "đảo chiều / reverse"))
    for key, w in (doc.get("weights") or {}).items():
        rows.append((_criterion_label(key), w["weight"], "có / yes" if w["reverse"] else ""))
    if "budget" in doc:
        criteria = doc["criteria"]
        rows += [(), ("Ngân sách (đồng) / Budget (đồng)", doc["budget"]),
                 ("Tối thiểu mỗi đơn vị / Minimum per unit", criteria["min_per_unit"]),
                 ("Tối đa mỗi đơn vị / Maximum per unit", criteria["max_per_unit"]),
                 ("Điểm nền / Base points", criteria["base_points"]),
                 ("Tiêu chí phân bổ / Allocation criteria", "hệ số / coefficient")]
        rows += [(_criterion_label(k), v) for k, v in criteria["coefficients"].items()]
    return rows


def planning_workbook(doc: Mapping[str, Any]) -> bytes:
    """XLSX bytes of a planning document: results sheet and settings sheet."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Kết quả"
    if doc.get("label"):
        ws.append([str(doc["label"]).upper()])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append([f"Bộ lọc / Filter: {doc.get('filter')}"])
    header = ["Hạng / Rank", "Mã / Code", "Tên / Name", "Điểm ưu tiên / Score"]
    with_amount = "budget" in doc
    if with_amount:
        header.append("Phân bổ (đồng) / Allocation (đồng)")
    header.append("Trạng thái tiến độ / Progress status")
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for u in doc.get("units", []):
        row = [u["rank"], u["unit_code"], u["name"], u["score"]]
        if with_amount:
            row.append(u["amount_vnd"])
        status = u.get("status")
        row.append(f"{status_label(status)} ({status})" if status else None)
        ws.append(row)
    if with_amount:
        ws.append(["", "", "Tổng / Total", "", sum(u["amount_vnd"] for u in doc["units"])])
    ws.column_dimensions["C"].width = 28
    ws.column_dimensions["E"].width = 22
    settings = wb.create_sheet("Thiết lập")
    for values in _settings_rows(doc):
        settings.append(list(values))
    settings.column_dimensions["A"].width = 60
    wb.properties.title = "Lọc & ưu tiên"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
