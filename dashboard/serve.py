"""Start the dashboard warm: ``python -m dashboard.serve [streamlit options]``.

``streamlit run dashboard/app.py`` imports the pages' modules (pandas, geopandas, folium,
streamlit-folium, the store and map code: about 1.5 s) and reads the boundaries only
when the first browser session runs the script, so the first map after a server start
came about 2 s later than any later one. This launcher does that work once, before the
server accepts a connection, then starts the very same server in the same process
through Streamlit's own command line (``streamlit run dashboard/app.py`` with the
options given here, e.g. ``--server.port 8501``):

1. every module named by an import statement of ``app.py`` and ``pages/*.py`` is
   imported (found by reading the scripts, so a new import in a page is warmed too),
   except modules declaring a Streamlit component (``streamlit_folium``), which must be
   imported in a session to be registered with the server (their dependencies are kept);
2. the process-wide caches of :mod:`dashboard.data` are filled: the web layer and
   provenance of every boundary version and level (``st.cache_resource``, read from the
   files ``povmap setup`` wrote, computed and written there if missing, exactly as a
   page would), the province outline, the registry's crosswalk weights and the map's
   TopoJSON arcs of every layer.

Nothing is written to the store and no request leaves the machine. ``st.cache_data``
functions (observations, import summaries: store reads of a few tens of milliseconds)
are left to the first session: before the server exists they would be bound to a
throwaway cache. Plain ``streamlit run dashboard/app.py`` keeps working; it is just colder.
"""

from __future__ import annotations

import ast
import importlib
import logging
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType, ModuleType
from typing import cast

APP = Path(__file__).resolve().with_name("app.py")
#: Streamlit warnings that are expected, and muted, while warming before the server runs:
#: "No runtime found" when a ``st.cache_data`` function is *decorated* (that only checks
#: its parameters; the cache storage is chosen at its first call, in a session), and
#: "missing ScriptRunContext" when a ``st.cache_resource`` function runs outside a session.
_BARE_MODE_LOGGERS = ("streamlit.runtime.caching.cache_data_api",
                      "streamlit.runtime.scriptrunner_utils.script_run_context")


@dataclass(frozen=True)
class ScriptImport:
    """An absolute import statement: ``import module`` or ``from module import names``."""

    module: str
    names: tuple[str, ...] = ()


def source_imports(source: str, filename: str = "<script>") -> list[ScriptImport]:
    r"""The absolute imports of Python source, read without running it.

    Nested imports count too; relative imports and ``from __future__`` are left out;
    each import is listed once, in order of first appearance.

    Examples
    --------
    >>> src = ("from __future__ import annotations\nimport json, os.path\n"
    ...        "from email import message\nfrom . import x\nimport json\n")
    >>> [(i.module, i.names) for i in source_imports(src)]
    [('json', ()), ('os.path', ()), ('email', ('message',))]
    """
    out: list[ScriptImport] = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            found = [ScriptImport(alias.name) for alias in node.names]
        elif (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
              and node.module != "__future__"):
            found = [ScriptImport(node.module, tuple(a.name for a in node.names))]
        else:
            continue
        out += [item for item in found if item not in out]
    return out


def script_imports(paths: Iterable[Path]) -> list[ScriptImport]:
    """The absolute imports of the scripts at ``paths`` (see :func:`source_imports`)."""
    out: list[ScriptImport] = []
    for path in paths:
        found = source_imports(path.read_text(encoding="utf-8"), str(path))
        out += [item for item in found if item not in out]
    return out


def app_scripts(app: Path = APP) -> list[Path]:
    """The app's entry script and its page scripts (``pages/*.py`` beside it)."""
    return [app, *sorted((app.parent / "pages").glob("*.py"))]


def import_all(imports: Iterable[ScriptImport]) -> tuple[int, list[str]]:
    """Run the imports as the scripts would.

    ``from package import name`` imports ``package.name`` when ``name`` is a submodule
    (``from dashboard import data``), as Python's own ``from`` statement does.
    Modules that declare a Streamlit component (``streamlit_folium``) are unloaded
    again, with every module that refers to them (:func:`unload_components`): their
    dependencies (folium, branca, jinja2) stay loaded.

    Returns
    -------
    tuple of (int, list of str)
        How many modules stay loaded, and the imports that failed with their error
        (the page that needs one shows the error when it runs).
    """
    before = set(sys.modules)
    failed: list[str] = []
    with _bare_mode_quiet():
        for item in imports:
            try:
                _run_import(item)
            except ImportError as err:
                failed.append(f"{item.module}: {err}")
    new = set(sys.modules) - before
    return len(new - unload_components(new)), failed


def _run_import(item: ScriptImport) -> None:
    module = importlib.import_module(item.module)
    for name in item.names:
        if name != "*" and not hasattr(module, name):
            importlib.import_module(f"{item.module}.{name}")


def unload_components(names: Iterable[str]) -> set[str]:
    """Remove from ``sys.modules`` the modules among ``names`` that declare a component.

    Streamlit registers a custom component with the running server only when the
    module declaring it is imported during a session (``declare_component`` outside one
    makes a component the server does not know, whose frame then never loads). So such
    a module, its submodules and every module among ``names`` holding one of their
    objects are imported again by the first session. Returns the names removed.
    """
    from streamlit.components.types.base_custom_component import BaseCustomComponent

    # Streamlit's own modules declare no component; some of their values are proxies
    # that warn when touched, so they are not looked into (nor is any value's __class__).
    loaded = {n: sys.modules[n] for n in names
              if n in sys.modules and n.partition(".")[0] != "streamlit"}
    declaring = {n for n, m in loaded.items()
                 if any(issubclass(type(v), BaseCustomComponent) for v in vars(m).values())}
    if not declaring:
        return set()
    owned = {n for n in loaded if any(n == d or n.startswith(f"{d}.") for d in declaring)}
    users = {n for n, m in loaded.items()
             if any(_defined_in(v, owned) for v in vars(m).values())}
    for name in owned | users:
        del sys.modules[name]
    return owned | users


def _defined_in(value: object, modules: set[str]) -> bool:
    """Whether ``value`` is one of ``modules`` or a function or class defined there."""
    kind = type(value)
    if kind is ModuleType:
        return cast(ModuleType, value).__name__ in modules
    if kind is FunctionType or issubclass(kind, type):
        return cast(FunctionType, value).__module__ in modules
    return False


@contextmanager
def _bare_mode_quiet() -> Iterator[None]:
    # A filter, not a level: Streamlit resets its loggers' levels when it reads its config.
    from streamlit.logger import get_logger

    loggers = [get_logger(name) for name in _BARE_MODE_LOGGERS]
    for logger in loggers:
        logger.addFilter(_errors_only)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(_errors_only)


def _errors_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.ERROR


def warm_layers() -> Iterator[str]:
    """Fill the process-wide boundary caches the pages read; one line per layer.

    A layer that cannot be read is reported and skipped (with the province outline
    when it is the 2025 layer): the page then shows the error itself, as it would
    without this launcher.
    """
    import pandas as pd

    from dashboard import data
    from povcore.config import settings
    from povcore.errors import PovmapError
    from povcore.units import VERSIONS
    from povmaps.choropleth import units_group

    read: set[tuple[str, str]] = set()
    for version, bv in VERSIONS.items():
        for level in bv.levels:
            start = time.perf_counter()
            try:
                with _bare_mode_quiet():
                    layer = data.boundaries(version, level)
            except PovmapError as err:
                yield (f"Lớp bản đồ / map layer {version}/{level}: không đọc được / "
                       f"unreadable: {err}")
                continue
            read.add((version, level))
            # The units layer memoises the TopoJSON arcs of a geometry per process.
            units_group(layer.web, pd.Series(dtype=float), pd.Series(dtype=int), ["#ffffff"])
            yield (f"Lớp bản đồ / map layer {version}/{level}: {len(layer.web)} đơn vị / units "
                   f"({time.perf_counter() - start:.2f} s)")
    with _bare_mode_quiet():
        if ("2025", "commune") in read:  # the outline is drawn from today's units
            data.province_outline()
        for step in data.CROSSWALK_STEPS:
            data.membership_weights(*step, settings().province)


def warm(app: Path = APP) -> Iterator[str]:
    """Import what the app's scripts import, then fill the boundary caches.

    Yields
    ------
    str
        Lines to show: modules imported, each layer, the total time.
    """
    start = time.perf_counter()
    n_modules, failed = import_all(script_imports(app_scripts(app)))
    yield (f"Khởi động / warm-up: {n_modules} mô-đun / modules imported "
           f"({time.perf_counter() - start:.2f} s)")
    for failure in failed:
        yield f"Không nhập được / cannot import {failure}"
    yield from warm_layers()
    yield f"Khởi động xong / warm-up done ({time.perf_counter() - start:.2f} s)"


def navigation_app() -> None:
    """Tell Streamlit, before the first session, that the app declares its pages itself.

    A ``pages/`` folder beside ``app.py`` makes Streamlit treat a fresh server's first
    session as a pages-folder app (v1) until ``st.navigation`` runs, so a first link to
    ``/tien-do`` showed "Page not found" once. ``st.navigation`` clears the same flag
    (``PagesManager.uses_pages_directory = False``) at its first call; this sets it
    before any session starts.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def main(argv: Sequence[str] | None = None) -> None:
    """Warm the process, then ``streamlit run dashboard/app.py`` with ``argv`` as options.

    Parameters
    ----------
    argv : sequence of str, optional
        Options of ``streamlit run`` (default: this command's own arguments), e.g.
        ``["--server.port", "8501", "--server.headless", "true"]``.
    """
    options = list(sys.argv[1:] if argv is None else argv)
    for line in warm():
        print(line, flush=True)
    navigation_app()
    from streamlit.web import cli

    cli.main(["run", str(APP), *options], prog_name="streamlit")


if __name__ == "__main__":
    main()
