"""The mirror files beside a DuckDB store's file: what a fresh process maps instead of
reading the tables.

Three files per state, named ``<file>.mirror-<format>-<file id>-<generation>.npy`` plus
the suffixes ``.codes`` and ``.items``:

* ``.npy``: the normalised float32 matrix, an item's vector rows together, items in slot
  order (memory-mapped on open);
* ``.npy.codes``: its sign codes (``_codes``), so a first search reads 48 bytes a vector;
* ``.npy.items``: an uncompressed ``.npz`` of everything else search needs per slot:
  keys, namespace ids and names, times, the DuckDB ``rowid`` and the count of vector rows
  (values are not in it: they are read from DuckDB when a read returns them), and a
  header: format, file id, generation, item and vector counts, checksums of the codes
  and of sampled matrix rows.

They can never disagree with the tables unnoticed. Every committed write batch bumps the
``vectors_gen`` counter in ``store_meta`` inside its own transaction, so files named by
another generation (or another file's random ``file_id``) are never looked at; the header
must repeat the name's generation and match ``count(*)`` of both tables (two O(1)
reads), which also catches rows added or removed by SQL outside the store; and the zip's
CRC-32 (checked as the ``.npz`` is read), the codes' CRC-32 and the sampled rows' catch a
damaged file. Anything that does not match makes the open read the tables, then write
fresh files. The files are written only from a mirror that equals the committed tables
(right after reading them, or at a writer's close), each through a flushed temporary file
and a rename, the matrix last, so a crash leaves either no usable set or one of a
committed state. Filter columns kept for a set (``_column_files``) are named after its
matrix file and removed with it. (Hashing every key instead, as before, cost a read of every vector
row's key and about 0.1 s per 100k rows on each open.)
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from langmem_extract.store._codes import SignCodes

logger = logging.getLogger(__name__)

#: Bumped whenever what the files hold changes meaning (2: matrix named by a key digest).
FORMAT = 3
#: Matrix rows whose bytes the header checksums (spread evenly, first and last included).
SAMPLED_ROWS = 64
_TIMES = ("created", "updated", "expires", "ttl", "rowid")


@dataclass
class Saved:
    """A matching set of mirror files, read: per-slot columns and the mapped arrays."""

    keys: list[str]
    ns_names: list[str]
    ns_id: np.ndarray
    times: dict[str, np.ndarray]
    vec_count: np.ndarray
    matrix: np.ndarray
    codes: np.ndarray | None
    keys_crc: int = 0


def base_name(path: str, file_id: str, gen: int) -> Path:
    return Path(f"{path}.mirror-{FORMAT}-{file_id}-{gen}.npy")


def snapshots(path: str) -> list[Path]:
    """Every vector matrix file of the database at ``path`` (any format)."""
    db = Path(path)
    return sorted(db.parent.glob(f"{db.name}.mirror-*.npy"))


def snapshot_files(path: str) -> list[Path]:
    """Every mirror file of the database at ``path``: matrices, codes and item files."""
    db = Path(path)
    extra = [p for s in (".codes", ".items", ".col-*")
             for p in db.parent.glob(f"{db.name}.mirror-*.npy{s}")]  # fmt: skip
    return snapshots(path) + sorted(extra)


def keys_crc(keys: list[str]) -> int:
    """The CRC-32 of the keys as the files store them (NUL-joined UTF-8), in order."""
    return zlib.crc32("\x00".join(keys).encode())


def _sidecar(snap: Path, suffix: str) -> Path:
    return snap.with_name(snap.name + suffix)


def _sample_rows(n: int) -> np.ndarray:
    """Up to ``SAMPLED_ROWS`` distinct rows spread over ``n``, ascending (what
    ``np.unique`` of the same spread gives: the spread never decreases, so dropping
    repeats of the previous row is enough, and ``np.unique`` imports ``numpy.ma``,
    25-30 ms of CPU in a fresh process that needs it nowhere else)."""
    rows = np.linspace(0, n - 1, min(n, SAMPLED_ROWS)).astype(np.int64)
    return rows[np.concatenate(([True], rows[1:] != rows[:-1]))] if n else rows


def _sample_crc(matrix: np.ndarray) -> int:
    return zlib.crc32(np.ascontiguousarray(matrix[_sample_rows(len(matrix))]).tobytes())


def read(
    snap: Path, *, file_id: str, gen: int, items: int, vectors: int, dims: int
) -> Saved | None:
    """The files named ``snap``, if present, whole and matching the header's
    expectations; else ``None`` (the caller reads the tables)."""
    if not snap.exists():
        return None
    try:
        with np.load(_sidecar(snap, ".items")) as side:
            head = json.loads(side["meta"].tobytes())
            if head != {**head, "format": FORMAT, "file_id": file_id, "gen": gen,
                        "items": items, "vectors": vectors, "dims": dims}:  # fmt: skip
                return None
            key_bytes = side["keys"].tobytes()
            keys = key_bytes.decode().split("\x00") if items else []
            saved = Saved(
                keys=keys,
                ns_names=json.loads(side["ns_names"].tobytes()),
                ns_id=side["ns_id"],
                times={name: side[name] for name in _TIMES},
                vec_count=side["vec_count"],
                matrix=np.load(snap, mmap_mode="r"),
                codes=None,
                keys_crc=zlib.crc32(key_bytes),
            )
        codes_path = _sidecar(snap, ".codes")
        if head.get("codes_crc") is not None and codes_path.exists():
            codes = np.load(codes_path, mmap_mode="r")
            if zlib.crc32(codes) == head["codes_crc"]:
                saved.codes = codes
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        logger.warning("ignoring unreadable mirror files %s: %s", snap, exc)
        return None
    m = saved.matrix
    if (
        len(saved.keys) != items
        or m.shape != (vectors, dims)
        or m.dtype != np.float32
        or _sample_crc(m) != head.get("sample_crc")
        or any(len(saved.times[name]) != items for name in _TIMES)
        or len(saved.ns_id) != items
        or int(saved.vec_count.sum()) != vectors
        or (items and int(saved.ns_id.max()) >= len(saved.ns_names))
    ):
        return None
    if saved.codes is not None and saved.codes.shape != (SignCodes(dims).words, vectors):
        saved.codes = None
    return saved


def write(
    snap: Path,
    *,
    file_id: str,
    gen: int,
    keys: list[str],
    ns_names: list[str],
    ns_id: np.ndarray,
    times: dict[str, np.ndarray],
    vec_count: np.ndarray,
    matrix: np.ndarray,
) -> bool:
    """Write the three files of one committed state (see the module docstring); returns
    whether they were written. Older sets of the same database are removed."""
    joined = "\x00".join(keys)
    if joined.count("\x00") != max(len(keys) - 1, 0):  # keys never hold NUL (_validate)
        return False
    codes = SignCodes(matrix.shape[1])
    codes.sync(matrix, len(matrix))
    code_words = np.ascontiguousarray(codes.codes[:, : codes.n])
    head = {"format": FORMAT, "file_id": file_id, "gen": gen, "items": len(keys),
            "vectors": len(matrix), "dims": matrix.shape[1],
            "codes_crc": zlib.crc32(code_words), "sample_crc": _sample_crc(matrix)}  # fmt: skip
    side = {
        "meta": np.frombuffer(json.dumps(head).encode(), dtype=np.uint8),
        "keys": np.frombuffer(joined.encode(), dtype=np.uint8),
        "ns_names": np.frombuffer(json.dumps(ns_names).encode(), dtype=np.uint8),
        "ns_id": np.asarray(ns_id, dtype=np.int32),
        "vec_count": np.asarray(vec_count, dtype=np.int64),
        **{name: np.asarray(times[name]) for name in _TIMES},
    }
    parts = [(_sidecar(snap, ".codes"), code_words), (_sidecar(snap, ".items"), side)]
    parts.append((snap, matrix))
    tmps = [p.with_name(f".{p.name}.{os.getpid()}.tmp") for p, _ in parts]
    try:
        for tmp, (_, data) in zip(tmps, parts, strict=True):
            with open(tmp, "wb") as fh:
                if isinstance(data, dict):
                    np.savez(fh, **data)
                else:
                    np.save(fh, data)
                fh.flush()
                os.fsync(fh.fileno())
        for old in snapshot_files(str(snap)[: str(snap).rindex(".mirror-")]):
            if old not in [p for p, _ in parts]:
                with contextlib.suppress(OSError):
                    old.unlink()
        for tmp, (final, _) in zip(tmps, parts, strict=True):
            os.replace(tmp, final)
    except OSError as exc:
        logger.warning("could not write the mirror files %s: %s", snap, exc)
        for tmp in tmps:
            with contextlib.suppress(OSError):
                tmp.unlink()
        return False
    return True
