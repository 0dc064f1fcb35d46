"""karmayogi-sim dashboard: compare stored scenario runs (`streamlit run dashboard/app.py`).

Reads the results store (`KARMASIM_RESULTS`, default `results/`); each page lives in
`dashboard/views/`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):  # `dashboard` modules and the `sim` package
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

st.set_page_config(page_title="karmayogi-sim", page_icon="📊", layout="wide")

PAGES = [
    st.Page(HERE / "views/overview.py", title="Overview", url_path="overview", default=True),
    st.Page(HERE / "views/campaign.py", title="Campaign week", url_path="campaign"),
    st.Page(HERE / "views/platform_load.py", title="Platform load", url_path="platform"),
    st.Page(HERE / "views/replay.py", title="Campaign replay", url_path="replay"),
    st.Page(HERE / "views/competencies.py", title="Competencies", url_path="competencies"),
    st.Page(HERE / "views/forecast.py", title="Forecast", url_path="forecast"),
    st.Page(HERE / "views/designer.py", title="Scenario designer", url_path="designer"),
    st.Page(HERE / "views/export.py", title="Export", url_path="export"),
]

st.navigation(PAGES).run()
