"""Shared header: data source, last import, and the caveat badges on every page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.mapdata import available_years
from dashboard import data
from povcore.i18n import t
from povstore.queries import ImportSummary


def lang() -> str:
    """The current interface language ("vi" or "en")."""
    value = st.session_state.get("lang")
    return value if value in ("vi", "en") else "vi"


class Slot:
    """The header's place at the top of a page whose year is chosen further down.

    ``slot = header.Slot()`` first, then ``slot.render(year=...)`` once the year is
    known: the header still shows above everything, naming that year's source.
    """

    def __init__(self) -> None:
        self._place = st.empty()

    def render(self, approximate: bool = False, year: int | None = None) -> ImportSummary:
        """Draw the header in its place (see :func:`render`)."""
        with self._place.container():
            return render(approximate, year)


def render(approximate: bool = False, year: int | None = None) -> ImportSummary:
    """Draw the header; returns what it states about the data.

    With ``year``, the source and import date are those of the imports holding that
    year's values (not the latest file of any kind); without, the store's latest import.
    """
    token = data.store_token()
    summary = data.store_summary(token)
    if year is not None:
        summary = data.year_sources(token).get(year, summary)
    lg = lang()
    badges = []
    if summary.demo:
        badges.append(f":orange-badge[:material/science: {t('demo', lg)}]")
    if approximate:
        badges.append(f":red-badge[:material/warning: {t('approximate', lg)}]")
    if summary.last_import:
        when = summary.last_import.replace("T", " ")[:16]
        source = (f"{t('source', lg)}: {summary.last_file} · "
                  f"{t('last_import', lg)}: {when} UTC")
    else:
        source = t("no_data_store", lg)
    st.caption(" ".join([*badges, source]))
    return summary


def data_or_stop(lang: str, slot: Slot | None = None,
                 approximate: bool = False) -> tuple[data.Token, pd.DataFrame, list[int]]:
    """The store's token, its observations and their review years.

    With no data yet, the header (in ``slot`` when given) and a message show, and the
    page stops there.
    """
    token = data.store_token()
    obs = data.observations(token)
    years = available_years(obs)
    if not years:
        (slot.render if slot else render)(approximate)
        st.info(t("no_data_store", lang))
        st.stop()
    return token, obs, years
