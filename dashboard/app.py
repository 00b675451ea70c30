"""Entry point: ``streamlit run dashboard/app.py``. Navigation and shared header only."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import t

st.set_page_config(page_title="Bản đồ giảm nghèo", page_icon=":material/map:", layout="wide")

lang = st.sidebar.radio("Ngôn ngữ / Language", ["vi", "en"], horizontal=True,
                        format_func=lambda x: "Tiếng Việt" if x == "vi" else "English",
                        key="lang")
pages = [
    st.Page("pages/boundary_map.py", title=t("page_map", lang), icon=":material/map:",
            default=True),
    st.Page("pages/units.py", title=t("page_units", lang), icon=":material/list:"),
]
st.navigation(pages).run()
