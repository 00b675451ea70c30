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
# st.navigation takes over. `python -m dashboard.serve` (scripts/run) clears that flag before
# serving (dashboard.serve.navigation_app); plain `streamlit run` keeps the quirk. The folder
# keeps its name: the product layout names dashboard/pages.
# Every page has an explicit url_path: without one Streamlit derives the page's identity
# from its title, which changes with the language and broke the session on switching.
# (script, title key, icon, url path); the first is the default page.
PAGES = (
    ("poverty_map", "page_map", "map", "ban-do"),
    ("overview", "page_overview", "dashboard", "tong-quan"),
    ("data_table", "page_data", "table", "so-lieu"),
    ("units", "page_units", "list", "don-vi"),
    ("progress", "page_progress", "flag", "tien-do"),
    ("tasks", "page_tasks", "checklist", "nhiem-vu"),
    ("prioritise", "page_prioritise", "filter_alt", "loc-uu-tien"),
)
pages = [st.Page(f"pages/{script}.py", title=t(key, lang), icon=f":material/{icon}:",
                 default=i == 0, url_path=path)
         for i, (script, key, icon, path) in enumerate(PAGES)]
st.navigation(pages).run()
