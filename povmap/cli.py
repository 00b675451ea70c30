"""Command-line interface ``povmap`` (a public interface: keep it stable).

Every ``--json`` output is documented in the README. Help text is Vietnamese first,
English second. Errors go to stderr with exit code 2; nothing is written then.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from povcore.errors import PovmapError


def _emit(data: Any, as_json: bool, text: str) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))
    else:
        click.echo(text)


_json_option = click.option("--json", "as_json", is_flag=True,
                            help="In JSON ổn định. / Stable JSON output.")
_boundary_version_option = click.option(
    "--boundary-version", type=click.Choice(["2021", "2024", "2025"]), default=None,
    help="Phiên bản ranh giới của số liệu. / Boundary version of the data.")
_data_year_option = click.option("--year", type=int, default=None,
                                 help="Năm số liệu. / Data year.")
_latest_year_option = click.option("--year", type=int, default=None,
                                   help="Năm rà soát (mặc định: mới nhất). / Year.")
_weights_option = click.option("--weights", "weights_file",
                               type=click.Path(exists=True, dir_okay=False), default=None,
                               help="Tệp TOML trọng số. / Weights TOML file.")
_xlsx_option = click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), default=None,
                            help="Ghi thêm tệp XLSX. / Also write an XLSX file.")


@click.group(help="Bản đồ giảm nghèo — công cụ dòng lệnh. / Poverty-reduction map CLI.")
@click.version_option(package_name="povmap")
def cli() -> None:
    """Entry group."""


def _subgroup(name: str, help_text: str) -> click.Group:
    """Add a command group (no callback of its own) under ``povmap``."""
    group = click.Group(name, help=help_text)
    cli.add_command(group)
    return group


geodata = _subgroup("geodata", "Đơn vị hành chính và ranh giới. / Administrative units and "
                    "boundaries.")


@geodata.command("info", help="Số đơn vị theo phiên bản ranh giới, cấp và loại; nguồn ranh "
                 "giới.\n\nUnit counts per boundary version, level and type; boundary source.")
@_json_option
def geodata_info(as_json: bool) -> None:
    """Show the registry and where each version's boundaries come from."""
    from povmap.info import geodata_info as build

    data = build()
    lines = []
    for v in data["versions"]:
        lines.append(f"{v['version']} ({v['valid_from']} – {v['valid_to'] or '…'}): "
                     f"{v['label_vi']}")
        for period in v["periods"]:
            counts = ", ".join(
                f"{lvl}: {sum(c.values())} ({', '.join(f'{n} {t}' for t, n in c.items())})"
                for lvl, c in period["counts"].items()
            )
            lines.append(f"  từ {period['on']}: {counts}")
        b = v["boundaries"]
        flag = " — Ranh giới gần đúng" if b["approximate"] else ""
        lines.append(f"  ranh giới: {b['source']}{flag}")
    _emit(data, as_json, "\n".join(lines))


@geodata.command("crosswalk", help="Dựng bảng chuyển đổi đơn vị cũ → mới (trọng số), lưu vào kho "
                 "và liệt kê chỗ khác biệt giữa danh sách sáp nhập và chồng lớp diện tích.\n\n"
                 "Build the old → new crosswalk, store it, list membership/overlay disagreements.")
@click.option("--from", "from_version", default="2021", show_default=True,
              type=click.Choice(["2021", "2024"]))
@click.option("--to", "to_version", default="2025", show_default=True,
              type=click.Choice(["2024", "2025"]))
@click.option("--all-weights", is_flag=True, help="Kèm mọi trọng số. / Include every weight.")
@_json_option
def geodata_crosswalk(from_version: str, to_version: str, all_weights: bool,
                      as_json: bool) -> None:
    """Build and report a crosswalk."""
    from povmap.info import crosswalk_report

    doc = crosswalk_report(from_version, to_version, all_weights=all_weights)
    lines = [
        f"{from_version} → {to_version}: {doc['n_old_units']} đơn vị cũ / old units, "
        f"{doc['n_pairs']} cặp / pairs; tổng trọng số / weight sums "
        f"{doc['weight_sum_min']:.6f}–{doc['weight_sum_max']:.6f}",
        f"  ranh giới cũ / old: {doc['boundaries']['old']['source']}",
        f"  ranh giới mới / new: {doc['boundaries']['new']['source']}",
    ]
    for r in doc["split"]:
        lines.append(f"  chia / split: {r['old_code']} → {r['new_code']} "
                     f"{r['weight']:.4f} ({r['method']})")
    if not doc["overlay_available"]:
        lines.append("  Không có ranh giới thật để chồng lớp: chưa đối chiếu được. / "
                     "No real boundaries to overlay: disagreements not measured.")
    lines.append(f"  khác biệt / disagreements: {len(doc['disagreements'])}")
    for d in doc["disagreements"]:
        lines.append(f"    {d['kind']}: {d['old_code']} → {d['new_code']} "
                     f"({d['overlay_share']:.1%})")
    _emit(doc, as_json, "\n".join(lines))


@cli.command("setup", help="Chuẩn bị để chạy ứng dụng: tạo kho dữ liệu, tải ranh giới nếu chưa có "
             "và có mạng (nếu không: dùng ranh giới gần đúng).\n\n"
             "Prepare the app: create the store, fetch boundaries when missing and online "
             "(else approximate boundaries).")
def setup() -> None:
    """Idempotent preparation run by the README's run command."""
    from povmap.setup import prepare

    for line in prepare():
        click.echo(line)


@geodata.command("fetch", help="Tải ranh giới từ các nguồn trong danh mục (kiểm tra mã băm, "
                 "lưu đệm). GADM chỉ tải khi chấp nhận giấy phép.\n\n"
                 "Download boundary sources from the manifest (hash check, cache). GADM only "
                 "with --accept-licence gadm41-2021.")
@click.option("--version", "versions", multiple=True, type=click.Choice(["2021", "2025"]),
              help="Chỉ tải phiên bản này. / Only this version (repeatable).")
@click.option("--accept-licence", "accept", multiple=True, metavar="KEY",
              help="Chấp nhận giấy phép của nguồn KEY (vd. gadm41-2021). / Accept licence.")
@click.option("--mirror", default=None, metavar="URL",
              help="Máy chủ gương thay cho địa chỉ gốc (hoặc POVMAP_FETCH_MIRROR). / Mirror.")
@_json_option
def geodata_fetch(versions: tuple[str, ...], accept: tuple[str, ...], mirror: str | None,
                  as_json: bool) -> None:
    """Download boundary sources with a progress bar."""
    from geodata.fetch import fetch_sources, load_manifest
    from povcore.config import settings

    cfg = settings()
    sources = [s for s in load_manifest(province=cfg.province, base_url=mirror)
               if not versions or s.version in versions]
    with click.progressbar(length=sum(len(s.files) for s in sources), label="Tải / fetching",
                           file=sys.stderr) as bar:
        seen: set[str] = set()

        def progress(label: str, done: int, total: int) -> None:
            if total and done >= total and label not in seen:
                seen.add(label)
                bar.update(1)

        result = fetch_sources(sources, cfg.geodata_dir, set(accept), progress=progress)
    _emit(result.to_dict(), as_json, result.describe())


@geodata.command("verify", help="Kiểm tra ranh giới mọi phiên bản (số đơn vị, mã, hình học hợp lệ, "
                 "chồng lấn và khe hở) và mã băm các tệp đã tải. Mã thoát 2 nếu có lỗi.\n\n"
                 "Check every version's boundaries and the downloaded files' hashes.")
@_json_option
def geodata_verify(as_json: bool) -> None:
    """Verify boundaries and downloads."""
    from geodata.verify import verify

    doc = verify()
    lines = []
    for x in doc["layers"]:
        if "error" in x:
            lines.append(f"✗ {x['version']}/{x['level']}: {x['error']}")
            continue
        mark = "✓" if x["ok"] else "✗"
        approx = " — Ranh giới gần đúng" if x["approximate"] else ""
        lines.append(f"{mark} {x['version']}/{x['level']}: {x['units']}/{x['expected_units']} "
                     f"đơn vị / units, {x['invalid_geometries']} không hợp lệ / invalid, "
                     f"{x['overlaps_gt_1m2']} chồng lấn / overlaps ({x['overlap_m2']} m²), "
                     f"{x['gaps_gt_1m2']} khe hở / gaps ({x['gap_m2']} m²){approx}")
    for key, d in doc["downloads"].items():
        lines.append(f"{key}: {d['present']} tệp / files, {d['verified']} khớp mã băm / verified, "
                     f"{len(d['mismatched'])} sai / mismatched, {d['missing']} chưa tải / missing")
    _emit(doc, as_json, "\n".join(lines))
    if not doc["ok"]:
        sys.exit(2)


db = _subgroup("db", "Kho dữ liệu nhúng. / The embedded store.")


@db.command("info", help="Đường dẫn, kích thước, phiên bản lược đồ, số dòng mỗi bảng.\n\n"
            "Path, size, schema version and row counts of the store.")
@_json_option
def db_info(as_json: bool) -> None:
    """Describe the store."""
    from povmap.info import db_info as build

    doc = build()
    lines = [f"{doc['path']} ({'có' if doc['exists'] else 'chưa có / missing'}), "
             f"{doc['size_bytes']:,} bytes".replace(",", "."),
             f"lược đồ / schema: {doc['schema_version']} (mới nhất / latest "
             f"{doc['latest_schema_version']})"]
    lines += [f"  {name}: {n}" for name, n in doc["tables"].items()]
    _emit(doc, as_json, "\n".join(lines))


def _issue_lines(issues: list[dict[str, Any]]) -> str:
    return "\n".join(f"  - {i.get('where', '')}: {i['message']}"
                     + (f" — {i['hint']}" if i.get("hint") else "") for i in issues)


def _emit_import(doc: dict[str, Any], as_json: bool) -> None:
    """Report an all-or-nothing import: a rejection exits 2, warnings go to stderr."""
    if doc["status"] == "rejected":
        click.echo(f"Bị từ chối, không ghi gì / Rejected, nothing written: {doc['file']}\n"
                   + _issue_lines(doc["errors"]), err=True)
        if as_json:
            _emit(doc, True, "")
        sys.exit(2)
    if doc["warnings"]:
        click.echo("Cảnh báo / Warnings:\n" + _issue_lines(doc["warnings"]), err=True)
    _emit(doc, as_json, doc["message"])


@cli.command("import", help="Nhập kết quả rà soát (XLSX theo mẫu báo cáo, hoặc CSV/XLSX dạng dài: "
             "unit_code, year, indicator, value). Tất cả hoặc không có gì. Mã thoát: 0 = đã nhập, "
             "2 = bị từ chối, không ghi gì.\n\n`povmap import rollback ID` hoàn tác lần nhập ID."
             "\n\nImport review results, all or nothing (exit 0 = imported, 2 = rejected). "
             "`povmap import rollback ID` undoes import ID.")
@click.argument("args", nargs=-1, required=True, metavar="FILE | rollback ID")
@click.option("--year", type=int, default=None, help="Năm rà soát. / Review year.")
@_boundary_version_option
@click.option("--dry-run", is_flag=True, help="Chỉ xem trước thay đổi. / Preview only.")
@click.option("--json", "as_json", is_flag=True, help="Tóm tắt JSON trên stdout. / JSON summary.")
def import_(args: tuple[str, ...], year: int | None, boundary_version: str | None,
            dry_run: bool, as_json: bool) -> None:
    """Import one file, or roll back an import."""
    from povmap.importing import import_file, rollback_import

    if args[0] == "rollback":
        if len(args) != 2 or not args[1].isdigit():
            raise click.UsageError("povmap import rollback ID (ID: số của lần nhập / import id)")
        doc = rollback_import(int(args[1]))
        _emit(doc, as_json, doc["message"])
        return
    if len(args) != 1:
        raise click.UsageError("Nhập từng tệp một. / Import one file at a time.")
    doc = import_file(args[0], year, boundary_version, dry_run)
    _emit_import(doc, as_json)


imports_group = _subgroup("imports", "Các lần nhập dữ liệu. / Data imports.")


@imports_group.command("list", help="Liệt kê các lần nhập. / List imports.")
@_json_option
def imports_list(as_json: bool) -> None:
    """List imports, newest first."""
    from povmap.importing import imports_document

    doc = imports_document()
    lines = [f"#{i['id']} {i['imported_at']} {i['file_name']} ({i['n_values']} giá trị / values, "
             f"năm / years {i['years']}, {i['os_user']})"
             + (" — Dữ liệu minh họa" if i["is_demo"] else "")
             + (f" — đã hoàn tác / rolled back {i['rolled_back_at']}" if i["rolled_back_at"]
                else "") for i in doc["imports"]]
    _emit(doc, as_json, "\n".join(lines) or "Chưa có lần nhập nào. / No imports yet.")


@cli.command("demo", help="Tạo và nhập bộ dữ liệu minh họa (2021–2026) qua đúng đường nhập thật."
             "\n\nGenerate and import the demo dataset through the real importer.")
@_json_option
def demo(as_json: bool) -> None:
    """Load the demo dataset."""
    from povmap.importing import load_demo
    from povmap.zoning import load_demo_zones

    doc = load_demo()
    doc["zones"] = load_demo_zones()
    _emit(doc, as_json, "\n".join(f["message"] for f in doc["files"]))


@cli.command("values", help="Giá trị một chỉ tiêu theo đơn vị. / Values of one indicator by unit.")
@click.option("--year", type=int, required=True, help="Năm rà soát. / Review year.")
@click.option("--indicator", required=True, help="Mã chỉ tiêu, vd. poor_a_rate. / Indicator key.")
@_boundary_version_option
@_json_option
def values(year: int, indicator: str, boundary_version: str | None, as_json: bool) -> None:
    """Print unit code → value."""
    from povmap.importing import values_document

    doc = values_document(year, indicator, boundary_version)
    head = f"{doc['indicator']} {doc['year']} ({doc['boundary_version']})" + (
        " — Dữ liệu minh họa" if doc["demo"] else "")
    body = "\n".join(f"{code}\t{v:g}" for code, v in doc["values"].items())
    _emit(doc, as_json, f"{head}\n{body}")


# ---------------------------------------------------------------- progress (issue 10)

_PHASES = click.Choice(["2021-2025", "2026-2030"])


def _fmt(x: Any, decimals: int = 0) -> str:
    return "—" if x is None else f"{x:,.{decimals}f}".replace(",", ".")


@cli.command("progress", help="Tiến độ giảm hộ nghèo A so với chỉ tiêu của giai đoạn, theo đơn vị "
             "và cho địa bàn (đạt / đúng tiến độ / chậm / không đạt / chưa đủ số liệu).\n\n"
             "Poor-A reduction against the phase target, per unit and for the territory.")
@click.option("--phase", required=True, type=_PHASES, help="Giai đoạn. / Plan phase.")
@click.option("--geography", default="as-collected", show_default=True,
              type=click.Choice(["as-collected", "current"]),
              help="Đơn vị thu thập số liệu, hoặc quy về 95 đơn vị hiện nay. / Units of "
                   "collection, or today's 95 units.")
@click.option("--unit", default=None, metavar="CODE", help="Chỉ một đơn vị. / One unit only.")
@_json_option
def progress(phase: str, geography: str, unit: str | None, as_json: bool) -> None:
    """Print progress per unit and territory."""
    from povmap.progress import progress_document

    doc = progress_document(phase, geography, unit)
    lines = [t["headline"] for t in doc["territories"]]
    if doc["baseline_note"]:
        lines.append(f"! {doc['baseline_note']['vi']}")
    lines += [f"{u['unit_code']}\t{u['name']}\t{_fmt(u['baseline'])} → {_fmt(u['latest'])} "
              f"({u['latest_year'] or '—'})\t{u['status_label']}" for u in doc["units"]]
    _emit(doc, as_json, "\n".join(lines))


targets_group = _subgroup("targets", "Chỉ tiêu giảm nghèo (dữ liệu, sửa được, có lịch sử). / "
                          "Targets.")


@targets_group.command("list", help="Liệt kê chỉ tiêu. / List targets.")
@_json_option
def targets_list(as_json: bool) -> None:
    """List stored targets."""
    from povmap.progress import targets_document

    doc = targets_document()
    lines = [f"{t['key']}{'' if t['enabled'] else ' (tắt / off)'}: {t['label_vi']} — "
             f"{t['path_words']}" for t in doc["targets"]]
    _emit(doc, as_json, "\n".join(lines))


_TARGET_OPTIONS = {
    "phase": "phase", "kind": "kind", "indicator": "indicator", "reduction": "reduction_pct",
    "points_per_year": "points_per_year", "annual_min": "annual_min_pct",
    "annual_max": "annual_max_pct", "baseline_year": "baseline_year",
    "territory": "territory", "path": "path", "enabled": "enabled", "label_vi": "label_vi",
    "label_en": "label_en", "source": "source", "unit": "unit_code",
}


@targets_group.command("set", help="Sửa hoặc tạo chỉ tiêu KEY (ghi lại ai, khi nào, vì sao)."
                       "\n\nChange or create target KEY (who, when and why are recorded).")
@click.argument("key")
@click.option("--from", "base", default=None, metavar="KEY",
              help="Tạo mới bằng cách chép chỉ tiêu KEY. / Create by copying KEY.")
@click.option("--phase", type=_PHASES, default=None)
@click.option("--kind", type=click.Choice(["reduction", "rate_points"]), default=None)
@click.option("--indicator", default=None)
@click.option("--reduction", type=float, default=None, help="% giảm cả giai đoạn. / Phase cut %.")
@click.option("--points-per-year", type=float, default=None)
@click.option("--annual-min", type=float, default=None)
@click.option("--annual-max", type=float, default=None)
@click.option("--baseline-year", type=int, default=None)
@click.option("--territory", default=None,
              help="all | former_province:75 | former_province:70 | units:CODE,CODE")
@click.option("--path", type=click.Choice(["linear", "compound"]), default=None)
@click.option("--enabled", type=click.Choice(["true", "false"]), default=None)
@click.option("--label-vi", default=None)
@click.option("--label-en", default=None)
@click.option("--source", default=None, help="Văn bản nguồn. / Source document.")
@click.option("--unit", default=None, metavar="CODE",
              help="Chỉ tiêu riêng của một đơn vị. / Unit-specific target.")
@click.option("--reason", required=True, help="Lý do sửa. / Why.")
@click.option("--author", default=None, help="Người sửa (mặc định: tài khoản). / Who.")
@_json_option
def targets_set(key: str, base: str | None, reason: str, author: str | None, as_json: bool,
                **options: Any) -> None:
    """Change or create a target."""
    from povmap.progress import set_target

    changes = {_TARGET_OPTIONS[k]: v for k, v in options.items() if v is not None}
    doc = set_target(key, changes, reason, base, author)
    verb = "Đã tạo / created" if doc["created"] else "Đã sửa / changed"
    _emit(doc, as_json, f"{verb}: {key} — {doc['target']['label_vi']}")


@targets_group.command("history", help="Lịch sử sửa chỉ tiêu. / Target edit history.")
@click.argument("key", required=False)
@_json_option
def targets_history(key: str | None, as_json: bool) -> None:
    """Who changed which target, when and why."""
    from povmap.progress import history_document

    doc = history_document(key)
    lines = [f"#{h['id']} {h['changed_at']} {h['key']} {h['author']}: {h['reason']}"
             for h in doc["history"]]
    _emit(doc, as_json, "\n".join(lines))


tasks_group = _subgroup("tasks", "Nhiệm vụ theo Phụ lục Kế hoạch 60/KH-UBND. / Plan tasks.")


@tasks_group.command("list", help="Liệt kê nhiệm vụ, trạng thái, hạn và quá hạn. / List tasks.")
@click.option("--overdue", is_flag=True, help="Chỉ nhiệm vụ quá hạn. / Overdue only.")
@_json_option
def tasks_list(overdue: bool, as_json: bool) -> None:
    """List tasks."""
    from povmap.progress import tasks_document

    doc = tasks_document(overdue_only=overdue)
    lines = [f"{t['id']}\t{t['status_label']}\t{t['timeline'] or '—'}"
             + (f"\tQUÁ HẠN / OVERDUE từ {t['overdue_since']}" if t["overdue"] else "")
             + f"\t{t['lead_now']}" for t in doc["tasks"]]
    _emit(doc, as_json, "\n".join(lines))


@tasks_group.command("update", help="Cập nhật trạng thái nhiệm vụ ID (lưu thành lịch sử)."
                     "\n\nRecord a status update of task ID (kept as history).")
@click.argument("task_id", metavar="ID")
@click.option("--status", required=True,
              type=click.Choice(["not_started", "in_progress", "done"]))
@click.option("--note", default="", help="Ghi chú. / Note.")
@click.option("--date", "on_date", default=None, metavar="YYYY-MM-DD",
              help="Ngày cập nhật (mặc định hôm nay). / Date (default today).")
@click.option("--author", default=None, help="Người cập nhật. / Author.")
@_json_option
def tasks_update(task_id: str, status: str, note: str, on_date: str | None,
                 author: str | None, as_json: bool) -> None:
    """Record a status update."""
    import datetime as dt

    from povmap.progress import update_task

    try:
        day = dt.date.fromisoformat(on_date) if on_date else None
    except ValueError:
        raise click.BadParameter(f"'{on_date}' không phải ngày YYYY-MM-DD / not a date",
                                 param_hint="--date") from None
    doc = update_task(task_id, status, note, day, author)
    _emit(doc, as_json, f"#{doc['update_id']} {task_id}: {doc['task']['status_label']}")


@tasks_group.command("agency", help="Ghi tên hiện nay của một cơ quan có trong kế hoạch."
                     "\n\nSet today's name of an agency named in the plan.")
@click.argument("name")
@click.option("--current-name", required=True, help="Tên hiện nay. / Today's name.")
@click.option("--note", default="", help="Căn cứ. / Basis.")
@_json_option
def tasks_agency(name: str, current_name: str, note: str, as_json: bool) -> None:
    """Rename an agency."""
    from povmap.progress import rename_agency

    doc = rename_agency(name, current_name, note)
    _emit(doc, as_json, f"{name} → {current_name}")


# ---------------------------------------------------------------- zones (issue 11)

_ZONE_TYPE_HELP = ("flood = ngập lụt / lũ, flash_flood_landslide = lũ quét – sạt lở đất, "
                   "riverbank_erosion = sạt lở bờ sông, special_use_forest = rừng đặc dụng, "
                   "other = khác")


zones = _subgroup("zones", "Vùng thiên tai, rừng đặc dụng (lớp vùng). / Zone layers: "
                  "disaster-risk areas and special-use forests.")


@zones.command("import", help="Nhập một lớp vùng (GeoPackage, Shapefile nén .zip, GeoJSON; mọi "
               "hệ toạ độ kể cả VN-2000). Tất cả hoặc không có gì; mã thoát 2 = bị từ chối.\n\n"
               "Import a zone layer, all or nothing (exit 2 = rejected, nothing written).\n\n"
               f"TYPE: {_ZONE_TYPE_HELP}")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--type", "zone_type", required=True, metavar="TYPE",
              help="Loại vùng / zone type: flood, flash_flood_landslide, riverbank_erosion, "
              "special_use_forest, other.")
@click.option("--layer", default=None, help="Lớp cần đọc khi tệp có nhiều lớp. / Layer to read.")
@click.option("--assume-crs", default=None, metavar="CRS",
              help="Hệ toạ độ khi tệp thiếu hoặc sai, vd. EPSG:3405. / CRS when missing or wrong.")
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra. / Validate only.")
@click.option("--json", "as_json", is_flag=True, help="Tóm tắt JSON. / JSON summary.")
def zones_import(file: str, zone_type: str, layer: str | None, assume_crs: str | None,
                 dry_run: bool, as_json: bool) -> None:
    """Import one zone layer."""
    from povmap.zoning import import_zones

    doc = import_zones(file, zone_type, dry_run, layer=layer, assume_crs=assume_crs)
    _emit_import(doc, as_json)


@zones.command("list", help="Các lần nhập vùng và các vùng. / Zone imports and zones.")
@_json_option
def zones_list(as_json: bool) -> None:
    """List zone imports and zones."""
    from povmap.zoning import zones_document

    doc = zones_document()
    lines = [f"#{i['id']} {i['imported_at']} {i['file_name']} ({i['zone_type']}, "
             f"{i['n_zones']} vùng / zones)" + (" — Dữ liệu minh họa" if i["is_demo"] else "")
             for i in doc["imports"]]
    lines += [f"  {z['zone_id']}: {z['name']} [{z['zone_type']}] {z['area_ha']:.0f} ha, "
              f"{z['households'] or 0:g} hộ / households" for z in doc["zones"]]
    _emit(doc, as_json, "\n".join(lines) or "Chưa có lớp vùng nào. / No zone layers yet.")


@zones.command("remove", help="Xoá một lần nhập vùng (mọi vùng của nó). / Remove one zone "
               "import and its zones.")
@click.argument("import_id", type=int)
@_json_option
def zones_remove(import_id: int, as_json: bool) -> None:
    """Remove a zone import."""
    from povmap.zoning import remove_zones

    doc = remove_zones(import_id)
    _emit(doc, as_json, doc["message"])


@zones.command("stats", help="Diện tích, tỷ lệ diện tích (0–1) và số hộ trong vùng theo đơn vị "
               "và loại vùng (EPSG:32648, có bộ đệm).\n\nArea, share (0–1) and households "
               "inside zones per unit and zone type (EPSG:32648, cached).")
@click.option("--year", type=int, default=None,
              help="Chỉ các vùng có năm ≤ Y (hoặc không ghi năm). / Zones of year ≤ Y only.")
@_json_option
def zones_stats(year: int | None, as_json: bool) -> None:
    """Print zone statistics per unit."""
    from povmap.zoning import zone_stats_document

    doc = zone_stats_document(year)
    lines = [f"{u['unit_code']} {u['name']}: {u['zone_type']} {u['share']:.1%} "
             f"({u['area_ha']:.0f} ha, {u['households']:.0f} hộ / households)"
             for u in doc["units"]]
    head = (f"{doc['zones']} vùng / zones, {'bộ đệm / cached' if doc['cached'] else 'tính mới'}"
            f" {doc['seconds']} s" + (" — Dữ liệu minh họa" if doc["demo"] else ""))
    _emit(doc, as_json, "\n".join([head, *lines]))


_WHERE_HELP = ("Điều kiện lọc, lặp lại = VÀ, '|' = HOẶC, vd. --where 'poor_a_rate>=5' --where "
               "'share_flood>0|share_special_use_forest>0' --where 'status==chậm' (trạng thái "
               "tiến độ của giai đoạn chứa năm số liệu: met, on_track, behind, missed, "
               "insufficient_data). / Filter; repeat = AND, '|' = OR; status==behind uses the "
               "progress of the phase containing the data year.")


def _status_tag(unit: dict[str, Any]) -> str:
    from analysis.progress import status_label

    return f" [{status_label(unit['status'])}]" if unit.get("status") else ""


def _read_text(path: str | None) -> str | None:
    return None if path is None else open(path, encoding="utf-8").read()


@cli.command("rank", help="Lọc và xếp hạng ưu tiên các xã, phường (chỉ số ưu tiên 0–1, trọng số "
             "mặc định trong analysis/data/priority_weights.toml).\n\nFilter and rank units by "
             "the priority index.")
@_weights_option
@click.option("--where", "wheres", multiple=True, help=_WHERE_HELP)
@_data_year_option
@_xlsx_option
@_json_option
def rank(weights_file: str | None, wheres: tuple[str, ...], year: int | None,
         xlsx_path: str | None, as_json: bool) -> None:
    """Rank units."""
    from povmap.zoning import rank_document, write_xlsx

    doc = rank_document(_read_text(weights_file), wheres, year)
    if xlsx_path:
        write_xlsx(doc, xlsx_path)
    lines = [f"{u['rank']:>3}. {u['unit_code']} {u['name']}: {u['score']:.3f}{_status_tag(u)}"
             for u in doc["units"]]
    _emit(doc, as_json, "\n".join([f"{doc['filter']} ({doc['year']})", *lines]))


@cli.command("allocate", help="Phân bổ ngân sách (đồng, số nguyên, tổng đúng bằng ngân sách) cho "
             "các đơn vị được lọc theo tiêu chí và hệ số (mặc định "
             "analysis/data/allocation_criteria.toml).\n\nAllocate a budget in whole đồng over "
             "the filtered units by editable criteria and coefficients.")
@click.option("--budget", type=click.IntRange(min=0), required=True, help="Tổng (đồng). / Total.")
@click.option("--criteria", "criteria_file", type=click.Path(exists=True, dir_okay=False),
              default=None, help="Tệp TOML tiêu chí và hệ số. / Criteria TOML file.")
@click.option("--weights", "weights_file", type=click.Path(exists=True, dir_okay=False),
              default=None, help="Tệp TOML trọng số xếp hạng. / Ranking weights file.")
@click.option("--where", "wheres", multiple=True, help=_WHERE_HELP)
@click.option("--min", "min_per_unit", type=click.IntRange(min=0), default=None,
              help="Tối thiểu mỗi đơn vị (đồng). / Minimum per unit.")
@click.option("--max", "max_per_unit", type=click.IntRange(min=0), default=None,
              help="Tối đa mỗi đơn vị (đồng; 0 = không giới hạn). / Maximum per unit.")
@_data_year_option
@_xlsx_option
@_json_option
def allocate_cmd(budget: int, criteria_file: str | None, weights_file: str | None,
                 wheres: tuple[str, ...], min_per_unit: int | None, max_per_unit: int | None,
                 year: int | None, xlsx_path: str | None, as_json: bool) -> None:
    """Allocate a budget."""
    from povmap.zoning import allocate_document, write_xlsx

    doc = allocate_document(budget, _read_text(criteria_file), wheres, year,
                            _read_text(weights_file), min_per_unit, max_per_unit)
    if xlsx_path:
        write_xlsx(doc, xlsx_path)
    lines = [f"{u['unit_code']} {u['name']}: {u['amount_vnd']:,} đ".replace(",", ".")
             + _status_tag(u) for u in doc["units"]]
    _emit(doc, as_json, "\n".join([f"{doc['filter']} ({doc['year']})", *lines]))


@cli.command("demo-zones", help="Tạo và nhập lớp vùng minh họa và phân loại vùng DTTS&MN minh họa."
             "\n\nGenerate and import the demo zone layers and ethnic-minority classes.")
@_json_option
def demo_zones(as_json: bool) -> None:
    """Load the demo zones."""
    from povmap.zoning import load_demo_zones

    doc = load_demo_zones()
    lines = [d["message"] for d in doc["zones"]]
    if doc["area_classes"]:
        lines.append(doc["area_classes"]["message"])
    _emit(doc, as_json, "\n".join(lines))


export_group = _subgroup("export", "Xuất bản đồ in (PNG/PDF), bộ trình chiếu (PPTX) và báo cáo "
                         "cuối năm (XLSX) cho cuộc họp.\n\nMeeting outputs: print maps, slide "
                         "deck, year-end report.")


def _spec_from_options(options: dict[str, Any]) -> Any:
    from urllib.parse import parse_qsl, urlsplit

    from analysis.viewstate import BreaksError, from_query, parse_breaks
    from povexport.staticmap import MapSpec
    from povmap.exporting import with_defaults

    spec = MapSpec()
    link = options.pop("link")
    if link:
        query = urlsplit(link).query if "?" in link else link
        state, ignored = from_query(dict(parse_qsl(query)))
        if ignored:
            click.echo("Bỏ qua tham số không hợp lệ trong liên kết / ignored link parameters: "
                       + ", ".join(ignored), err=True)
        spec = MapSpec(**state.view())
    breaks = options.pop("breaks")
    if breaks:
        # "1,2,5" as in a link; with ";" the Vietnamese way, a comma being decimal ("2,5; 5").
        try:
            options["breaks"] = parse_breaks(breaks if ";" in breaks
                                             else breaks.replace(",", ";"))
        except BreaksError as err:
            raise click.BadParameter(f"{err} — ví dụ / e.g. 1,2,5,10 hoặc / or 0,5; 1; 2,5",
                                     param_hint="--breaks") from err
        if options.get("scheme") is None:
            options["scheme"] = "manual"
    return with_defaults(spec, **options)


@export_group.command("map", help="Bản đồ in một góc nhìn (như trên ứng dụng): tiêu đề, chú giải, "
                      "thước tỷ lệ, hướng bắc, nguồn số liệu; PNG 300 dpi hoặc PDF, A4/A3.\n\n"
                      "Print one map view (as in the app) to PNG (300 dpi) or PDF, A4 or A3.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Tệp kết quả (.png hoặc .pdf). / Output file.")
@click.option("--format", "fmt", type=click.Choice(["png", "pdf"]), default=None,
              help="Mặc định theo đuôi tệp. / Default: from the file extension.")
@click.option("--link", default=None, metavar="URL",
              help="Liên kết chia sẻ của bản đồ (mở lại đúng góc nhìn). / Shareable map link.")
@click.option("--indicator", default=None, help="Mã chỉ tiêu, vd. poor_rate. / Indicator key.")
@_latest_year_option
@click.option("--geography", type=click.Choice(["collected", "current"]), default=None,
              help="collected = đơn vị thu thập; current = 95 xã, phường hiện nay.")
@click.option("--level", type=click.Choice(["commune", "district"]), default=None)
@click.option("--scheme", type=click.Choice(["quantiles", "equal_interval", "natural_breaks",
                                             "manual"]), default=None,
              help="Cách phân lớp. / Classification scheme.")
@click.option("--k", type=click.IntRange(3, 9), default=None, help="Số lớp. / Classes.")
@click.option("--breaks", default=None, metavar="B1,B2,…",
              help="Ngưỡng tự nhập (cận trên các lớp). / Manual class upper bounds.")
@click.option("--palette", default=None, help="Bảng màu, vd. YlOrRd. / ColorBrewer palette.")
@click.option("--unit", default=None, metavar="CODE", help="Đơn vị được chọn. / Selected unit.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default=None)
@click.option("--paper", type=click.Choice(["A4", "A3"]), default=None)
@click.option("--orientation", type=click.Choice(["landscape", "portrait"]), default=None)
@click.option("--dpi", type=click.IntRange(50, 600), default=None)
@_json_option
def export_map_cmd(out: str, fmt: str | None, as_json: bool, **options: Any) -> None:
    """Render one map view to a file."""
    from povmap.exporting import export_map

    doc = export_map(_spec_from_options(options), out, fmt)
    _emit(doc, as_json, f"Đã ghi / written: {doc['file']} ({doc['title']}, {doc['units']} "
          f"đơn vị / units)" + "".join(f" — {s}" for s in doc["stamps"]))


@export_group.command("report", help="Báo cáo kết quả rà soát cuối năm (XLSX, in A4 ngang), nhập "
                      "lại được bằng `povmap import`.\n\nYear-end report workbook (XLSX), "
                      "re-importable with `povmap import`.")
@click.option("--year", type=int, required=True, help="Năm rà soát. / Review year.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Tệp .xlsx. / Output .xlsx file.")
@_boundary_version_option
@_json_option
def export_report_cmd(year: int, out: str, boundary_version: str | None, as_json: bool) -> None:
    """Write the year-end report workbook."""
    from povmap.exporting import export_report

    doc = export_report(year, out, boundary_version)
    _emit(doc, as_json, f"Đã ghi / written: {doc['file']} ({doc['units']} đơn vị / units, "
          f"ranh giới / boundaries {doc['boundary_version']})"
          + (" — Dữ liệu minh họa" if doc["demo"] else ""))


@export_group.command("deck", help="Bộ trình chiếu cho Ban Chỉ đạo (PPTX, sửa được).\n\n"
                      "Steering-committee slide deck (editable PPTX).")
@_latest_year_option
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Tệp .pptx. / Output .pptx file.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@_json_option
def export_deck_cmd(year: int | None, out: str, lang: str, as_json: bool) -> None:
    """Write the slide deck."""
    from povmap.exporting import export_deck

    doc = export_deck(year, out, lang)
    pending = ", ".join(doc["not_available"]) or "—"
    _emit(doc, as_json, f"Đã ghi / written: {doc['file']} ({doc['slides']} trang / slides; "
          f"chưa có số liệu / not available: {pending})")


def main() -> None:
    """Console-script entry point: domain errors become exit code 2."""
    try:
        cli(standalone_mode=False)
    except PovmapError as err:
        click.echo(f"Lỗi / Error: {err.describe()}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        sys.exit(1)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
