"""Entry point: ``streamlit run dashboard/app.py``. Language toggle and navigation only."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from povcore.i18n import t

# A local icon: ":material/…" or emoji favicons are fetched from public CDNs.
st.set_page_config(page_title="Bản đồ giảm nghèo",
                   page_icon=str(Path(__file__).with_name("icon.png")), layout="wide")
if "lang" not in st.session_state:
    st.session_state["lang"] = st.query_params.get("lang", "vi") if st.query_params.get(
        "lang") in ("vi", "en") else "vi"
lang = st.sidebar.radio("Ngôn ngữ / Language", ["vi", "en"], key="lang", horizontal=True,
                        format_func=lambda x: "Tiếng Việt" if x == "vi" else "English")
# Known quirk (Streamlit's PagesManager): a "pages" folder beside this file makes the first
# session of a freshly started server run as a v1 pages-directory app, so a first deep link
# (/tien-do, /loc-uu-tien?scenario=…) shows "Page not found" once before this script's
# st.navigation takes over. The folder keeps its name: the product layout names dashboard/pages.
# Every page has an explicit url_path: without one Streamlit derives the page's identity
# from its title, which changes with the language and broke the session on switching.
pages = [
    st.Page("pages/poverty_map.py", title=t("page_map", lang), icon=":material/map:",
            default=True, url_path="ban-do"),
    st.Page("pages/overview.py", title=t("page_overview", lang), icon=":material/dashboard:",
            url_path="tong-quan"),
    st.Page("pages/data_table.py", title=t("page_data", lang), icon=":material/table:",
            url_path="so-lieu"),
    st.Page("pages/units.py", title=t("page_units", lang), icon=":material/list:",
            url_path="don-vi"),
    st.Page("pages/progress.py", title=t("page_progress", lang), icon=":material/flag:",
            url_path="tien-do"),
    st.Page("pages/tasks.py", title=t("page_tasks", lang), icon=":material/checklist:",
            url_path="nhiem-vu"),
    st.Page("pages/prioritise.py", title=t("page_prioritise", lang), icon=":material/filter_alt:",
            url_path="loc-uu-tien"),
]
st.navigation(pages).run()
