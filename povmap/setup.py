"""What the README's run command does before starting the dashboard."""

from __future__ import annotations

import os
from collections.abc import Iterator

from geodata.boundaries import APPROXIMATE_LABEL_VI, boundaries_status, precompute
from povcore.config import Settings, settings
from povstore.imports import list_imports
from povstore.store import Store


def prepare() -> Iterator[str]:
    """Create/migrate the store; fetch 2025 boundaries if none and online.

    Yields the lines to show. Never fails for lack of network: the app then runs on
    approximate boundaries and says so.
    """
    cfg = settings()
    store = Store(cfg.store_path)
    version = store.migrate()
    yield f"Kho dữ liệu / store: {cfg.store_path} (lược đồ / schema {version})"
    if list_imports(store).empty:
        from povmap.importing import DEMO_LABEL, load_demo

        doc = load_demo(cfg)
        yield f"{DEMO_LABEL}: đã nhập {len(doc['files'])} bảng rà soát / demo workbooks imported"
        from povmap.zoning import load_demo_zones

        zones = load_demo_zones(cfg)
        yield (f"{DEMO_LABEL}: đã nhập {len(zones['zones'])} lớp vùng / demo zone layers "
               "imported")
    yield from _boundaries(cfg)
    yield from precompute(cfg)  # boundary and web-layer caches: a fast first map


def _boundaries(cfg: Settings) -> Iterator[str]:
    status = boundaries_status(cfg)
    if not status["2025"]["approximate"]:
        yield f"Ranh giới 2025 / 2025 boundaries: {status['2025']['source']}"
        return
    if os.environ.get("POVMAP_GEODATA"):
        yield (f"{APPROXIMATE_LABEL_VI}: POVMAP_GEODATA={cfg.geodata_dir} không có ranh giới "
               "2025 / has no 2025 boundaries")
        return
    from geodata.fetch import fetch_sources, load_manifest, network_available

    sources = [s for s in load_manifest(base_url=os.environ.get("POVMAP_FETCH_MIRROR"))
               if s.version == "2025"]
    if not sources or not network_available(sources[0].files[0].url):
        yield (f"{APPROXIMATE_LABEL_VI}: không tải được ranh giới (không có mạng) / "
               "cannot fetch boundaries (offline). Chạy `povmap geodata fetch` khi có mạng.")
        return
    yield "Đang tải ranh giới 2025 / fetching 2025 boundaries …"
    result = fetch_sources(sources, cfg.geodata_dir)
    yield f"Đã tải / fetched: {len(result.downloaded)} tệp / files"
