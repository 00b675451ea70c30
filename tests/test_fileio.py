"""Atomic writes (povcore.fileio): the old file or the new one, never half, no leftovers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from povcore.fileio import TEMP_SUFFIX, atomic_write_bytes, atomic_writer, temp_prefix


class WriteFailed(Exception):
    pass


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_target_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "layer.geojson"
    target.write_bytes(b"old content, longer than the new one")
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert _listing(tmp_path) == ["layer.geojson"]


def test_missing_folders_are_created(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "boundaries" / "2025.parquet"
    atomic_write_bytes(target, b"\x00\x01\x02")
    assert target.read_bytes() == b"\x00\x01\x02"
    assert _listing(target.parent) == ["2025.parquet"]


def _write_half_then_fail(target: Path, error: BaseException, seen: list[Path]) -> None:
    with atomic_writer(target) as handle:
        handle.write(b"half of the new ")
        handle.flush()
        seen.append(Path(handle.name))
        raise error


def test_failure_mid_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sha256.lock"
    target.write_bytes(b"abc  a.geojson\n")
    seen: list[Path] = []
    with pytest.raises(WriteFailed):
        _write_half_then_fail(target, WriteFailed(), seen)
    assert seen[0].parent == tmp_path
    assert seen[0] != target
    assert target.read_bytes() == b"abc  a.geojson\n"
    assert _listing(tmp_path) == ["sha256.lock"]


def test_interrupt_mid_write_leaves_no_temporary_and_no_target(tmp_path: Path) -> None:
    seen: list[Path] = []
    with pytest.raises(KeyboardInterrupt):
        _write_half_then_fail(tmp_path / "new.bin", KeyboardInterrupt(), seen)
    assert len(seen) == 1
    assert _listing(tmp_path) == []


def test_a_library_can_write_through_the_handle(tmp_path: Path) -> None:
    target = tmp_path / "table.parquet"
    with atomic_writer(target) as handle:
        pd.DataFrame({"code": ["26068", "26503"], "n": [1, 2]}).to_parquet(handle)
    assert pd.read_parquet(target).to_dict("list") == {"code": ["26068", "26503"], "n": [1, 2]}
    assert _listing(tmp_path) == ["table.parquet"]


def test_two_writers_never_share_a_temporary_name(tmp_path: Path) -> None:
    target = tmp_path / "wards.geojson"
    with atomic_writer(target) as first, atomic_writer(target) as second:
        names = {Path(first.name), Path(second.name)}
        assert len(names) == 2
        for name in names:
            assert name.parent == tmp_path
            assert name.name.startswith(".wards.geojson.")
            assert name.name.endswith(TEMP_SUFFIX)
        first.write(b"first")
        second.write(b"second")
        assert not target.exists()
    # The inner block (second) finished first; the outer one replaced it: last wins.
    assert target.read_bytes() == b"first"
    assert _listing(tmp_path) == ["wards.geojson"]


def test_temporary_names_are_hidden() -> None:
    assert temp_prefix(Path("/data/cache/2025_commune_ab12.parquet")) == (
        ".2025_commune_ab12.parquet.")
