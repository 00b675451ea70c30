"""User-facing text: Vietnamese first, English second. Pages look strings up here."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "app_title": {"vi": "Bản đồ giảm nghèo", "en": "Poverty-reduction map"},
    "page_map": {"vi": "Bản đồ ranh giới", "en": "Boundary map"},
    "page_units": {"vi": "Đơn vị hành chính", "en": "Administrative units"},
    "version": {"vi": "Phiên bản ranh giới", "en": "Boundary version"},
    "level": {"vi": "Cấp", "en": "Level"},
    "level_commune": {"vi": "Xã, phường", "en": "Communes"},
    "level_district": {"vi": "Huyện (trước 7/2025)", "en": "Districts (before Jul 2025)"},
    "approximate": {
        "vi": "Ranh giới gần đúng — không tìm thấy tệp ranh giới; vị trí chỉ mang tính minh họa.",
        "en": "Approximate boundaries — no boundary files found; shapes are indicative only.",
    },
    "source": {"vi": "Nguồn ranh giới", "en": "Boundary source"},
    "units_count": {"vi": "Số đơn vị", "en": "Units"},
    "on_date": {"vi": "Tại ngày", "en": "On date"},
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
    "col_code": {"vi": "Mã", "en": "Code"},
    "col_name": {"vi": "Tên", "en": "Name"},
    "col_type": {"vi": "Loại", "en": "Type"},
    "col_parent": {"vi": "Trực thuộc", "en": "Parent"},
}


def t(key: str, lang: str = "vi") -> str:
    """The text for ``key`` in ``lang`` (falls back to Vietnamese)."""
    entry = TEXT[key]
    return entry.get(lang, entry["vi"])


def format_number(value: float, lang: str = "vi", decimals: int = 0) -> str:
    """Vietnamese ``1.234,5``; English ``1,234.5``.

    >>> format_number(1234.5, "vi", 1), format_number(1234.5, "en", 1)
    ('1.234,5', '1,234.5')
    """
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text
