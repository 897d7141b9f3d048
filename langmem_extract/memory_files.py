"""Export and import of memories as JSON Lines, the lossless backup format.

Export writes one memory per line as canonical JSON (sorted keys, no extra whitespace),
so ``export → import → export`` yields the same bytes up to line order. Import validates
the whole input first, so a bad line, or a memory that contains a secret, writes nothing;
it writes through :func:`langmem_extract.graph.persist.write_memories`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pydantic import ValidationError

from langmem_extract.errors import InvalidInputError, first_error
from langmem_extract.memories import iter_memories
from langmem_extract.messages import parse_timestamp
from langmem_extract.namespaces import NamespaceLike, parse_namespace
from langmem_extract.schema import HistoryEntry, Memory
from langmem_extract.store._validate import check_key, check_value

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

__all__ = ["export_memories", "import_memories", "read_export"]


def _canonical_line(memory: Memory) -> str:
    value = memory.to_value()
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


@contextmanager
def _open_text(target: str | Path | TextIO, mode: str) -> Iterator[tuple[TextIO, str]]:
    if isinstance(target, str | Path):
        path = Path(target)
        try:
            with path.open(mode, encoding="utf-8", newline="\n" if "w" in mode else None) as fp:
                yield fp, str(path)
        except FileNotFoundError:
            missing = "no such directory" if "w" in mode else "no such file"
            raise InvalidInputError(f"{path}: {missing}") from None
        except IsADirectoryError:
            raise InvalidInputError(f"{path}: is a directory") from None
        except PermissionError:
            raise InvalidInputError(f"{path}: permission denied") from None
    else:
        yield target, str(getattr(target, "name", "<stream>"))


def export_memories(
    store: BaseStore,
    dest: str | Path | TextIO,
    namespace_prefix: NamespaceLike | None = None,
) -> int:
    """Write every memory (all statuses, full history) as JSONL; returns the count.

    Lines are ordered by namespace, creation time and id, so repeated exports of
    the same store are identical.
    """
    prefix = parse_namespace(namespace_prefix, allow_empty=True)
    memories = sorted(iter_memories(store, prefix), key=lambda m: (m.namespace, m.created_at, m.id))
    with _open_text(dest, "w") as (fp, _):
        for memory in memories:
            fp.write(_canonical_line(memory))
        fp.flush()
    return len(memories)


#: Fields holding a time; a number there is epoch seconds and must be a valid one.
_TIME_KEYS = frozenset(
    {"at", "created_at", "event_time", "timestamp", "updated_at", "valid_from", "valid_to"}
)


def _no_constant(name: str) -> Any:
    raise InvalidInputError(f"{name} is not a JSON number")


def _check_times(value: Any) -> None:
    """Numeric stamps anywhere in ``value`` go through the one timestamp parser."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, item in node.items():
                if key in _TIME_KEYS and isinstance(item, int | float):
                    parse_timestamp(item)
                stack.append(item)
        elif isinstance(node, list):
            stack.extend(node)


def _check_storable(memory: Memory, where: str) -> None:
    """What the store would refuse mid-write (bad Unicode, non-finite numbers) is refused
    here, before the first write."""
    try:
        check_key(memory.id)
        check_value(memory.to_value())
    except InvalidInputError as exc:
        raise InvalidInputError(f"{where}: {exc}") from None


def _parse_export_line(text: str, where: str) -> Memory:
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{where}: not valid JSON ({exc.msg})") from None
    except InvalidInputError as exc:
        raise InvalidInputError(f"{where}: {exc}") from None
    except RecursionError:
        raise InvalidInputError(f"{where}: JSON nested too deeply") from None
    if not isinstance(value, dict):
        raise InvalidInputError(f"{where}: expected a JSON object, got {type(value).__name__}")
    try:
        _check_times(value)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{where}: {exc}") from None
    try:
        memory = Memory.model_validate(value)
    except ValidationError as exc:
        raise InvalidInputError(f"{where}: invalid memory: {first_error(exc)}") from None
    try:
        parse_namespace(memory.namespace)
    except InvalidInputError as exc:  # an InvalidNamespaceError: raised again as one
        raise type(exc)(f"{where}: {exc}") from None
    _check_storable(memory, where)
    return memory


def _read_export(fp: TextIO, name: str) -> list[Memory]:
    memories: list[Memory] = []
    seen: dict[tuple[tuple[str, ...], str], int] = {}
    for lineno, line in enumerate(fp, start=1):
        if not line.strip():
            continue
        where = f"{name}:{lineno}"
        memory = _parse_export_line(line, where)
        key = (tuple(memory.namespace), memory.id)
        if key in seen:
            raise InvalidInputError(
                f"{where}: duplicate memory id {memory.id} (first on line {seen[key]})"
            )
        seen[key] = lineno
        memories.append(memory)
    return memories


def read_export(src: str | Path | TextIO) -> list[Memory]:
    """Read and validate a JSONL export without touching any store.

    Raises:
        InvalidInputError: a line that is not a valid memory, naming ``file:line``.
    """
    with _open_text(src, "r") as (fp, name):
        try:
            return _read_export(fp, name)
        except UnicodeDecodeError as exc:
            raise InvalidInputError(f"{name}: not UTF-8 text ({exc.reason})") from None


def import_memories(
    store: BaseStore,
    src: str | Path | TextIO | Sequence[Memory],
    *,
    user_id: str | None = None,
    agent_id: str | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Load a JSONL export (a path, a text stream, or :func:`read_export`'s result).

    Memories keep their ids, namespaces and every field, provenance and history
    included; an existing memory with the same namespace and id is replaced. A restore
    or a migration is not a change, so an exported memory's history is kept as it is
    (``export → import → export`` gives the same bytes); a memory that arrives with no
    history gets one ``imported`` entry recording ``user_id``/``agent_id`` and
    ``via="import"``. The whole input is validated first, so a bad line, or a memory
    that contains a secret, writes nothing. Returns the count.
    ``on_batch(n)`` is called as each batch of ``n`` memories is written (for progress).
    """
    if isinstance(src, Sequence) and not isinstance(src, str):
        memories = list(src)
        if not all(isinstance(m, Memory) for m in memories):
            raise InvalidInputError("import_memories takes Memory objects, a path or a stream")
        for index, memory in enumerate(memories):
            parse_namespace(memory.namespace)
            _check_storable(memory, f"memory {index}")
    else:
        memories = read_export(src)
    entry = HistoryEntry(action="imported", user_id=user_id, agent_id=agent_id, via="import")
    memories = [m if m.history else m.model_copy(update={"history": [entry]}) for m in memories]
    from langmem_extract.graph.persist import write_memories  # the read path never loads it

    write_memories(store, memories, on_batch=on_batch)
    return len(memories)
