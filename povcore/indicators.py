"""Registry of poverty indicators (the front door for every indicator choice).

Counts are stored; rates are derived from counts, never stored as truth. Every count
``k`` except ``total_households`` has a derived rate ``k_rate`` in percent of total
households. Keys are stable: the CLI and its JSON use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from povcore.errors import PovmapError
from povcore.labels import Labelled

Kind = Literal["count", "rate", "share"]


@dataclass(frozen=True)
class Indicator(Labelled):
    """One indicator: key, labels, unit, kind and how a rate derives from counts."""

    unit_vi: str
    unit_en: str
    kind: Kind
    higher_is_worse: bool
    numerator: str | None = None
    denominator: str | None = None


# (key, Vietnamese label, English label, higher is worse)
_COUNTS: list[tuple[str, str, str, bool]] = [
    ("total_households", "Tổng số hộ", "Total households", False),
    ("poor", "Hộ nghèo (chuẩn tỉnh)", "Poor households (provincial standard)", True),
    ("poor_a", "Hộ nghèo A (có lao động)", "Poor households A (with labour capacity)", True),
    ("poor_b", "Hộ nghèo B (không có lao động)", "Poor households B (no labour capacity)", True),
    ("near_poor", "Hộ cận nghèo (chuẩn tỉnh)", "Near-poor households (provincial standard)",
     True),
    ("poor_national", "Hộ nghèo (chuẩn quốc gia)", "Poor households (national standard)", True),
    ("near_poor_national", "Hộ cận nghèo (chuẩn quốc gia)",
     "Near-poor households (national standard)", True),
    ("poor_em_head", "Hộ nghèo có chủ hộ là người dân tộc thiểu số",
     "Poor households with an ethnic-minority head", True),
    ("escaped", "Hộ thoát nghèo trong năm", "Households escaping poverty during the year", False),
    ("fell_back", "Hộ tái nghèo trong năm", "Households falling back into poverty", True),
    ("newly_poor", "Hộ nghèo phát sinh trong năm", "Newly poor households during the year", True),
    ("em_households", "Hộ dân tộc thiểu số", "Ethnic-minority households", True),
]

# Ethnic-minority and mountainous area classes (issue 11), stored as whole numbers so the
# tidy importer takes them; dated on the unit version they were decided on. Sources:
# region I/II/III of communes in ethnic-minority and mountainous areas, Decision
# 861/QĐ-TTg of 4 June 2021 (2021–2025), amended by Decision 698/QĐ-TTg (2024);
# extremely difficult villages, Decision 612/QĐ-UBDT of 16 September 2021.
# (key, Vietnamese label, English label, Vietnamese unit, English unit)
AREA_CLASSES: list[tuple[str, str, str, str, str]] = [
    ("ethnic_region", "Khu vực vùng DTTS&MN (1 = I, 2 = II, 3 = III; QĐ 861/QĐ-TTg)",
     "Ethnic-minority area region (1 = I, 2 = II, 3 = III; Decision 861/QĐ-TTg)",
     "khu vực", "region"),
    ("extremely_difficult_villages", "Số thôn đặc biệt khó khăn (QĐ 612/QĐ-UBDT)",
     "Extremely difficult villages (Decision 612/QĐ-UBDT)", "thôn", "villages"),
    ("border_commune", "Xã biên giới (1 = có)", "Border commune (1 = yes)", "0/1", "0/1"),
    ("mountainous", "Xã miền núi (1 = có)", "Mountainous commune (1 = yes)", "0/1", "0/1"),
]

# Decree 07/2021/NĐ-CP: 6 dimensions × 2 indicators. (key suffix, Vietnamese, English)
DEPRIVATIONS: list[tuple[str, str, str]] = [
    ("employment", "Việc làm", "Employment"),
    ("dependants", "Người phụ thuộc trong hộ gia đình", "Dependants in the household"),
    ("nutrition", "Dinh dưỡng", "Nutrition"),
    ("health_insurance", "Bảo hiểm y tế", "Health insurance"),
    ("adult_education", "Trình độ giáo dục của người lớn", "Adult education"),
    ("child_schooling", "Tình trạng đi học của trẻ em", "School attendance of children"),
    ("housing_quality", "Chất lượng nhà ở", "Housing quality"),
    ("housing_area", "Diện tích nhà ở bình quân đầu người", "Floor area per person"),
    ("water", "Nguồn nước sinh hoạt", "Domestic water source"),
    ("sanitation", "Nhà tiêu hợp vệ sinh", "Hygienic latrine"),
    ("telecom", "Sử dụng dịch vụ viễn thông", "Use of telecom services"),
    ("information_access", "Phương tiện phục vụ tiếp cận thông tin",
     "Means of access to information"),
]


def _build() -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    counts = list(_COUNTS) + [
        (f"deprived_{k}", f"Hộ nghèo thiếu hụt: {vi}", f"Poor households deprived: {en}", True)
        for k, vi, en in DEPRIVATIONS
    ]
    for key, vi, en, worse in counts:
        out[key] = Indicator(key, vi, en, "hộ", "households", "count", worse)
    for key, vi, en, worse in counts:
        if key == "total_households":
            continue
        out[f"{key}_rate"] = Indicator(
            f"{key}_rate", f"Tỷ lệ {vi[0].lower()}{vi[1:]}", f"Rate: {en}", "%", "%", "rate",
            worse, numerator=key, denominator="total_households")
    for key, vi, en, unit_vi, unit_en in AREA_CLASSES:
        out[key] = Indicator(key, vi, en, unit_vi, unit_en, "count", True)
    return out


INDICATORS: dict[str, Indicator] = _build()
AREA_CLASS_KEYS: tuple[str, ...] = tuple(k for k, *_ in AREA_CLASSES)
COUNT_KEYS: tuple[str, ...] = tuple(k for k, i in INDICATORS.items() if i.kind == "count")


def get_indicator(key: str) -> Indicator:
    """Front door: the indicator ``key``; an unknown key lists the valid ones.

    >>> get_indicator("poor_a_rate").numerator
    'poor_a'
    >>> len(COUNT_KEYS), len(INDICATORS)
    (28, 51)
    """
    try:
        return INDICATORS[key]
    except KeyError:
        raise PovmapError(
            f"Unknown indicator '{key}'. Valid: {', '.join(INDICATORS)}.") from None
