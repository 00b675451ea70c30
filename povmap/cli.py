"""Command-line interface ``povmap`` (a public interface: keep it stable).

Every ``--json`` output is documented in the README. Help text is Vietnamese first,
English second. Errors go to stderr with exit code 2; nothing is written then.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from povmap.errors import PovmapError


def _emit(data: Any, as_json: bool, text: str) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))
    else:
        click.echo(text)


@click.group(help="Bản đồ giảm nghèo — công cụ dòng lệnh. / Poverty-reduction map CLI.")
@click.version_option(package_name="povmap")
def cli() -> None:
    """Entry group."""


@cli.group(help="Đơn vị hành chính và ranh giới. / Administrative units and boundaries.")
def geodata() -> None:
    """Geodata commands."""


@geodata.command("info", help="Số đơn vị theo phiên bản ranh giới, cấp và loại; nguồn ranh "
                 "giới.\n\nUnit counts per boundary version, level and type; boundary source.")
@click.option("--json", "as_json", is_flag=True, help="In JSON ổn định. / Stable JSON output.")
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
@click.option("--json", "as_json", is_flag=True, help="In JSON ổn định. / Stable JSON output.")
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


@cli.group(help="Kho dữ liệu nhúng. / The embedded store.")
def db() -> None:
    """Store commands."""


@db.command("info", help="Đường dẫn, kích thước, phiên bản lược đồ, số dòng mỗi bảng.\n\n"
            "Path, size, schema version and row counts of the store.")
@click.option("--json", "as_json", is_flag=True, help="In JSON ổn định. / Stable JSON output.")
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
