"""Import use-cases behind the CLI and the dashboard; they return JSON-ready dicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from povcore.config import Settings, settings
from povcore.errors import Issue, PovmapError
from povcore.indicators import get_indicator
from povcore.units import review_version
from povstore.imports import apply_import, list_imports, plan_import, rollback, unit_values
from povstore.store import Store

DEMO_LABEL = "Dữ liệu minh họa"


def _issue(i: Issue) -> dict[str, Any]:
    return {**i.to_dict(), "where": i.where()}


def _base(parsed: Any) -> dict[str, Any]:
    v = parsed.values
    return {
        "file": parsed.file_name, "sha256": parsed.sha256, "rows": int(parsed.n_rows),
        "values": len(v), "years": sorted(int(y) for y in v["year"].unique()),
        "boundary_versions": sorted(str(b) for b in v["boundary_version"].unique()),
        "units": int(v["unit_code"].nunique()),
        "warnings": [_issue(i) for i in parsed.report.warnings],
        "structure": getattr(parsed, "structure", {}),
    }


def _sheet_lines(sheet: dict[str, Any]) -> list[str]:
    if sheet.get("status") != "read":
        return [f"Sheet '{sheet['sheet']}': {sheet.get('status')}"]
    unit = f"{sheet['unit_column']} '{sheet['unit_header']}'" if sheet.get("unit_column") else "—"
    lines = [f"Sheet '{sheet['sheet']}' (năm / year {sheet.get('year')}, ranh giới / boundaries "
             f"{sheet.get('boundary_version')}): cột đơn vị / unit column {unit}"
             + (f", mã / code {sheet['code_column']}" if sheet.get("code_column") else "")]
    lines += [f"  {i['column']}: {i['indicator']} ← '{i['header']}'" for i in sheet["indicators"]]
    lines += [f"  {i['column']}: bỏ qua / ignored ← '{i['header']}' ({i['reason']})"
              for i in sheet["ignored_columns"]]
    lines.append(f"  dòng đã đọc / rows read: {sheet['rows_read']}; bỏ qua / skipped: "
                 f"{len(sheet['rows_skipped'])}")
    lines += [f"    dòng / row {r['row']}: {r['reason']}" for r in sheet["rows_skipped"]]
    return lines


def structure_text(structure: dict[str, Any]) -> str:
    """What was recognised in a file, one block per sheet (the dry run's text output)."""
    lines: list[str] = []
    if structure.get("csv"):
        lines.append(f"CSV: mã hóa / encoding {structure['csv']['encoding']}, phân cách / "
                     f"separator '{structure['csv']['separator']}'")
    if structure.get("hidden_sheets"):
        lines.append("Sheet ẩn, không đọc / hidden sheets, not read: "
                     + ", ".join(structure["hidden_sheets"]))
    lines += [f"Phông cũ đã chuyển / legacy font converted: {n}"
              for n in structure.get("notes", [])]
    for sheet in structure.get("sheets", []):
        lines += _sheet_lines(sheet)
    return "\n".join(lines)


def import_file(path: str | Path, year: int | None = None, boundary_version: str | None = None,
                dry_run: bool = False, cfg: Settings | None = None,
                is_demo: bool = False) -> dict[str, Any]:
    """Read, validate and (unless ``dry_run``) store one file; never raises on bad input."""
    from loaders.values import RejectedFile, read_values

    cfg = cfg or settings()
    store = Store(cfg.store_path)
    try:
        parsed = read_values(Path(path), year=year, boundary_version=boundary_version,
                             province=cfg.province)
    except PovmapError as err:
        return {"status": "rejected", "file": Path(path).name, "summary": err.summary,
                "errors": [_issue(i) for i in err.issues if i.severity == "error"],
                "warnings": [_issue(i) for i in err.issues if i.severity == "warning"],
                "structure": err.structure if isinstance(err, RejectedFile) else {}}
    doc = _base(parsed)
    if dry_run:
        plan = plan_import(parsed, store)
        changes = plan.changes[plan.changes["status"] != "unchanged"]
        return {**doc, "status": "dry_run", "import_id": None, "counts": plan.counts(),
                "duplicate_of": plan.duplicate_of,
                "changes": changes.astype(object).where(changes.notna(), None)
                .to_dict(orient="records"),
                "message": structure_text(doc["structure"]) + f"\nXem trước / dry run: "
                f"{plan.counts()}", "errors": []}
    result = apply_import(parsed, store, is_demo=is_demo)
    return {**doc, "status": "unchanged" if result.noop else "imported",
            "import_id": result.import_id, "counts": result.plan.counts(),
            "message": result.message, "errors": []}


def rollback_import(import_id: int, cfg: Settings | None = None) -> dict[str, Any]:
    """Undo one import."""
    cfg = cfg or settings()
    message = rollback(import_id, Store(cfg.store_path))
    return {"status": "rolled_back", "import_id": import_id, "message": message}


def imports_document(cfg: Settings | None = None) -> dict[str, Any]:
    """Every import, newest first (``povmap imports list --json``)."""
    cfg = cfg or settings()
    frame = list_imports(Store(cfg.store_path))
    rows = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    for r in rows:
        r["is_demo"] = bool(r["is_demo"])
    return {"imports": rows}


def store_is_demo(store: Store, year: int | None = None, version: str | None = None) -> bool:
    """Whether active demo imports hold values (of ``year`` on ``version`` when given).

    A real import after the demo makes the values it covers real: ``demo`` is true only
    while an active demo import covers that year and version and no later active real
    import does.
    """
    frame = list_imports(store)
    active = frame[frame["rolled_back_at"].isna()]
    if year is not None:
        years = active["years"].astype(str).str.split(",")
        active = active[[str(year) in y for y in years]]
    if version is not None:
        versions = active["boundary_version"].astype(str).str.split(",")
        active = active[[version in v for v in versions]]
    if active.empty:
        return False
    latest = active.sort_values("id").iloc[-1]
    return bool(latest["is_demo"])


def values_document(year: int, indicator: str, boundary_version: str | None = None,
                    cfg: Settings | None = None) -> dict[str, Any]:
    """Values of one indicator and year by unit code (``povmap values --json``)."""
    cfg = cfg or settings()
    ind = get_indicator(indicator)
    version = boundary_version or review_version(year).key
    store = Store(cfg.store_path)
    vals = unit_values(store, year, indicator, version)
    demo = store_is_demo(store, year, version) if vals else False
    return {"year": year, "indicator": ind.key, "boundary_version": version,
            "unit": ind.unit_en, "demo": demo, "label": DEMO_LABEL if demo else None,
            "values": dict(sorted(vals.items()))}


def load_demo(cfg: Settings | None = None) -> dict[str, Any]:
    """Write the demo workbooks under ``<data>/demo`` and import each one."""
    from povmap.demo import write_demo_workbooks

    cfg = cfg or settings()
    files = write_demo_workbooks(cfg.data_dir / "demo")
    out = []
    for f in files:
        doc = import_file(f.path, f.year, f.boundary_version, cfg=cfg, is_demo=True)
        if doc["status"] == "rejected":
            raise PovmapError(f"Demo workbook {f.path} was rejected (a bug)",
                              [Issue(e["message"]) for e in doc["errors"]])
        out.append(doc)
    return {"label": DEMO_LABEL, "files": out}
