"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Every file the project writes for others to read (cached boundaries, web layers,
downloads, hash records) goes through :func:`atomic_writer`: the bytes go to a
temporary file with a unique name in the target's own folder (so the final
:func:`os.replace` is a rename within one file system, atomic on POSIX and Windows),
are flushed to disk with ``fsync``, and only then replace the target. On any failure,
including ``KeyboardInterrupt``, the temporary file is removed and the target is left
as it was. Two writers of the same target never share a temporary name; the last one to
finish wins.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

TEMP_SUFFIX = ".tmp"


def temp_prefix(path: Path) -> str:
    """Start of the name of every temporary file written for ``path``.

    Hidden (leading dot), so folder listings and globs on the final names skip it.

    >>> temp_prefix(Path("cache/wards.geojson"))
    '.wards.geojson.'
    """
    return f".{path.name}."


@contextmanager
def atomic_writer(path: Path) -> Iterator[IO[bytes]]:
    """Open a binary handle whose content replaces ``path`` when the block succeeds.

    Parameters
    ----------
    path : Path
        The target; its folder is created if missing.

    Yields
    ------
    IO[bytes]
        A handle on a new temporary file beside ``path``. Write to it (or pass it to
        a library that accepts a binary file object); do not close it yourself.

    Raises
    ------
    OSError
        When the folder cannot be created or written; the target is unchanged.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with atomic_writer(Path(tmp) / "a.txt") as handle:
    ...         _ = handle.write(b"new")
    ...     print((Path(tmp) / "a.txt").read_bytes(), sorted(p.name for p in Path(tmp).iterdir()))
    b'new' ['a.txt']
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, then renamed)
        dir=path.parent, prefix=temp_prefix(path), suffix=TEMP_SUFFIX, delete=False)
    temp = Path(handle.name)
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`atomic_writer`).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     atomic_write_bytes(Path(tmp) / "sub" / "b.bin", b"01")
    ...     (Path(tmp) / "sub" / "b.bin").read_bytes()
    b'01'
    """
    with atomic_writer(path) as handle:
        handle.write(data)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open a folder for this."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
