"""Filter columns kept beside the mirror files, so a fresh process's first filtered
search does not rebuild them.

A filter column (``_filters.Column``: each slot's value at one path, dictionary-encoded)
is built on the first search that filters on its path: DuckDB's JSON reader over every
stored value, then a pass over the rows (``_duckdb_values.ValueReader.fill_column``).
At 10,000 memories that was 0.11-0.19 s of a cold CLI ``recall``, whose every search
filters on ``status`` (docs/benchmarks/cold_start.md); reading the column's file costs
about 1 ms.

One file per column and mirror state: ``<matrix file>.col-<digest of the path>``, an
uncompressed ``.npz`` of the codes (one int32 per item, in the mirror files' item order),
the distinct values as JSON and a header. It is bound to one set of mirror files
(``MirrorRef``): their file id and generation (every committed write bumps the
generation, so a column of another state is never looked at), their item count, and the
CRC-32 of their keys in order (two sets of one generation written by different processes
may order items differently). It is written only by a process whose mirror still equals
that state (no write since it was loaded: same generation in ``store_meta``, same slot
count, no dead slot), through a flushed temporary file and a rename, and read only
through the zip's CRC checks: a crash leaves either no file or a whole one of a committed
state. A file that does not match is ignored (the column is built, as before). Rows
changed by SQL outside the store are not seen, as for the mirror files' times.
Removed with the mirror files they belong to (``_mirror_files.snapshot_files``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from langmem_extract.store._filters import Column

logger = logging.getLogger(__name__)

#: Bumped whenever what a column file holds changes meaning.
FORMAT = 1
SUFFIX = ".col-"


@dataclass(frozen=True)
class MirrorRef:
    """The set of mirror files a cache's slots are in the order of."""

    snap: Path
    file_id: str
    gen: int
    items: int
    keys_crc: int


def column_file(ref: MirrorRef, path: tuple[str, ...]) -> Path:
    digest = hashlib.blake2b(json.dumps(path).encode(), digest_size=8).hexdigest()
    return ref.snap.with_name(f"{ref.snap.name}{SUFFIX}{digest}")


def _head(ref: MirrorRef, path: tuple[str, ...]) -> dict[str, Any]:
    return {"format": FORMAT, "file_id": ref.file_id, "gen": ref.gen, "items": ref.items,
            "keys_crc": ref.keys_crc, "path": list(path)}  # fmt: skip


def read(ref: MirrorRef, col: Column) -> bool:
    """Fill ``col`` (a fresh column) from its file, if one matches ``ref``; returns
    whether it did."""
    file = column_file(ref, col.path)
    if not file.exists():
        return False
    try:
        with np.load(file) as saved:
            head = json.loads(saved["meta"].tobytes())
            codes = np.asarray(saved["codes"], dtype=np.int32)
            distinct = json.loads(saved["distinct"].tobytes())
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        logger.warning("ignoring unreadable filter column %s: %s", file, exc)
        return False
    if (
        head != _head(ref, col.path)
        or not isinstance(distinct, list)
        or codes.shape != (ref.items,)
        or (ref.items and (int(codes.min()) < -1 or int(codes.max()) >= len(distinct)))
        or len(col.codes) < ref.items
    ):
        return False
    return col.adopt(codes, distinct)


def write(ref: MirrorRef, col: Column, codes: np.ndarray) -> bool:
    """Write ``col``'s file for ``ref`` (``codes``: one per item, in the files' order);
    returns whether it was written."""
    file = column_file(ref, col.path)
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    data = {
        "meta": np.frombuffer(json.dumps(_head(ref, col.path)).encode(), dtype=np.uint8),
        "codes": np.ascontiguousarray(codes, dtype=np.int32),
        "distinct": np.frombuffer(json.dumps(col.distinct).encode(), dtype=np.uint8),
    }
    try:
        with open(tmp, "wb") as fh:
            np.savez(fh, **data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, file)
    except (OSError, TypeError, ValueError) as exc:  # TypeError: a value JSON cannot hold
        logger.warning("could not write the filter column %s: %s", file, exc)
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
    return True
