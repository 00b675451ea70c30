"""Factories that build small review workbooks in code (no binary fixtures committed).

Unit codes and names are real units of the 2021 boundary version of Đồng Nai:
Huyện Tân Phú (734) and Huyện Định Quán (736) both have a "Xã Thanh Sơn"
(26143 and 26209), so a names-only workbook needs its district rows to tell them apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

Row = Sequence[object]

# Tân Phú (734) units used in the fixtures: code → name.
TAN_PHU = {"26116": "Thị trấn Tân Phú", "26134": "Xã Phú Lập", "26143": "Xã Thanh Sơn"}
DINH_QUAN = {"26206": "Thị trấn Định Quán", "26209": "Xã Thanh Sơn"}


@dataclass
class SheetSpec:
    """One sheet: title lines, header rows with merges, data rows."""

    title: list[str] = field(default_factory=list)
    header: list[list[object]] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    name: str = "Mẫu 7.1"
    blank_after_title: bool = True


def build_workbook(path: Path, *sheets: SheetSpec) -> Path:
    """Write ``sheets`` to ``path``; header merges are given relative to the header top.

    Merge ranges use Excel letters with row numbers counted from the first header row
    (``"E1:H1"`` merges E–H on the first header row).
    """
    wb = Workbook()
    first = True
    for spec in sheets:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        first = False
        ws.title = spec.name
        for i, line in enumerate(spec.title, start=1):
            ws.cell(i, 1, line)
        top = len(spec.title) + (2 if spec.blank_after_title and spec.title else 1)
        for i, row in enumerate(spec.header):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(top + i, j, value)
        for rng in spec.merges:
            ws.merge_cells(_shift(rng, top - 1))
        for i, row in enumerate(spec.rows, start=top + len(spec.header)):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(i, j, value)
    wb.save(path)
    return path


def _shift(rng: str, by: int) -> str:
    def one(ref: str) -> str:
        letters = "".join(ch for ch in ref if ch.isalpha())
        return f"{letters}{int(ref[len(letters):]) + by}"

    a, b = rng.split(":")
    return f"{one(a)}:{one(b)}"


def first_data_row(spec: SheetSpec) -> int:
    """Excel row number of ``spec.rows[0]``."""
    top = len(spec.title) + (2 if spec.blank_after_title and spec.title else 1)
    return top + len(spec.header)


# --------------------------------------------------------------------------- layouts

TWO_ROW_HEADER: list[list[object]] = [
    ["STT", "Mã xã", "Tên đơn vị", "Tổng số hộ", "Hộ nghèo", None, None, None,
     "Hộ cận nghèo", None, "Ghi chú"],
    [None, None, None, None, "Tổng số", "Tỷ lệ (%)", "Hộ nghèo A", "Hộ nghèo B", "Số hộ",
     "Tỷ lệ (%)", None],
]
TWO_ROW_MERGES = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:H1", "I1:J1", "K1:K2"]

# Names only, diacritics stripped, three header rows, abbreviations.
THREE_ROW_HEADER: list[list[object]] = [
    ["TT", "Don vi", "Tong so ho", "HN", None, None, None, "Bien dong trong nam", None,
     None, "So ho ngheo thieu hut cac chi so DVXHCB", None],
    [None, None, None, "So ho", "Ty le (%)", "Trong do", None, "Thoat ngheo", "Tai ngheo",
     "Phat sinh moi", "Viec lam", "BHYT"],
    [None, None, None, None, None, "HN A", "HN B", None, None, None, None, None],
]
THREE_ROW_MERGES = ["A1:A3", "B1:B3", "C1:C3", "D1:G1", "D2:D3", "E2:E3", "F2:G2", "H1:J1",
                    "H2:H3", "I2:I3", "J2:J3", "K1:L1", "K2:K3", "L2:L3"]


def two_row_codes(title_year: int | None = 2023) -> SheetSpec:
    """Codes present, two merged header rows, a total row that adds up."""
    title = ["ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI",
             f"KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {title_year}" if title_year
             else "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO",
             "(Kèm theo Thông tư số 07/2021/TT-BLĐTBXH ngày 18 tháng 7 năm 2021)"]
    rows: list[Row] = [
        [None, None, "Tổng cộng", 9000, 150, 1.67, 30, 120, 200, 2.22],
        [1, 26116, "Thị trấn Tân Phú", 4000, 40, 1.0, 10, 30, 80, 2.0],
        [2, "26134", "Xã Phú Lập", 2000, 60, 3.0, 15, 45, 70, 3.5],
        [3, 26143.0, "Xã Thanh Sơn", "3.000", "50", "1,67", 5, 45, "50", "1,67", "ghi chú"],
    ]
    return SheetSpec(title=title, header=TWO_ROW_HEADER, merges=TWO_ROW_MERGES, rows=rows)


def three_row_names(subtotal_tan_phu_poor: int = 100) -> SheetSpec:
    """Names without diacritics, district sections with subtotals (one can be wrong)."""
    title = ["KET QUA RA SOAT HO NGHEO NAM 2022"]
    rows: list[Row] = [
        ["I", "Huyen Tan Phu", 6000, subtotal_tan_phu_poor, 1.67, 25, 75, 12, 1, 3, 40, 30],
        [1, "Thi tran Tan Phu", 4000, 40, 1.0, 10, 30, 5, 0, 1, 15, 10],
        [2, "Thanh Son", 2000, 60, 3.0, 15, 45, 7, 1, 2, 25, 20],
        ["II", "Huyen Dinh Quan", 5000, 70, 1.4, 20, 50, 9, 2, 4, 30, 35],
        [1, "TT. Dinh Quan", 3000, 20, 0.67, 5, 15, 4, 1, 2, 10, 15],
        [2, "xa thanh son", 2000, 50, 2.5, 15, 35, 5, 1, 2, 20, 20],
        ["", "Tong cong", 11000, 170, 1.55, 45, 125, 21, 3, 7, 70, 65],
    ]
    return SheetSpec(title=title, header=THREE_ROW_HEADER, merges=THREE_ROW_MERGES,
                     rows=rows, name="Sheet1")


def district_only() -> SheetSpec:
    """A district workbook: two Định Quán communes only, total row last, footer below."""
    header: list[list[object]] = [["STT", "Mã đơn vị", "Địa bàn", "Tổng số hộ", "Hộ nghèo",
                                   None],
                                  [None, None, None, None, "SL", "TL (%)"]]
    rows: list[Row] = [
        [1, "26206", "Thị trấn Định Quán", 3000, 21, 0.7],
        [2, "26209", "Xã Thanh Sơn", 2000, 49, 2.45],
        [None, None, "Cộng", 5000, 70, 1.4],
        [],
        [None, None, "Người lập biểu", None, "Thủ trưởng đơn vị"],
    ]
    return SheetSpec(title=["Huyện Định Quán — kết quả rà soát năm 2023"], header=header,
                     merges=["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1"], rows=rows)


def simple(rows: list[Row], title: str = "Rà soát năm 2023",
           extra_header: Sequence[str] = ()) -> SheetSpec:
    """Single header row: Mã xã, Tên, Tổng số hộ, Hộ nghèo, HN A, HN B, Tỷ lệ HN (%)."""
    header: list[list[object]] = [["Mã xã", "Tên đơn vị", "Tổng số hộ", "Số hộ nghèo",
                                   "Hộ nghèo A", "Hộ nghèo B", "Tỷ lệ hộ nghèo (%)",
                                   *extra_header]]
    return SheetSpec(title=[title], header=header, rows=rows)


# --------------------------------------------------------------------------- realistic files
# A second, more general factory: whole report files as officers send them (title block,
# header with merged or centred group titles, numbering row, body, signature block),
# written as .xlsx/.xlsm, .ods (hand-written OpenDocument XML), CSV in several encodings,
# and with text in the legacy TCVN3 or VNI fonts.


@dataclass
class Table:
    """One sheet of a report file (row-major cell values; ``=…`` strings are formulas)."""

    title: list[list[object]] = field(default_factory=list)
    header: list[list[object]] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)  # relative to the first header row
    centred: list[str] = field(default_factory=list)  # centred across, NOT merged
    numbering: list[object] | None = None
    rows: list[list[object]] = field(default_factory=list)
    footer: list[list[object]] = field(default_factory=list)
    name: str = "Biểu 01"
    hidden: bool = False

    def grid(self) -> list[list[object]]:
        """Every row of the sheet, top to bottom (a blank row after the title)."""
        out: list[list[object]] = [list(r) for r in self.title]
        if self.title:
            out.append([])
        out += [list(r) for r in self.header]
        if self.numbering is not None:
            out.append(list(self.numbering))
        out += [list(r) for r in self.rows]
        if self.footer:
            out.append([])
            out += [list(r) for r in self.footer]
        return out

    @property
    def header_top(self) -> int:
        """Excel row number of the first header row."""
        return len(self.title) + (2 if self.title else 1)

    @property
    def first_row(self) -> int:
        """Excel row number of ``rows[0]``."""
        return self.header_top + len(self.header) + (self.numbering is not None)


def write_xlsx(path: Path, *tables: Table) -> Path:
    """Write tables as sheets of an .xlsx (or .xlsm) file with openpyxl."""
    from openpyxl.styles import Alignment

    wb = Workbook()
    for i, table in enumerate(tables):
        ws = wb.active if i == 0 else wb.create_sheet()
        assert ws is not None
        ws.title = table.name
        for r, row in enumerate(table.grid(), start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
        for rng in table.merges:
            ws.merge_cells(_shift(rng, table.header_top - 1))
        for rng in table.centred:
            for row_cells in ws[_shift(rng, table.header_top - 1)]:
                for cell in row_cells:
                    cell.alignment = Alignment(horizontal="centerContinuous")
        if table.hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def _ods_cell(value: object) -> str:
    from xml.sax.saxutils import escape

    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}' \
           "</text:p></table:table-cell>"


def write_ods(path: Path, *tables: Table) -> Path:
    """Write tables as an OpenDocument spreadsheet (XML written here; no odfpy needed)."""
    import zipfile

    sheets = []
    for table in tables:
        rows = "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row)
                       + "</table:table-row>" if row else
                       "<table:table-row><table:table-cell/></table:table-row>"
                       for row in table.grid())
        sheets.append(f'<table:table table:name="{table.name}">{rows}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet>{"".join(sheets)}</office:spreadsheet></office:body>'
        "</office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"),
                    "application/vnd.oasis.opendocument.spreadsheet",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    return path


def write_csv(path: Path, table: Table, encoding: str = "utf-8", sep: str = ",",
              decimal_comma: bool = False) -> Path:
    """Write one table as CSV ("utf-8", "utf-8-sig" or "cp1258" as Windows writes it)."""
    import csv
    import io

    from loaders.encodings import encode_cp1258

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    for row in table.grid():
        writer.writerow(["" if v is None else (str(v).replace(".", ",") if decimal_comma
                                               and isinstance(v, float) else v) for v in row])
    text = buf.getvalue()
    data = encode_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    path.write_bytes(data)
    return path


def _legacy_encoder(encoding: str) -> dict[str, str]:
    import tomllib
    import unicodedata

    from loaders.encodings import _TABLES

    with _TABLES.open("rb") as fh:
        table = tomllib.load(fh)["tcvn3" if encoding == "TCVN3" else "vni"]
    out: dict[str, str] = {}
    for legacy, uni in sorted(table.items(), key=lambda kv: len(kv[0])):
        uni = unicodedata.normalize("NFC", uni)
        if len(uni) == 1 and not unicodedata.combining(uni):
            out.setdefault(uni, legacy)
    return out


def to_legacy(text: str, encoding: str) -> str:
    """Text as typed with a TCVN3 (ABC) or VNI font (what Excel stores for it)."""
    import unicodedata

    enc = _legacy_encoder(encoding)
    out = []
    for ch in unicodedata.normalize("NFC", text):
        # TCVN3 has no upper-case toned letters: the ".VnTimeH" font draws the lower ones
        out.append(enc.get(ch) or (enc.get(ch.lower(), ch) if encoding == "TCVN3" else ch))
    return "".join(out)


def legacy_table(table: Table, encoding: str) -> Table:
    """The same table with every text typed in a legacy font."""
    def conv(rows: list[list[object]]) -> list[list[object]]:
        return [[to_legacy(v, encoding) if isinstance(v, str) and not v.startswith("=") else v
                 for v in row] for row in rows]

    return Table(conv(table.title), conv(table.header), table.merges, table.centred,
                 table.numbering, conv(table.rows), conv(table.footer), table.name,
                 table.hidden)


# --------------------------------------------------------------------------- .xls (BIFF8)
# No library here writes .xls, so the factory writes the format itself: a BIFF8
# "Workbook" stream (BOF, BOUNDSHEET, cell records, MERGEDCELLS, EOF) inside a minimal
# OLE compound file (one FAT sector, one directory sector, 512-byte sectors).


def _record(kind: int, body: bytes) -> bytes:
    import struct

    return struct.pack("<HH", kind, len(body)) + body


def _xls_string(text: str, length_bytes: int) -> bytes:
    import struct

    data = text.encode("utf-16-le")
    head = struct.pack("<B" if length_bytes == 1 else "<H", len(text))
    return head + b"\x01" + data


def _xls_sheet(table: Table) -> bytes:
    import struct

    grid = table.grid()
    width = max((len(r) for r in grid), default=1)
    out = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))
    out += _record(0x0200, struct.pack("<IIHHH", 0, len(grid), 0, width, 0))
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                out += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
            else:
                out += _record(0x0204, struct.pack("<HHH", r, c, 0) + _xls_string(str(value), 2))
    if table.merges:
        refs = b""
        for rng in table.merges:
            a, b = _shift(rng, table.header_top - 1).split(":")
            (r0, c0), (r1, c1) = _ref(a), _ref(b)
            refs += struct.pack("<HHHH", r0, r1, c0, c1)
        out += _record(0x00E5, struct.pack("<H", len(table.merges)) + refs)
    return out + _record(0x000A, b"")


def _ref(cell: str) -> tuple[int, int]:
    letters = "".join(ch for ch in cell if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch.upper()) - 64
    return int(cell[len(letters):]) - 1, col - 1


def _xls_stream(tables: Sequence[Table]) -> bytes:
    import struct

    sheets = [_xls_sheet(t) for t in tables]
    bof = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6))
    codepage = _record(0x0042, struct.pack("<H", 1200))
    names = [_xls_string(t.name, 1) for t in tables]
    bound_size = sum(4 + 6 + len(n) for n in names)
    offset = len(bof) + len(codepage) + bound_size + 4
    bounds = b""
    for table, name, sheet in zip(tables, names, sheets, strict=True):
        bounds += _record(0x0085, struct.pack("<IBB", offset, 1 if table.hidden else 0, 0)
                          + name)
        offset += len(sheet)
    return bof + codepage + bounds + _record(0x000A, b"") + b"".join(sheets)


def _cfb(stream: bytes, name: str = "Workbook") -> bytes:
    import struct

    end, free, fat_sect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    stream = stream + b"\x00" * (max(4096, -(-len(stream) // 512) * 512) - len(stream))
    n = len(stream) // 512
    fat = [fat_sect, end] + [3 + i if i < n - 1 else end for i in range(n)]
    fat += [free] * (128 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 0x1000, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)

    def entry(label: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = label.encode("utf-16-le") + b"\x00\x00" if label else b""
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1 if kind else 0)
                + struct.pack("<III", nostream, nostream, child) + b"\x00" * 20
                + b"\x00" * 16 + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 1, end, 0) + entry(name, 2, nostream, 2, len(stream))
                 + entry("", 0, nostream, 0, 0) * 2)
    return header + struct.pack("<128I", *fat) + directory + stream


def write_xls(path: Path, *tables: Table) -> Path:
    """Write tables as an Excel 97–2003 ``.xls`` file (BIFF8; see the comment above)."""
    path.write_bytes(_cfb(_xls_stream(tables)))
    return path
