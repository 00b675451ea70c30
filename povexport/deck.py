"""The steering committee's slide deck (PPTX), built from the current data.

Slides, in order (:data:`SLIDES`): cover; province headline figures; poverty map;
progress map; poor-A target chart; off-track units; zones and resettlement; late tasks.
Titles, figures and tables are real text (editable in PowerPoint or LibreOffice
Impress), the chart is a native chart, and only the maps are pictures. Every slide
carries the source line (data file, import time, boundaries, day made) and, for demo
data, the stamp "Dữ liệu minh họa".

The deck computes nothing: every input is a plain parameter of :class:`DeckInputs`
(figures, pictures, frames). An input that is not available yet (``None``) gives a
slide that says so, rather than a missing slide, so the meeting sees what is pending.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from povcore.i18n import format_number, t
from povexport.provenance import Provenance, format_day

SLIDES: tuple[str, ...] = ("cover", "headline", "poverty_map", "progress_map", "target_chart",
                           "off_track", "zones", "late_tasks")
MAX_TABLE_ROWS = 11
_WIDTH, _HEIGHT = Emu(12192000), Emu(6858000)  # 16:9, 13.333 × 7.5 in
_RED = RGBColor.from_string("B2182B")  # type: ignore[no-untyped-call]
_INK = RGBColor.from_string("222222")  # type: ignore[no-untyped-call]
_GREY = RGBColor.from_string("555555")  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class Figure:
    """One headline figure: label, value and change, already written for people."""

    label: str
    value: str
    change: str = ""


@dataclass(frozen=True, eq=False)
class SlideTable:
    """A table for a slide: the frame's column names are the headers, as shown."""

    frame: pd.DataFrame
    note: str | None = None


@dataclass(frozen=True, eq=False)
class TargetChart:
    """Province poor-A households by year: actual and the plan's target path.

    ``frame``: index = year, columns ``actual`` and ``target`` (NaN where unknown).
    """

    frame: pd.DataFrame
    note: str | None = None


@dataclass(frozen=True, eq=False)
class DeckInputs:
    """Everything the deck shows; ``None`` means "not available yet"."""

    year: int
    period: str
    provenance: Provenance
    headline: Sequence[Figure] = ()
    poverty_map: bytes | None = None
    progress_map: bytes | None = None
    target_chart: TargetChart | None = None
    off_track: SlideTable | None = None
    zones: SlideTable | None = None
    late_tasks: SlideTable | None = None
    lang: str = "vi"
    notes: dict[str, str] = field(default_factory=dict)


def slide_title(key: str, year: int, lang: str = "vi") -> str:
    """Title of slide ``key`` for ``year``.

    >>> slide_title("poverty_map", 2025)
    'Bản đồ tỷ lệ hộ nghèo cuối năm 2025'
    >>> slide_title("late_tasks", 2025, "en")
    'Late tasks of the plan'
    """
    return t(f"deck_{key}", lang).format(year=year)


# --------------------------------------------------------------------------- shapes


def _text(slide: Slide, left: int, top: int, width: int, height: int, text: str,
          size: float = 14, bold: bool = False, colour: RGBColor = _INK,
          align: PP_ALIGN = PP_ALIGN.LEFT) -> None:
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = align
        run = para.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = colour


def _new_slide(prs: PresentationType, title: str, inputs: DeckInputs) -> Slide:
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only": a real title
    shape = slide.shapes.title
    assert shape is not None
    shape.left, shape.top, shape.width, shape.height = (Inches(0.5), Inches(0.25),
                                                        Inches(10.3), Inches(0.9))
    shape.text = title
    para = shape.text_frame.paragraphs[0]
    para.alignment = PP_ALIGN.LEFT
    for run in para.runs:
        run.font.size, run.font.bold, run.font.color.rgb = Pt(28), True, _INK
    _stamps(slide, inputs)
    _footer(slide, inputs)
    return slide  # type: ignore[no-any-return]


def _stamps(slide: Slide, inputs: DeckInputs) -> None:
    if inputs.provenance.demo:
        _text(slide, Inches(10.9), Inches(0.3), Inches(2.2), Inches(0.8),
              t("export_stamp_demo", inputs.lang), size=12, bold=True, colour=_RED,
              align=PP_ALIGN.RIGHT)


def _footer(slide: Slide, inputs: DeckInputs) -> None:
    _text(slide, Inches(0.5), Inches(6.85), Inches(12.3), Inches(0.55),
          inputs.provenance.source_line(inputs.lang), size=10, colour=_GREY)


def _not_available(slide: Slide, what: str, inputs: DeckInputs) -> None:
    _text(slide, Inches(1.0), Inches(2.6), Inches(11.3), Inches(1.6),
          f"{t('deck_not_available', inputs.lang)}\n{what}", size=22, bold=False,
          colour=_GREY, align=PP_ALIGN.CENTER)


def _picture(slide: Slide, png: bytes) -> None:
    top, max_w, max_h = Inches(1.2), Inches(12.3), Inches(5.55)
    pic = slide.shapes.add_picture(io.BytesIO(png), Inches(0.5), top)
    scale = min(max_w / pic.width, max_h / pic.height)
    pic.width, pic.height = Emu(int(pic.width * scale)), Emu(int(pic.height * scale))
    pic.left = Emu(int((_WIDTH - pic.width) / 2))


def _note(slide: Slide, note: str | None) -> None:
    if note:
        _text(slide, Inches(0.5), Inches(6.4), Inches(12.3), Inches(0.45), note, size=11,
              colour=_GREY)


# --------------------------------------------------------------------------- slides


def _cover(prs: PresentationType, inputs: DeckInputs) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    title = slide.shapes.title
    assert title is not None
    title.left, title.top, title.width, title.height = (Inches(0.8), Inches(1.8),
                                                        Inches(11.7), Inches(1.8))
    title.text = slide_title("cover", inputs.year, inputs.lang)
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        Inches(0.8), Inches(3.8), Inches(11.7), Inches(1.4))
    lang = inputs.lang
    subtitle.text = (f"{t('deck_period', lang)}: {inputs.period}\n"
                     f"{t('export_made_on', lang)} {format_day(inputs.provenance.made_on, lang)}")
    _stamps(slide, inputs)
    _footer(slide, inputs)


def _headline(prs: PresentationType, inputs: DeckInputs) -> None:
    slide = _new_slide(prs, slide_title("headline", inputs.year, inputs.lang), inputs)
    if not inputs.headline:
        _not_available(slide, t("deck_headline_missing", inputs.lang), inputs)
        return
    cols = 3
    w, h = Inches(4.0), Inches(1.65)
    for i, fig in enumerate(inputs.headline[:9]):
        left = Inches(0.5) + (i % cols) * (w + Inches(0.15))
        top = Inches(1.35) + (i // cols) * (h + Inches(0.1))
        _text(slide, left, top, w, Inches(0.42), fig.label, size=12, colour=_GREY)
        _text(slide, left, top + Inches(0.42), w, Inches(0.7), fig.value, size=30, bold=True)
        if fig.change:
            _text(slide, left, top + Inches(1.12), w, Inches(0.45), fig.change, size=13,
                  colour=_GREY)
    _note(slide, inputs.notes.get("headline"))


def _map_slide(prs: PresentationType, key: str, png: bytes | None, inputs: DeckInputs) -> None:
    slide = _new_slide(prs, slide_title(key, inputs.year, inputs.lang), inputs)
    if png is None:
        _not_available(slide, t(f"deck_{key}_missing", inputs.lang), inputs)
        return
    _picture(slide, png)


def _chart(prs: PresentationType, inputs: DeckInputs) -> None:
    slide = _new_slide(prs, slide_title("target_chart", inputs.year, inputs.lang), inputs)
    chart_in = inputs.target_chart
    if chart_in is None or chart_in.frame.empty:
        _not_available(slide, t("deck_target_chart_missing", inputs.lang), inputs)
        return
    data = CategoryChartData()  # type: ignore[no-untyped-call]
    data.categories = [str(y) for y in chart_in.frame.index]
    lang = inputs.lang
    for column, label in (("actual", t("deck_actual", lang)), ("target", t("deck_target", lang))):
        values = [None if pd.isna(v) else float(v) for v in chart_in.frame[column]]
        data.add_series(label, values, number_format="#,##0")  # type: ignore[no-untyped-call]
    graphic = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, Inches(0.8), Inches(1.3),
                                     Inches(11.7), Inches(5.0), data)  # type: ignore[arg-type]
    chart = graphic.chart  # type: ignore[attr-defined]
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.value_axis.has_major_gridlines = True
    _note(slide, chart_in.note)


def _cell_text(value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return t("deck_yes", lang) if value else t("deck_no", lang)
    if isinstance(value, int | float):
        decimals = 0 if float(value).is_integer() else 1
        return format_number(float(value), lang, decimals)
    return str(value)


def _table_slide(prs: PresentationType, key: str, table: SlideTable | None,
                 inputs: DeckInputs) -> None:
    slide = _new_slide(prs, slide_title(key, inputs.year, inputs.lang), inputs)
    if table is None:
        _not_available(slide, t(f"deck_{key}_missing", inputs.lang), inputs)
        return
    frame = table.frame
    if frame.empty:
        _text(slide, Inches(1.0), Inches(2.6), Inches(11.3), Inches(1.2),
              t(f"deck_{key}_none", inputs.lang), size=22, colour=_GREY, align=PP_ALIGN.CENTER)
        _note(slide, table.note)
        return
    shown = frame.head(MAX_TABLE_ROWS)
    rows, cols = len(shown) + 1, len(shown.columns)
    height = Emu(Inches(0.4) * rows)
    grid = slide.shapes.add_table(rows, cols, Inches(0.5), Inches(1.3), Inches(12.3),
                                  height).table
    for j, name in enumerate(shown.columns):
        grid.cell(0, j).text = str(name)
    for i, row in enumerate(shown.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            grid.cell(i, j).text = _cell_text(value, inputs.lang)
    for cell in (grid.cell(i, j) for i in range(rows) for j in range(cols)):
        for para in cell.text_frame.paragraphs:
            for run in para.runs:
                run.font.size = Pt(13)
    note = table.note or ""
    if len(frame) > MAX_TABLE_ROWS:
        more = t("deck_more_rows", inputs.lang).format(n=len(frame) - MAX_TABLE_ROWS)
        note = f"{more} {note}".strip()
    _note(slide, note or None)


def build_deck(inputs: DeckInputs) -> PresentationType:
    """The deck of :data:`SLIDES` (16:9) from ``inputs``.

    Parameters
    ----------
    inputs : DeckInputs
        Figures, pictures and tables; ``None`` fields give "not available yet" slides.

    Returns
    -------
    pptx.presentation.Presentation
    """
    prs = Presentation()
    prs.slide_width, prs.slide_height = _WIDTH, _HEIGHT
    prs.core_properties.title = slide_title("cover", inputs.year, inputs.lang)
    prs.core_properties.author = "povmap (Bản đồ giảm nghèo)"
    _cover(prs, inputs)
    _headline(prs, inputs)
    _map_slide(prs, "poverty_map", inputs.poverty_map, inputs)
    _map_slide(prs, "progress_map", inputs.progress_map, inputs)
    _chart(prs, inputs)
    _table_slide(prs, "off_track", inputs.off_track, inputs)
    _table_slide(prs, "zones", inputs.zones, inputs)
    _table_slide(prs, "late_tasks", inputs.late_tasks, inputs)
    return prs


def deck_bytes(inputs: DeckInputs) -> bytes:
    """The deck of :func:`build_deck` as ``.pptx`` bytes."""
    buf = io.BytesIO()
    build_deck(inputs).save(buf)
    return buf.getvalue()
