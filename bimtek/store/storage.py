"""A tiny object-store abstraction: one interface over a local folder and an S3 bucket prefix.

`open_location(url)` picks the implementation from the URL:

- a plain path (relative or absolute) or a `file://` URL -> `LocalLocation`;
- `s3://bucket/prefix` -> `S3Location`, reached through boto3 with the standard AWS configuration
  (environment, config files, instance roles). `AWS_ENDPOINT_URL` points it at any S3-compatible server.
  Credentials are never read or stored here.

Keys are POSIX relative paths under the location (`validation/report.json`). Listings are recursive, sorted and
skip hidden entries (`.DS_Store`, `.git/...`) and Excel lock files (`~$Program.xlsx`) at any depth, unless
`include_hidden` asks for them (an inbox lists them so each is reported, never read).
"""

from __future__ import annotations

import mimetypes
import os
import stat
import tempfile
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlparse

if TYPE_CHECKING:  # boto3 is imported lazily: a local-only run never pays for it.
    from botocore.client import BaseClient

HIDDEN_PREFIXES = (".", "~$")
"""Path components starting with one of these are hidden (dotfiles, `..`, Excel/Word and LibreOffice lock files)."""

_NOT_FOUND_CODES = {"404", "NoSuchKey", "NotFound"}
_NO_BUCKET_CODES = {"NoSuchBucket"}
_ALREADY_EXISTS_CODES = {"PreconditionFailed", "412", "ConditionalRequestConflict", "409"}
"""A conditional PUT lost: the key exists (412), or a concurrent conditional write to it is in progress (409)."""


class StorageError(Exception):
    """A location cannot be used (missing folder or bucket, unreadable object, bad URL...).

    The message always names the location concerned, so it can be shown to a user as is.
    """


class LocationNotFoundError(StorageError):
    """The location itself is missing: no such local folder, or no such bucket."""


class ObjectNotFoundError(StorageError):
    """The key does not exist in the location."""


class InputRefusedError(StorageError):
    """`read_input` will not read this object; `reason` says why, as one of the codes below.

    - "outside": a local symbolic link whose target lies outside the location (never followed);
    - "not_a_file": a folder link, named pipe, socket or device rather than a regular file;
    - "too_large": more than the `max_bytes` asked for (`size` holds the size when known);
    - "bad_key": a key that cannot name an object under the location.
    """

    def __init__(self, reason: str, where: str, size: int | None = None) -> None:
        self.reason = reason
        self.size = size
        super().__init__(f"Input refused ({reason}): {where}")


def open_location(url: str | os.PathLike[str]) -> Location:
    """Return the `Location` for a folder path, a `file://` URL or an `s3://bucket/prefix` URL."""
    text = os.fspath(url)
    if not text.strip():
        raise StorageError("Empty storage location: give a folder path or an s3://bucket/prefix URL.")
    if "://" not in text:  # a path, even one with a colon (C:\data, rapat:2026)
        return LocalLocation(Path(text))
    parsed = urlparse(text)
    scheme = parsed.scheme.lower()
    if scheme == "s3":
        return S3Location(parsed.netloc, parsed.path)
    if scheme == "file":
        return LocalLocation(_file_url_path(text, parsed.netloc, parsed.path))
    raise StorageError(f"Unsupported storage location {text!r}: use a folder path or s3://bucket/prefix.")


def _file_url_path(text: str, host: str, path: str) -> Path:
    """The local path of a `file://` URL (only the local host is supported)."""
    if host not in ("", "localhost"):
        raise StorageError(f"Unsupported file URL {text!r}: only local files (file:///path) are supported.")
    return Path(unquote(path))


def normalize_key(key: str) -> str:
    """Check that `key` is a relative POSIX path inside the location and return it without redundant parts.

    Rejects empty keys, absolute keys, backslashes and `..` components, so a key can never escape its location.
    """
    if not isinstance(key, str) or not key.strip("/"):
        raise ValueError(f"Invalid storage key {key!r}: expected a relative path such as 'aggregates/x.csv'.")
    if key.startswith("/") or "\\" in key:
        raise ValueError(f"Invalid storage key {key!r}: use a relative path with '/' separators.")
    parts = [part for part in key.split("/") if part not in ("", ".")]
    if ".." in parts or not parts:
        raise ValueError(f"Invalid storage key {key!r}: '..' is not allowed.")
    return "/".join(parts)


def is_hidden(key: str) -> bool:
    """True when any component of `key` is hidden (dotfile/dot-folder) or an Office lock file."""
    return any(part.startswith(HIDDEN_PREFIXES) for part in PurePosixPath(key).parts)


def _keep(key: str, suffixes: tuple[str, ...] | None, include_hidden: bool = False) -> bool:
    """Listing filter: not hidden (unless asked for) and, when suffixes are given, ending in one of them."""
    if is_hidden(key) and not include_hidden:
        return False
    if suffixes is None:
        return True
    return key.lower().endswith(tuple(s.lower() for s in suffixes))


def _filter_keys(keys: Iterable[str], suffixes: tuple[str, ...] | None, include_hidden: bool = False) -> list[str]:
    return sorted(key for key in keys if _keep(key, suffixes, include_hidden))


PORTAL_FILE_ROUTE = "berkas"
"""Path under the portal's base URL that serves a local store's files: `<portal>/berkas/<store key>`."""


def portal_file_url(portal_url: str, key: str) -> str:
    """The portal link of a store key (each path segment percent-encoded)."""
    segments = "/".join(quote(part) for part in normalize_key(key).split("/"))
    return f"{portal_url.rstrip('/')}/{PORTAL_FILE_ROUTE}/{segments}"


def guess_content_type(key: str) -> str:
    """A Content-Type for `key` from its extension; text types are declared UTF-8."""
    guessed = mimetypes.guess_type(key)[0] or "application/octet-stream"
    if guessed.startswith("text/") or guessed == "application/json":
        return f"{guessed}; charset=utf-8"
    return guessed


class Location(ABC):
    """A folder-like place holding objects addressed by relative POSIX keys."""

    @property
    @abstractmethod
    def url(self) -> str:
        """The location as a URL or path a user can recognise (and pass back to `open_location`)."""

    @abstractmethod
    def list(
        self, suffixes: tuple[str, ...] | None = None, *, missing_ok: bool = False, include_hidden: bool = False
    ) -> list[str]:
        """All keys under the location, recursive and sorted, hidden entries skipped.

        `include_hidden` lists hidden entries too (a hidden local folder as one key, not descended into).

        `suffixes` keeps only keys ending in one of them (case-insensitive, e.g. `(".xlsx", ".csv")`).
        A missing folder or bucket raises `StorageError`, or gives `[]` when `missing_ok` is true.
        """

    @abstractmethod
    def read_bytes(self, key: str) -> bytes:
        """The content of `key`; `ObjectNotFoundError` when it does not exist."""

    @abstractmethod
    def read_input(self, key: str, max_bytes: int | None = None) -> bytes:
        """The content of `key` exactly as `list` returned it (an OPD file), within the location only.

        Unlike `read_bytes`, the key is not normalised (an S3 key may hold `//`, a local name a back-slash).
        Raises `ObjectNotFoundError` when it vanished (or is a dangling link) and `InputRefusedError` when it is
        outside the location, not a regular file or larger than `max_bytes` (checked before reading it whole).
        """

    @abstractmethod
    def write_bytes(self, key: str, data: bytes, content_type: str | None = None) -> None:
        """Store `data` under `key`, replacing any previous object in one step (no partial object is visible)."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """True when an object is stored under `key`."""

    @abstractmethod
    def create_exclusive(self, key: str, data: bytes, content_type: str | None = None) -> bool:
        """Store `data` under `key` only when nothing is stored there yet; True when this call created it.

        Atomic: of several concurrent callers for one key exactly one gets True (a hard link locally, a
        conditional PUT `If-None-Match: *` on S3), and the object is complete when it becomes visible.
        """

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove `key` (no error when it is already gone)."""

    @abstractmethod
    def child(self, prefix: str) -> Location:
        """The location of the sub-folder `prefix`."""

    @abstractmethod
    def describe(self, key: str) -> str:
        """The full, human-readable location of `key` (for messages and logs)."""

    @abstractmethod
    def presigned_url(self, key: str, expires: int = 3600) -> str:
        """A URL giving read access to `key` (a time-limited link on S3, a file:// URI locally)."""

    @abstractmethod
    def share_url(self, key: str, expires: int, portal_url: str) -> str:
        """A link a person's browser can open: presigned on S3, the portal's `/berkas/<key>` for a local store.

        `key` is relative to the store root this location stands for (the portal serves the store root).
        """

    def read_text(self, key: str, encoding: str = "utf-8") -> str:
        """The content of `key` decoded as text."""
        return self.read_bytes(key).decode(encoding)

    def write_text(self, key: str, text: str, content_type: str | None = None) -> None:
        """Store `text` UTF-8 encoded under `key`."""
        self.write_bytes(key, text.encode("utf-8"), content_type)

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"


class LocalLocation(Location):
    """A folder on the local file system. Writes create parent folders and are atomic (temp file + rename)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).expanduser().absolute()

    @property
    def url(self) -> str:
        return str(self.root)

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*normalize_key(key).split("/"))

    def list(
        self, suffixes: tuple[str, ...] | None = None, *, missing_ok: bool = False, include_hidden: bool = False
    ) -> list[str]:
        if not self.root.exists():
            if missing_ok:
                return []
            raise LocationNotFoundError(f"Folder tidak ditemukan: {self.url}")
        if not self.root.is_dir():
            raise StorageError(f"Not a folder: {self.url}")
        return _filter_keys(self._walk(), suffixes, include_hidden)

    def _walk(self) -> Iterable[str]:
        """Relative POSIX keys of every file below the root, not descending into hidden folders.

        Links to folders are not followed but listed as keys, so an inbox reports them instead of hiding them;
        hidden folders are listed as keys too (`list` drops them unless `include_hidden`).
        """
        for folder, dirs, files in os.walk(self.root):
            hidden = [d for d in dirs if d.startswith(HIDDEN_PREFIXES)]
            dirs[:] = [d for d in dirs if not d.startswith(HIDDEN_PREFIXES)]
            relative = Path(folder).relative_to(self.root)
            linked = [d for d in dirs if (Path(folder) / d).is_symlink()]
            for name in [*files, *linked, *hidden]:
                yield (relative / name).as_posix()

    def read_bytes(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise ObjectNotFoundError(f"Berkas tidak ditemukan: {path}") from exc
        except OSError as exc:
            raise StorageError(f"Cannot read {path}: {exc}") from exc

    def read_input(self, key: str, max_bytes: int | None = None) -> bytes:
        parts = key.split("/")
        if not key or key.startswith("/") or ".." in parts or "" in parts:
            raise InputRefusedError("bad_key", f"{self.url}/{key}")
        path = self.root.joinpath(*parts)
        try:
            real = path.resolve(strict=True)
        except FileNotFoundError as exc:
            raise ObjectNotFoundError(f"Berkas tidak ditemukan: {path}") from exc
        except (OSError, RuntimeError) as exc:  # a link loop
            raise InputRefusedError("not_a_file", str(path)) from exc
        if not real.is_relative_to(self.root.resolve()):
            raise InputRefusedError("outside", str(path))
        return _read_regular_file(real, max_bytes)

    def write_bytes(self, key: str, data: bytes, content_type: str | None = None) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(path, data)
        except OSError as exc:
            raise StorageError(f"Cannot write {path}: {exc}") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def create_exclusive(self, key: str, data: bytes, content_type: str | None = None) -> bool:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = _write_temp(path, data)
            try:
                os.link(temp, path)
            except FileExistsError:
                return False
            finally:
                Path(temp).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"Cannot write {path}: {exc}") from exc
        return True

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"Cannot delete {path}: {exc}") from exc

    def child(self, prefix: str) -> LocalLocation:
        return LocalLocation(self._path(prefix))

    def describe(self, key: str) -> str:
        return str(self._path(key))

    def presigned_url(self, key: str, expires: int = 3600) -> str:
        return self._path(key).as_uri()

    def share_url(self, key: str, expires: int, portal_url: str) -> str:
        return portal_file_url(portal_url, key)

    def contained_path(self, key: str) -> Path:
        """The real path of `key` after resolving symbolic links; `StorageError` when it leaves the root."""
        root = self.root.resolve()
        path = self._path(key).resolve()
        if not path.is_relative_to(root):
            raise StorageError(f"Kunci di luar store: {key}")
        return path


def _read_regular_file(path: Path, max_bytes: int | None) -> bytes:
    """Bytes of a regular file (no link followed at the last step, no pipe opened blocking), at most `max_bytes`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError as exc:
        raise ObjectNotFoundError(f"Berkas tidak ditemukan: {path}") from exc
    except OSError as exc:
        raise InputRefusedError("not_a_file", str(path)) from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InputRefusedError("not_a_file", str(path))
        if max_bytes is not None and info.st_size > max_bytes:
            raise InputRefusedError("too_large", str(path), info.st_size)
        data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        raise InputRefusedError("too_large", str(path), len(data))
    return data


_UMASK_LOCK = threading.Lock()


def file_mode() -> int:
    """The mode a plainly created file gets under the current umask (0644 under the usual 022)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def _write_temp(path: Path, data: bytes) -> str:
    """A hidden temp file beside `path` holding `data`, flushed to disk, with the umask's mode (not mkstemp's 0600)."""
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), file_mode())
            os.fsync(handle.fileno())
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return temp_name


def _atomic_write(path: Path, data: bytes) -> None:
    """Write to a hidden temp file beside `path`, flush it to disk, then rename it over `path`."""
    temp_name = _write_temp(path, data)
    try:
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


class _LazyClient:
    """Creates one boto3 S3 client on first use; shared by a location and its children.

    Pickling drops the client (boto3 clients cannot be pickled), so locations can cross process boundaries
    (Dask workers, Prefect results); the copy creates its own client on first use.
    """

    def __init__(self, client: BaseClient | None = None) -> None:
        self._client = client

    def __getstate__(self) -> dict:
        return {"_client": None}

    def get(self) -> BaseClient:
        if self._client is None:
            import boto3
            from botocore.config import Config

            # A fresh session per client: boto3's default session is not safe to share between threads.
            # Signature V4 for every request and presigned link (what current S3-compatible servers expect).
            self._client = boto3.session.Session().client("s3", config=Config(signature_version="s3v4"))
        return self._client


class S3Location(Location):
    """A prefix in an S3 (or S3-compatible) bucket, reached through boto3.

    The client is created on first use (honouring AWS_* settings such as AWS_ENDPOINT_URL) and shared with child
    locations. A PUT is atomic on S3, so writes need no temp object. S3 has no folders: a prefix without objects
    lists as empty; only a missing bucket is a `LocationNotFoundError`.
    """

    page_size: int | None = None
    """Keys asked for per list_objects_v2 page; None = the server's default (1000 on AWS)."""

    def __init__(self, bucket: str, prefix: str = "", client: BaseClient | _LazyClient | None = None) -> None:
        if not bucket:
            raise StorageError("Invalid S3 location: the URL needs a bucket name, e.g. s3://bucket/prefix.")
        self.bucket = bucket
        self.prefix = "/".join(part for part in prefix.split("/") if part)
        self._lazy = client if isinstance(client, _LazyClient) else _LazyClient(client)

    @property
    def client(self) -> BaseClient:
        return self._lazy.get()

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def _key(self, key: str) -> str:
        key = normalize_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def list(
        self, suffixes: tuple[str, ...] | None = None, *, missing_ok: bool = False, include_hidden: bool = False
    ) -> list[str]:
        try:
            keys = list(self._iter_keys())
        except LocationNotFoundError:
            if missing_ok:
                return []
            raise
        return _filter_keys(keys, suffixes, include_hidden)

    def _iter_keys(self) -> Iterable[str]:
        """Relative keys of every object under the prefix, page by page; folder markers are skipped."""
        prefix = f"{self.prefix}/" if self.prefix else ""
        paginator = self.client.get_paginator("list_objects_v2")
        config = {"PageSize": self.page_size} if self.page_size else {}
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix, PaginationConfig=config):
                for item in page.get("Contents", []):
                    relative = item["Key"][len(prefix) :]
                    if relative and not relative.endswith("/"):
                        yield relative
        except _boto_errors() as exc:
            raise self._error(exc, self.url, "list") from exc

    def read_bytes(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
            return response["Body"].read()
        except _boto_errors() as exc:
            raise self._error(exc, self.describe(key), "read") from exc

    def read_input(self, key: str, max_bytes: int | None = None) -> bytes:
        if not key:
            raise InputRefusedError("bad_key", self.url)
        full_key = f"{self.prefix}/{key}" if self.prefix else key
        where = f"s3://{self.bucket}/{full_key}"
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=full_key)
            body = response["Body"]
            size = response.get("ContentLength")
            if max_bytes is not None and size is not None and size > max_bytes:
                body.close()
                raise InputRefusedError("too_large", where, size)
            data = body.read() if max_bytes is None else body.read(max_bytes + 1)
        except _boto_errors() as exc:
            raise self._error(exc, where, "read") from exc
        if max_bytes is not None and len(data) > max_bytes:
            raise InputRefusedError("too_large", where, len(data))
        return data

    def write_bytes(self, key: str, data: bytes, content_type: str | None = None) -> None:
        content_type = content_type or guess_content_type(key)
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type)
        except _boto_errors() as exc:
            raise self._error(exc, self.describe(key), "write") from exc

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except _boto_errors() as exc:
            if _error_code(exc) in _NOT_FOUND_CODES | _NO_BUCKET_CODES:
                return False
            raise self._error(exc, self.describe(key), "check") from exc
        return True

    def create_exclusive(self, key: str, data: bytes, content_type: str | None = None) -> bool:
        content_type = content_type or guess_content_type(key)
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type, IfNoneMatch="*"
            )
        except _boto_errors() as exc:
            if _error_code(exc) in _ALREADY_EXISTS_CODES:
                return False
            raise self._error(exc, self.describe(key), "write") from exc
        return True

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except _boto_errors() as exc:
            if _error_code(exc) not in _NOT_FOUND_CODES:
                raise self._error(exc, self.describe(key), "delete") from exc

    def child(self, prefix: str) -> S3Location:
        return S3Location(self.bucket, self._key(prefix), client=self._lazy)

    def describe(self, key: str) -> str:
        return f"s3://{self.bucket}/{self._key(key)}"

    def presigned_url(self, key: str, expires: int = 3600) -> str:
        params = {"Bucket": self.bucket, "Key": self._key(key)}
        try:
            return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=int(expires))
        except _boto_errors() as exc:
            raise self._error(exc, self.describe(key), "sign a link to") from exc

    def share_url(self, key: str, expires: int, portal_url: str) -> str:
        return self.presigned_url(key, expires)

    def _error(self, exc: Exception, where: str, action: str) -> StorageError:
        """Translate a boto3/botocore failure into a `StorageError` that names the location."""
        code = _error_code(exc)
        if code in _NO_BUCKET_CODES:
            return LocationNotFoundError(f"Bucket tidak ditemukan: s3://{self.bucket} ({where})")
        if code in _NOT_FOUND_CODES:
            return ObjectNotFoundError(f"Objek tidak ditemukan: {where}")
        return StorageError(f"Cannot {action} {where}: {exc}")


def _boto_errors() -> tuple[type[Exception], ...]:
    """botocore's exception bases: service errors (ClientError) and transport/credential errors."""
    from botocore.exceptions import BotoCoreError, ClientError

    return (ClientError, BotoCoreError)


def _error_code(exc: BaseException) -> str | None:
    """The S3 error code of a botocore ClientError (e.g. 'NoSuchBucket'), else None."""
    response: Any = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    return str(response.get("Error", {}).get("Code", "")) or None
