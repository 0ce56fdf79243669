"""The batch result cache: SQLite (stdlib, WAL), safe with several processes writing.

Key: sha256 of the app (its src, which never holds credentials, and the endpoint's signature and
parameter schemas), the endpoint, and the canonical inputs, with local files hashed by content.
No token, password or header value goes in. Values are JSON; output files are copied into the
cache folder (``files/``), so a result outlives the temp folder it was downloaded to. The folder
is created readable by the user alone (0700).

A file that is not a gradio_nb batch cache (corrupt, foreign, newer format) raises
``CacheError``: never a wrong result.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any, Sequence

from .._exceptions import CacheError
from .._protocol.endpoints import Endpoint

__all__ = ["ResultCache", "default_cache_dir", "cache_key"]

_FORMAT = "gradio_nb-batch-cache"
_VERSION = "1"
_DB_NAME = "results.sqlite3"


def default_cache_dir() -> Path:
    """``$GRADIO_NB_CACHE_DIR``, else ``$XDG_CACHE_HOME/gradio_nb/batches`` (``~/.cache/...``)."""
    explicit = os.environ.get("GRADIO_NB_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gradio_nb" / "batches"


def _file_digest(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _canonical(value: Any) -> Any:
    """Inputs as plain JSON, local files replaced by their content hash. Raises TypeError for
    values with no stable form (then the item is simply not cached)."""
    if isinstance(value, dict):
        path = value.get("path")
        if isinstance(path, str) and "meta" in value and not value.get("url") and os.path.isfile(path):
            return {"file-sha256": _file_digest(path)}
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"no canonical form for {type(value).__name__}")


def cache_key(src: str, endpoint: Endpoint, values: Sequence[Any]) -> str | None:
    """The cache key of one call, or None when an input has no stable form."""
    try:
        inputs = _canonical(list(values))
    except (TypeError, OSError):
        return None
    app = {
        "src": src,
        "signature": endpoint.signature(),
        "schemas": [p.schema for p in endpoint.parameters],
        "returns": [r.schema for r in endpoint.returns],
    }
    text = json.dumps({"app": app, "endpoint": endpoint.name, "inputs": inputs},
                      sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


class ResultCache:
    """One cache folder. Use on one thread (the loop thread); other processes may share it."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder).expanduser()
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            (self.folder / "files").mkdir(mode=0o700, exist_ok=True)
            os.chmod(self.folder, 0o700)
        except OSError as exc:
            raise CacheError(f"Cannot use {self.folder} as a batch cache folder: {exc}.") from exc
        self.path = self.folder / _DB_NAME
        try:
            self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None,
                                       check_same_thread=False)  # made here, used on the loop thread
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._init_schema()
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise CacheError(
                f"{self.path} is not a usable gradio_nb batch cache ({exc}). Delete it, or pass "
                "another folder as cache=..."
            ) from exc

    def _init_schema(self) -> None:
        db = self._db
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
                db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
                           "digest TEXT NOT NULL, created REAL NOT NULL)")
                db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?), ('version', ?)", (_FORMAT, _VERSION))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        meta = dict(db.execute("SELECT name, value FROM meta")) if "meta" in tables or not tables else {}
        if meta.get("format") != _FORMAT:
            raise CacheError(
                f"{self.path} is an SQLite file, but not a gradio_nb batch cache. Pass another "
                "folder as cache=..., or delete that file."
            )
        if meta.get("version") != _VERSION:
            raise CacheError(
                f"{self.path} is a gradio_nb batch cache of format {meta.get('version')!r}; this "
                f"version reads format {_VERSION!r}. Upgrade gradio_nb, or use another folder."
            )

    # -- reading and writing -------------------------------------------------------------------

    def get(self, key: str) -> tuple[bool, Any]:
        """(True, value) for a stored result, (False, None) otherwise."""
        try:
            row = self._db.execute("SELECT value, digest FROM results WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"Reading the batch cache {self.path} failed: {exc}.") from exc
        if row is None:
            return False, None
        text, digest = row
        if hashlib.sha256(text.encode()).hexdigest() != digest:
            raise CacheError(f"The batch cache {self.path} holds a corrupt entry; delete the folder "
                             f"{self.folder} to start over.")
        try:
            return True, self._decode(json.loads(text))
        except (ValueError, KeyError, TypeError) as exc:
            raise CacheError(f"The batch cache {self.path} holds an entry this version cannot "
                             f"read ({exc}).") from exc
        except FileNotFoundError:
            return False, None  # its output file was deleted: run the call again

    def put(self, key: str, value: Any) -> bool:
        """Store ``value`` under ``key``; False if it has no JSON form (it is not cached)."""
        try:
            text = json.dumps(self._encode(value), separators=(",", ":"), allow_nan=True)
        except (TypeError, ValueError, OSError):
            return False
        digest = hashlib.sha256(text.encode()).hexdigest()
        try:
            self._db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
                             (key, text, digest, time.time()))
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"Writing to the batch cache {self.path} failed: {exc}.") from exc
        return True

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    def close(self) -> None:
        self._close_quietly()

    def _close_quietly(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            try:
                db.close()
            except sqlite3.Error:
                pass

    # -- values ----------------------------------------------------------------------------------

    def _encode(self, value: Any) -> Any:
        """JSON with markers: tuples stay tuples, output files move into ``files/``."""
        if isinstance(value, tuple):
            return {"~tuple": [self._encode(v) for v in value]}
        if isinstance(value, list):
            return [self._encode(v) for v in value]
        if isinstance(value, dict):
            return {"~dict": [[str(k), self._encode(v)] for k, v in value.items()]}
        if isinstance(value, str) and os.path.isabs(value) and os.path.isfile(value):
            return {"~file": self._store_file(value)}
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        raise TypeError(type(value).__name__)

    def _store_file(self, path: str) -> str:
        digest = _file_digest(path)
        name = Path(path).name
        relative = f"files/{digest[:32]}/{name}"
        target = self.folder / relative
        if not target.exists():
            target.parent.mkdir(mode=0o700, exist_ok=True)
            partial = target.with_name(f".{name}.{os.getpid()}.part")
            shutil.copyfile(path, partial)
            os.replace(partial, target)
        return relative

    def _decode(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._decode(v) for v in value]
        if isinstance(value, dict):
            if "~tuple" in value:
                return tuple(self._decode(v) for v in value["~tuple"])
            if "~dict" in value:
                return {k: self._decode(v) for k, v in value["~dict"]}
            if "~file" in value:
                target = (self.folder / value["~file"]).resolve()
                if self.folder.resolve() not in target.parents:
                    raise KeyError("a file outside the cache folder")
                if not target.is_file():
                    raise FileNotFoundError(target)
                return str(target)
            raise KeyError(f"unknown marker {sorted(value)}")
        return value
