"""Start and stop the real dashboard as a local server, as ``scripts/run`` starts it.

Used by the browser tests (``tests/test_browser.py``) and ``bench/bench_browser.py``,
which then drive headless Chromium (:data:`CHROMIUM`) against it and refuse every
request that is not :func:`is_local`. The app runs in its own process group on a free
port of 127.0.0.1, from a checkout folder (this repository by default), with its own
``POVMAP_DATA_DIR`` prepared by ``povmap`` commands (``setup`` by default); its output
goes to a log file whose tail is shown when it fails to start. It is started warm
through ``python -m dashboard.serve`` (:mod:`dashboard.serve`) by default, or with plain
``streamlit run dashboard/app.py`` (``entry="streamlit"``). Nothing here imports
streamlit: the app is a child process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
#: Where the browser tests and benches put logs and screenshots (ignored by git).
ARTEFACTS = ROOT / "test-artefacts"
HEALTH_TIMEOUT_S = 120.0
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update")
#: How the app process is started: the warm launcher (README's ``scripts/run``) or plain
#: ``streamlit run dashboard/app.py``; both take the same ``--server.*`` options.
Entry = Literal["serve", "streamlit"]
ENTRY_COMMANDS: dict[str, tuple[str, ...]] = {
    "serve": ("-m", "dashboard.serve"),
    "streamlit": ("-m", "streamlit", "run", "dashboard/app.py"),
}


class AppStartError(RuntimeError):
    """The app did not answer its health check; the message ends with the log tail."""


@dataclass
class AppServer:
    """A running app process (``dashboard.serve`` or ``streamlit run``)."""

    proc: subprocess.Popen[bytes]
    port: int
    data_dir: Path
    log_path: Path

    @property
    def url(self) -> str:
        """Base URL, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """Process id of the app server."""
        return self.proc.pid

    def log_tail(self, n_lines: int = 40) -> str:
        """The last lines of the server log."""
        return log_tail(self.log_path, n_lines)


def log_tail(path: Path, n_lines: int = 40) -> str:
    """The last ``n_lines`` of a log file ("" when it does not exist)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return ""
    return "\n".join(lines[-n_lines:])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_env(data_dir: Path, geodata: Path | None) -> dict[str, str]:
    """Environment of the app process: its own store; boundaries from ``geodata``."""
    env = dict(os.environ)
    env["POVMAP_DATA_DIR"] = str(data_dir)
    if geodata is None:
        env.pop("POVMAP_GEODATA", None)
    else:
        env["POVMAP_GEODATA"] = str(geodata)
    env["PYTHONUNBUFFERED"] = "1"
    # Never fetch anything: setup only downloads boundaries when POVMAP_GEODATA is unset.
    env.pop("POVMAP_FETCH_MIRROR", None)
    return env


def _bin(name: str) -> str:
    """A console script installed beside the running interpreter (the project's venv)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def run_povmap(command: str, data_dir: Path, geodata: Path | None, log_path: Path,
               root: Path = ROOT) -> None:
    """``povmap COMMAND`` (``setup``: store and demo data; ``demo``: demo data only).

    Raises
    ------
    AppStartError
        If the command exits with an error; the message carries its output.
    """
    done = subprocess.run([_bin("povmap"), command], cwd=root,
                          env=app_env(data_dir, geodata), capture_output=True, text=True,
                          timeout=600, check=False)
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"$ povmap {command} (exit {done.returncode})\n"
                  f"{done.stdout}{done.stderr}\n")
    if done.returncode != 0:
        raise AppStartError(f"povmap {command} failed (exit {done.returncode}):\n"
                            f"{done.stdout}\n{done.stderr}")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def run_setup(data_dir: Path, geodata: Path | None, log_path: Path) -> None:
    """``povmap setup`` into ``data_dir`` (store and demo data), from this repository."""
    run_povmap("setup", data_dir, geodata, log_path)


def start_app(data_dir: Path, geodata: Path | None, log_path: Path, *,
              prepare: Sequence[str] = ("setup",), root: Path = ROOT,
              timeout: float = HEALTH_TIMEOUT_S, entry: Entry = "serve") -> AppServer:
    """Prepare ``data_dir`` and start the app; returns once ``/_stcore/health`` answers.

    Parameters
    ----------
    data_dir, geodata : Path
        ``POVMAP_DATA_DIR`` and ``POVMAP_GEODATA`` of the app (``geodata`` None: unset).
    log_path : Path
        Output of the preparing commands and of the server.
    prepare : sequence of str, default ("setup",)
        ``povmap`` commands run first, in order.
    root : Path, default this repository
        Checkout the app runs from (its ``dashboard/app.py``, in that folder).
    timeout : float
        Seconds to wait for the health check.
    entry : {"serve", "streamlit"}, default "serve"
        ``python -m dashboard.serve`` (warmed before it serves) or plain
        ``python -m streamlit run dashboard/app.py``.

    Raises
    ------
    AppStartError
        If preparing fails, the process exits, or health does not answer within
        ``timeout`` seconds; the message carries the tail of the log.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_text("", encoding="utf-8")
    for command in prepare:
        run_povmap(command, data_dir, geodata, log_path, root)
    port = free_port()
    cmd = [sys.executable, *ENTRY_COMMANDS[entry],
           "--server.address", "127.0.0.1", "--server.port", str(port)]
    with log_path.open("ab") as log:
        proc = subprocess.Popen(cmd, cwd=root, env=app_env(data_dir, geodata),
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    server = AppServer(proc, port, data_dir, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AppStartError(f"the app exited with code {proc.returncode} before "
                                f"answering health:\n{server.log_tail()}")
        if _healthy(server.url):
            return server
        time.sleep(0.25)
    stop_app(server)
    raise AppStartError(f"the app did not answer {server.url}/_stcore/health within "
                        f"{timeout:.0f} s:\n{server.log_tail()}")


def stop_app(server: AppServer, grace: float = 10.0) -> None:
    """Terminate the app's process group (SIGTERM, then SIGKILL after ``grace`` s)."""
    if server.proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.proc.pid, signal.SIGTERM)
    try:
        server.proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=grace)


@contextlib.contextmanager
def running_app(data_dir: Path, geodata: Path | None, log_path: Path, *,
                prepare: Sequence[str] = ("setup",), root: Path = ROOT,
                entry: Entry = "serve") -> Iterator[AppServer]:
    """Context manager around :func:`start_app` (same arguments) / :func:`stop_app`."""
    server = start_app(data_dir, geodata, log_path, prepare=prepare, root=root, entry=entry)
    try:
        yield server
    finally:
        stop_app(server)


def rss_mb(pid: int) -> float:
    """Resident memory (VmRSS) of a process in MiB, from ``/proc/PID/status``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def is_local(url: str) -> bool:
    """Whether ``url`` points at this machine (127.0.0.1 / localhost) or is not a network URL.

    >>> is_local("http://127.0.0.1:8501/x"), is_local("https://unpkg.com/leaflet.js")
    (True, False)
    >>> is_local("data:image/png;base64,AAAA"), is_local("ws://localhost:1/_stcore/stream")
    (True, True)
    """
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "javascript"):
        return True
    host = parts.hostname or ""
    return host in LOCAL_HOSTS or f"[{host}]" in LOCAL_HOSTS


def block_off_host(context: Any, blocked: list[str]) -> None:
    """Abort every request of a Playwright ``context`` that leaves this machine.

    Each aborted URL is appended to ``blocked``, so a test or bench can assert that the app
    made no request off 127.0.0.1.
    """
    def guard(route: Any) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)

