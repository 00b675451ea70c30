"""Shared fixtures.

Real boundaries come from POVMAP_GEODATA (../shared/geodata); the ``povmap`` command is
run as a real process through :class:`PovmapCli` (fixtures ``cli`` and ``offline_cli``);
``serve`` serves folders over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


def _shared_geodata() -> Path | None:
    env = os.environ.get("POVMAP_GEODATA")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[1].parent / "shared" / "geodata")
    for path in candidates:
        if (path / "new_2025").is_dir():
            return path
    return None


@pytest.fixture(scope="session")
def shared_geodata() -> Path:
    """The developers' real boundary folder; absent locally → skip, absent in CI → fail."""
    path = _shared_geodata()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("POVMAP_GEODATA is not set and ../shared/geodata is missing in CI")
        pytest.skip("real boundaries not found: set POVMAP_GEODATA to ../shared/geodata")
    return path


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh POVMAP_DATA_DIR for one test."""
    d = tmp_path / "data"
    monkeypatch.setenv("POVMAP_DATA_DIR", str(d))
    return d


# --- the `povmap` command, run as a real process --------------------------------------

POVMAP = Path(sys.executable).with_name("povmap")


@dataclass(frozen=True)
class PovmapCli:
    """The installed ``povmap`` command with its own environment (over ``os.environ``)."""

    env: Mapping[str, str]

    @classmethod
    def offline(cls, root: Path) -> PovmapCli:
        """Store and caches under ``root/data``; no boundary files (approximate ones)."""
        return cls({"POVMAP_DATA_DIR": str(root / "data"),
                    "POVMAP_GEODATA": str(root / "nogeo")})

    def with_env(self, **extra: str) -> PovmapCli:
        """The same command with more environment variables."""
        return PovmapCli({**self.env, **extra})

    @property
    def store_path(self) -> Path:
        """The store file the command writes."""
        return Path(self.env["POVMAP_DATA_DIR"]) / "povmap.gpkg"

    def full_env(self) -> dict[str, str]:
        """The environment of the process."""
        return {**os.environ, **self.env}

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``povmap ARGS``; with ``check`` the exit code must be 0."""
        proc = subprocess.run([str(POVMAP), *args], capture_output=True, text=True,
                              env=self.full_env(), timeout=600)
        if check:
            assert proc.returncode == 0, proc.stderr
        return proc

    def popen(self, *args: str, **kwargs: Any) -> subprocess.Popen[str]:
        """Start ``povmap ARGS`` without waiting for it (text mode)."""
        return subprocess.Popen([str(POVMAP), *args], env=self.full_env(), text=True, **kwargs)

    def json(self, *args: str) -> Any:
        """Run ``povmap ARGS --json`` (exit code 0) and parse its standard output."""
        return json.loads(self(*args, "--json").stdout)

    def values(self, year: int, indicator: str, version: str | None = None) -> Any:
        """The document of ``povmap values``."""
        extra = ("--boundary-version", version) if version else ()
        return self.json("values", "--year", str(year), "--indicator", indicator, *extra)


@pytest.fixture
def cli(tmp_path: Path) -> PovmapCli:
    """``povmap`` on a fresh, empty data folder, offline (approximate boundaries)."""
    return PovmapCli.offline(tmp_path)


@pytest.fixture(scope="session")
def offline_cli() -> Callable[[Path], PovmapCli]:
    """Factory of offline ``povmap`` commands, for fixtures wider than one test."""
    return PovmapCli.offline


# --- local HTTP servers (127.0.0.1 only; tests never reach the network) ---------------


@dataclass
class Server:
    """A folder served on 127.0.0.1: its root, its URL and every request it answered."""

    root: Path
    url: str
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def serve() -> Iterator[Callable[[Path], Server]]:
    """Start ThreadingHTTPServers on 127.0.0.1 serving folders; shut them all down after."""
    running: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start(root: Path) -> Server:
        server_info = Server(root=root, url="")

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(root), **kwargs)

            def send_head(self) -> Any:
                server_info.requests.append(f"{self.command} {self.path}")
                return super().send_head()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        running.append((httpd, thread))
        server_info.url = f"http://127.0.0.1:{httpd.server_address[1]}"
        return server_info

    yield start
    for httpd, thread in running:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium (Debian's) for the whole session, shared by every browser test.

    Playwright's sync API runs one event loop per process: a second ``sync_playwright()``
    while this one is open fails, so browser tests take this fixture instead.
    """
    from playwright.sync_api import sync_playwright

    from dashboard.launch import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=list(CHROMIUM_ARGS))
        yield chromium
        chromium.close()
