"""Download boundary sources listed in a manifest (backend of ``povmap geodata fetch``).

The manifest ``geodata/data/sources_<province>.toml`` lists each source: its key,
boundary version, title, licence, attribution (Vietnamese and English), homepage and
files. Every file has a relative POSIX ``path``; its URL is ``url_prefix + "/" + path``
and it is saved as ``<dest>/<source key>/<path>``.

Mirrors
    ``POVMAP_FETCH_MIRROR`` (or ``base_url=``) replaces ``url_prefix`` of every source:
    files then resolve to ``f"{mirror}/{path}"``. A mirror may be any HTTP(S) server or
    a ``file://`` folder holding the same relative paths (for the 2025 wards, a clone of
    the upstream repository at the pinned commit has exactly that layout).

Integrity
    A file whose ``sha256`` is given in the manifest is verified strictly. A file whose
    ``sha256`` is ``""`` (not known in advance) is trusted on first use: the hash of
    the first download is recorded in ``<dest>/<source key>/sha256.lock`` (the format
    of ``sha256sum``, so ``sha256sum -c`` works) and every later run verifies against
    that record. A mismatch raises :class:`~povcore.errors.PovmapError` naming the URL
    and both hashes; nothing is written at the final path then.

Cache and atomicity
    A file already present whose hash matches (manifest or lock) is not downloaded
    again. Downloads are streamed through :func:`povcore.fileio.atomic_writer` (a
    temporary file beside the target, moved into place only once the hash is checked),
    so a failed download never leaves a corrupt file. Files of a
    source are fetched one by one; the first failure stops the run and the files
    already fetched stay cached for the next run.

Licences
    A source with ``requires_acceptance = true`` (GADM) is fetched only when its key
    is in ``accept_licences``; otherwise it is reported as skipped, with instructions
    on how to download it yourself and where to put it.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import IO, Any

from povcore.errors import Issue, PovmapError
from povcore.fileio import atomic_write_bytes, atomic_writer
from povcore.units import VERSIONS

MIRROR_ENV = "POVMAP_FETCH_MIRROR"
LOCK_NAME = "sha256.lock"
MANIFEST_SCHEMA = 1
# The boundary versions a source may belong to: those of the unit registry.
BOUNDARY_VERSIONS = tuple(VERSIONS)
_CHUNK = 64 * 1024
_AGENT = "povmap-geodata-fetch"
_MIRROR_SCHEMES = ("http", "https", "file")
_REQUIRED = (
    "key", "version", "kind", "title", "licence", "homepage",
    "attribution_vi", "attribution_en", "url_prefix", "files",
)

Progress = Callable[[str, int, int], None]
"""``progress(file_label, bytes_done, bytes_total_or_0)``, called after every chunk."""


@dataclass(frozen=True)
class Bilingual:
    """A text in Vietnamese (shown first) and English.

    >>> str(Bilingual("Ranh giới", "Boundaries"))
    'Ranh giới / Boundaries'
    """

    vi: str
    en: str

    def __str__(self) -> str:
        return f"{self.vi} / {self.en}"


@dataclass(frozen=True)
class SourceFile:
    """One downloadable file: its URL, its relative path, its hash (``""``: unknown)."""

    url: str
    path: str
    sha256: str


@dataclass(frozen=True)
class Source:
    """One boundary source of the manifest."""

    key: str
    version: str
    title: str
    licence: str
    attribution: Bilingual
    homepage: str
    files: tuple[SourceFile, ...]
    requires_acceptance: bool = False
    kind: str = ""
    instructions: Bilingual = Bilingual("", "")


@dataclass(frozen=True)
class Skipped:
    """A source not fetched because its licence was not accepted."""

    key: str
    title: str
    licence: str
    instructions: Bilingual


@dataclass(frozen=True)
class FetchResult:
    """What :func:`fetch_sources` did.

    ``recorded`` lists the files whose hash was recorded for the first time in a
    ``sha256.lock`` (trust on first use); ``attributions`` maps the key of every
    source fetched or cached to its attribution text.
    """

    downloaded: tuple[Path, ...] = ()
    cached: tuple[Path, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    bytes: int = 0
    attributions: Mapping[str, str] = field(default_factory=dict)
    recorded: tuple[Path, ...] = ()

    def describe(self) -> str:
        """Human-readable summary, Vietnamese first, for the CLI."""
        lines = [
            f"Đã tải {len(self.downloaded)} tệp ({self.bytes:,} byte), "
            f"có sẵn {len(self.cached)} tệp, bỏ qua {len(self.skipped)} nguồn. / "
            f"Downloaded {len(self.downloaded)} files ({self.bytes:,} bytes), "
            f"{len(self.cached)} already present, {len(self.skipped)} sources skipped.",
        ]
        if self.recorded:
            lines.append(
                f"Đã ghi mã băm sha256 của {len(self.recorded)} tệp lần đầu (tin cậy lần đầu); "
                "các lần sau sẽ kiểm tra theo bản ghi này. / Recorded the sha256 of "
                f"{len(self.recorded)} files on first download (trust on first use); later "
                "runs verify against that record.",
            )
        lines.extend(f"Bỏ qua / Skipped '{s.key}': {s.instructions}" for s in self.skipped)
        lines.extend(f"Nguồn / Source: {text}" for text in self.attributions.values())
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "downloaded": [str(p) for p in self.downloaded],
            "cached": [str(p) for p in self.cached],
            "recorded": [str(p) for p in self.recorded],
            "skipped": [
                {"key": s.key, "title": s.title, "licence": s.licence,
                 "instructions_vi": s.instructions.vi, "instructions_en": s.instructions.en}
                for s in self.skipped
            ],
            "bytes": self.bytes,
            "attributions": dict(self.attributions),
        }


# --- manifest -----------------------------------------------------------------------


def load_manifest(
    path: Path | None = None, province: str = "75", base_url: str | None = None,
) -> list[Source]:
    """Read the sources manifest.

    Parameters
    ----------
    path
        A manifest file; default: the packaged ``sources_<province>.toml``.
    province
        GSO province code, used only when ``path`` is None.
    base_url
        Mirror replacing the URL prefix of every file (``f"{base_url}/{path}"``);
        default: the ``POVMAP_FETCH_MIRROR`` environment variable, if set.

    Returns
    -------
    list[Source]
        The sources in manifest order.

    Raises
    ------
    PovmapError
        Unknown province, unreadable manifest or invalid entry.

    Examples
    --------
    >>> sources = load_manifest(base_url="http://127.0.0.1:8000")
    >>> [s.key for s in sources]
    ['thanglequoc-2025', 'gadm41-2021']
    >>> sources[1].files[0].url
    'http://127.0.0.1:8000/gadm4.1/json/gadm41_VNM_3.json.zip'
    """
    where, text = _manifest_text(path, province)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise PovmapError("Danh mục nguồn không đọc được / Unreadable sources manifest",
                          [Issue(str(err), file=where)]) from err
    _check_schema(data, where)
    mirror = _mirror(base_url, where)
    sources = [_parse_source(entry, mirror, where) for entry in data.get("sources", [])]
    _check_unique(sources, where)
    return sources


def _manifest_text(path: Path | None, province: str) -> tuple[str, str]:
    if path is not None:
        try:
            return str(path), path.read_text(encoding="utf-8")
        except OSError as err:
            raise PovmapError("Không đọc được danh mục nguồn / Cannot read sources manifest",
                              [Issue(str(err), file=str(path))]) from err
    folder = resources.files("geodata").joinpath("data")
    name = f"sources_{province}.toml"
    if not folder.joinpath(name).is_file():
        known = sorted(p.name[8:-5] for p in folder.iterdir()
                       if p.name.startswith("sources_") and p.name.endswith(".toml"))
        raise PovmapError(
            "Không có danh mục nguồn cho tỉnh này / No sources manifest for this province",
            [Issue(f"province '{province}' has no {name}", code=province, value=province,
                   hint=f"Valid province codes: {', '.join(known)}")],
        )
    return name, folder.joinpath(name).read_text(encoding="utf-8")


def _check_schema(data: dict[str, Any], where: str) -> None:
    if data.get("schema") != MANIFEST_SCHEMA:
        raise PovmapError("Danh mục nguồn không hợp lệ / Invalid sources manifest", [
            Issue(f"schema is {data.get('schema')!r}, expected {MANIFEST_SCHEMA}", file=where,
                  hint="Update povmap or fix the 'schema' line of the manifest."),
        ])


def _mirror(base_url: str | None, where: str) -> str | None:
    mirror = base_url if base_url is not None else os.environ.get(MIRROR_ENV)
    if not mirror:
        return None
    scheme = urllib.parse.urlsplit(mirror).scheme
    if scheme not in _MIRROR_SCHEMES:
        raise PovmapError("Địa chỉ bản sao không hợp lệ / Invalid mirror URL", [
            Issue(f"mirror {mirror!r} has scheme {scheme!r}", file=where, value=mirror,
                  hint=f"Set {MIRROR_ENV} to a URL starting with http://, https:// or file://"),
        ])
    return mirror.rstrip("/")


def _invalid(where: str, key: str, message: str, hint: str = "") -> PovmapError:
    return PovmapError("Danh mục nguồn không hợp lệ / Invalid sources manifest",
                       [Issue(message, file=where, code=key or None, hint=hint)])


def _parse_source(entry: dict[str, Any], mirror: str | None, where: str) -> Source:
    key = str(entry.get("key", ""))
    missing = [name for name in _REQUIRED if name not in entry]
    if missing:
        raise _invalid(where, key, f"missing fields: {', '.join(missing)}")
    _check_version(str(entry["version"]), key, where)
    prefix = mirror or str(entry["url_prefix"]).rstrip("/")
    files = tuple(_parse_file(item, prefix, key, where) for item in entry["files"])
    return Source(
        key=key,
        version=str(entry["version"]),
        title=str(entry["title"]),
        licence=str(entry["licence"]),
        attribution=Bilingual(str(entry["attribution_vi"]), str(entry["attribution_en"])),
        homepage=str(entry["homepage"]),
        files=files,
        requires_acceptance=bool(entry.get("requires_acceptance", False)),
        kind=str(entry["kind"]),
        instructions=Bilingual(str(entry.get("instructions_vi", "")),
                               str(entry.get("instructions_en", ""))),
    )


def _check_version(version: str, key: str, where: str) -> None:
    if version not in BOUNDARY_VERSIONS:
        raise _invalid(where, key, f"unknown boundary version {version!r}",
                       f"Valid versions: {', '.join(BOUNDARY_VERSIONS)}")


def _parse_file(item: dict[str, Any], prefix: str, key: str, where: str) -> SourceFile:
    rel = str(item.get("path", ""))
    pure = PurePosixPath(rel)
    if not rel or pure.is_absolute() or ".." in pure.parts or "\\" in rel:
        raise _invalid(where, key, f"file path {rel!r} must be a relative POSIX path "
                       "without '..'")
    digest = str(item.get("sha256", "")).lower()
    if digest and (len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest)):
        raise _invalid(where, key, f"sha256 of {rel!r} is {digest!r}",
                       "Give 64 hexadecimal digits, or \"\" to record it on first download.")
    return SourceFile(url=f"{prefix}/{rel}", path=rel, sha256=digest)


def _check_unique(sources: list[Source], where: str) -> None:
    keys = [s.key for s in sources]
    duplicated = sorted({k for k in keys if keys.count(k) > 1})
    if duplicated:
        raise _invalid(where, duplicated[0], f"duplicated source keys: {', '.join(duplicated)}")


def attribution_text(sources: Iterable[Source]) -> str:
    """Attribution lines to show with maps and exports, one per source.

    Parameters
    ----------
    sources
        The sources whose data is shown.

    Returns
    -------
    str
        ``"<title> — <licence>. <Vietnamese> / <English> <homepage>"`` per line.

    Examples
    --------
    >>> text = attribution_text(load_manifest()[:1])
    >>> "MIT" in text and "sapnhap.bando.com.vn" in text
    True
    """
    return "\n".join(
        f"{s.title} — {s.licence}. {s.attribution} {s.homepage}" for s in sources
    )


# --- lock (trust on first use) --------------------------------------------------------


@dataclass
class _Lock:
    path: Path
    hashes: dict[str, str]

    @classmethod
    def read(cls, path: Path) -> _Lock:
        hashes: dict[str, str] = {}
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                digest, _, rel = line.partition("  ")
                if rel:
                    hashes[rel] = digest.strip().lower()
        return cls(path, hashes)

    def record(self, rel: str, digest: str) -> None:
        self.hashes[rel] = digest
        text = "".join(f"{h}  {p}\n" for p, h in sorted(self.hashes.items()))
        atomic_write_bytes(self.path, text.encode("utf-8"))


# --- fetching -------------------------------------------------------------------------


@dataclass
class _Tally:
    downloaded: list[Path] = field(default_factory=list)
    cached: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    recorded: list[Path] = field(default_factory=list)
    attributions: dict[str, str] = field(default_factory=dict)
    bytes: int = 0

    def result(self) -> FetchResult:
        return FetchResult(tuple(self.downloaded), tuple(self.cached), tuple(self.skipped),
                           self.bytes, dict(self.attributions), tuple(self.recorded))


@dataclass(frozen=True)
class _Job:
    source: Source
    folder: Path
    lock: _Lock
    progress: Progress | None
    timeout: float


def fetch_sources(
    sources: Iterable[Source],
    dest: Path,
    accept_licences: AbstractSet[str] = frozenset(),
    progress: Progress | None = None,
    timeout: float = 30,
) -> FetchResult:
    """Download the files of ``sources`` into ``dest/<source key>/<path>``.

    Parameters
    ----------
    sources
        From :func:`load_manifest`.
    dest
        Download folder (created if needed).
    accept_licences
        Keys of the sources with ``requires_acceptance`` whose licence the user
        accepted; the others are skipped with instructions.
    progress
        Called as ``progress(file_label, bytes_done, bytes_total_or_0)`` after every
        chunk of a download.
    timeout
        Seconds to wait for the server on connect and on every read.

    Returns
    -------
    FetchResult
        Files downloaded, already present (cached), sources skipped, bytes downloaded,
        attribution per source, and hashes recorded on first use.

    Raises
    ------
    PovmapError
        On the first file that cannot be downloaded (HTTP error, connection refused,
        timeout) or whose sha256 differs from the manifest or the lock file. Nothing
        is left at that file's final path; files fetched before it stay cached.
    """
    tally = _Tally()
    for source in sources:
        folder = dest / source.key
        job = _Job(source, folder, _Lock.read(folder / LOCK_NAME), progress, timeout)
        if source.requires_acceptance and source.key not in accept_licences:
            _check_unaccepted(job, tally)
        else:
            for item in source.files:
                _fetch_file(job, item, tally)
            tally.attributions[source.key] = str(source.attribution)
    return tally.result()


def _check_unaccepted(job: _Job, tally: _Tally) -> None:
    """Use files the user put in place by hand; never download them."""
    source = job.source
    if all((job.folder / f.path).is_file() for f in source.files):
        for item in source.files:
            _use_present(job, item, tally, may_download=False)
        tally.attributions[source.key] = str(source.attribution)
        return
    fill = {"url": " ; ".join(f.url for f in source.files),
            "path": " ; ".join(str(job.folder / f.path) for f in source.files),
            "key": source.key}
    instructions = Bilingual(source.instructions.vi.format_map(fill),
                             source.instructions.en.format_map(fill))
    tally.skipped.append(Skipped(source.key, source.title, source.licence, instructions))


def _fetch_file(job: _Job, item: SourceFile, tally: _Tally) -> None:
    if _use_present(job, item, tally, may_download=True):
        return
    target = job.folder / item.path
    digest, size = _download(job, item, target)
    if not item.sha256 and item.path not in job.lock.hashes:
        job.lock.record(item.path, digest)
        tally.recorded.append(target)
    tally.downloaded.append(target)
    tally.bytes += size


def _use_present(job: _Job, item: SourceFile, tally: _Tally, *, may_download: bool) -> bool:
    """Whether the file is already in place with the right hash (then counted cached)."""
    target = job.folder / item.path
    if not target.is_file():
        return False
    expected = item.sha256 or job.lock.hashes.get(item.path, "")
    actual = _sha256_of(target)
    if expected and actual != expected:
        if may_download:
            return False
        raise _mismatch(job, item, str(target), expected, actual)
    if not expected:
        job.lock.record(item.path, actual)
        tally.recorded.append(target)
    tally.cached.append(target)
    return True


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _download(job: _Job, item: SourceFile, target: Path) -> tuple[str, int]:
    label = f"{job.source.key}: {PurePosixPath(item.path).name}"
    with _open(job, item, target) as response, atomic_writer(target) as out:
        digest, size = _stream(job, item, target, response, out, label)
        expected = item.sha256 or job.lock.hashes.get(item.path, "")
        if expected and digest != expected:
            raise _mismatch(job, item, item.url, expected, digest)
    return digest, size


def _open(job: _Job, item: SourceFile, target: Path) -> http.client.HTTPResponse:
    try:
        request = urllib.request.Request(item.url, headers={"User-Agent": _AGENT})
        response: http.client.HTTPResponse = urllib.request.urlopen(request, timeout=job.timeout)
    except (OSError, http.client.HTTPException, ValueError) as err:
        raise _network_error(job, item, target, err) from err
    return response


def _stream(job: _Job, item: SourceFile, target: Path, response: http.client.HTTPResponse,
            out: IO[bytes], label: str) -> tuple[str, int]:
    total = int(response.headers.get("Content-Length") or 0)
    digest = hashlib.sha256()
    done = 0
    try:
        while chunk := response.read(_CHUNK):
            out.write(chunk)
            digest.update(chunk)
            done += len(chunk)
            if job.progress is not None:
                job.progress(label, done, total)
    except (OSError, http.client.HTTPException) as err:
        raise _network_error(job, item, target, err) from err
    if total and done != total:
        raise _network_error(job, item, target,
                             OSError(f"truncated: received {done} of {total} bytes"))
    return digest.hexdigest(), done


def _describe_network_error(err: BaseException, timeout: float) -> tuple[str, Any]:
    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP {err.code} {err.reason}", err.code
    reason: Any = err.reason if isinstance(err, urllib.error.URLError) else err
    if isinstance(reason, TimeoutError):
        return f"timed out after {timeout:g} s (hết thời gian chờ)", "timeout"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (máy chủ từ chối kết nối)", "connection refused"
    return f"{type(reason).__name__}: {reason}", str(reason)


def _network_error(job: _Job, item: SourceFile, target: Path,
                   err: BaseException) -> PovmapError:
    status, value = _describe_network_error(err, job.timeout)
    hint = (
        f"Kiểm tra kết nối mạng; hoặc đặt {MIRROR_ENV} tới một bản sao; hoặc tự tải tệp "
        f"và đặt tại {target}. / Check the network; or set {MIRROR_ENV} to a mirror URL; "
        f"or download the file yourself and put it at {target}."
    )
    return PovmapError(
        f"Không tải được tệp của nguồn '{job.source.key}' / "
        f"Could not download a file of source '{job.source.key}'",
        [Issue(f"{status} — URL {item.url}", hint=hint, file=item.url, value=value)],
    )


def _mismatch(job: _Job, item: SourceFile, where: str, expected: str,
              actual: str) -> PovmapError:
    message = f"sha256 mismatch: expected {expected}, got {actual}"
    if item.sha256:
        hint = ("Tệp không khớp mã băm trong danh mục nguồn; bản sao có thể hỏng hoặc nguồn đã "
                "đổi. Không ghi tệp nào. / The file does not match the manifest hash; the "
                "mirror may be corrupt or the upstream changed. Nothing was written.")
    else:
        hint = (f"Tệp khác với lần tải đầu tiên (mã băm ghi trong {job.lock.path}, tin cậy lần "
                f"đầu). Nếu thay đổi là hợp lệ, xoá dòng '{item.path}' trong tệp đó rồi chạy "
                f"lại. / The file differs from the first download recorded in {job.lock.path} "
                "(trust on first use). If the change is legitimate, delete the line "
                f"'{item.path}' from that file and run again.")
    return PovmapError(
        f"Mã băm sai cho nguồn '{job.source.key}' / Hash mismatch in source "
        f"'{job.source.key}'",
        [Issue(message, hint=hint, file=where, value=actual)],
    )


def network_available(url: str, timeout: float = 3) -> bool:
    """Whether ``url`` answers a HEAD request with a status below 400.

    The run script uses it to choose between fetching the boundaries and falling back
    to approximate ones. Give it the URL of a file to fetch (after the mirror is
    applied), e.g. ``load_manifest()[0].files[0].url``.

    Parameters
    ----------
    url
        URL to probe.
    timeout
        Seconds to wait for an answer.

    Returns
    -------
    bool
        False on any HTTP error status, connection error, timeout or invalid URL.
    """
    try:
        request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": _AGENT})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status) < 400
    except (OSError, http.client.HTTPException, ValueError):
        return False


def verify_downloads(sources: Iterable[Source], dest: Path) -> dict[str, dict[str, Any]]:
    """Check files already downloaded against the manifest or the recorded hashes.

    Nothing is downloaded. Per source key: ``present``, ``missing``, ``verified`` and the
    list of ``mismatched`` relative paths.
    """
    out: dict[str, dict[str, Any]] = {}
    for source in sources:
        folder = dest / source.key
        lock = _Lock.read(folder / LOCK_NAME)
        present = [f for f in source.files if (folder / f.path).is_file()]
        expected = {f.path: f.sha256 or lock.hashes.get(f.path, "") for f in present}
        mismatched = [p for p, h in expected.items() if h and _sha256_of(folder / p) != h]
        unrecorded = sum(1 for h in expected.values() if not h)
        out[source.key] = {
            "present": len(present), "missing": len(source.files) - len(present),
            "verified": len(present) - len(mismatched) - unrecorded,
            "unrecorded": unrecorded, "mismatched": mismatched,
        }
    return out
