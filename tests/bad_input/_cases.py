"""Shared pieces of the bad-input matrices: the bad values, a seeded store, a snapshot."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore

from langmem_extract.embeddings import HashingEmbeddings
from langmem_extract.graph.builder import extract_memories
from langmem_extract.integrations.chat_history import MemoryChatHistory
from langmem_extract.message_log import message_log_for
from langmem_extract.schema import MEMORY_INDEX_FIELDS
from tests.backends import make_store

#: A lone surrogate: a ``str`` Python holds but no UTF-8 file, store or terminal can.
SURROGATE = "\ud800"
#: Epoch stamps no timestamp may carry.
BAD_STAMPS = {"1e20": 1e20, "inf": float("inf"), "nan": float("nan"), "neg": -1e12}
NAMESPACE = ("memories", "alice")
SESSION = "s1"
SEED_MESSAGES = [
    {"role": "user", "content": "I live in Rome and I work as a nurse."},
    {"role": "user", "content": "I'm vegetarian."},
]


def deep(levels: int, leaf: Any = 1) -> Any:
    """A dict nested ``levels`` deep, built without recursion."""
    value = leaf
    for _ in range(levels):
        value = {"a": value}
    return value


def deep_list(levels: int) -> Any:
    value: Any = [1]
    for _ in range(levels):
        value = [value]
    return value


@dataclass
class Ctx:
    backend: str
    store: BaseStore


@contextmanager
def seeded_store(backend: str) -> Iterator[BaseStore]:
    """A store on ``backend`` holding two memories and one logged chat message."""
    embeddings = HashingEmbeddings()
    if backend == "inmemory":
        index = {"dims": embeddings.dims, "embed": embeddings, "fields": MEMORY_INDEX_FIELDS}
        store: BaseStore = InMemoryStore(index=index)  # type: ignore[arg-type]
        _seed(store)
        yield store
        return
    with make_store(backend, embeddings, embeddings.dims) as store:
        _seed(store)
        yield store


def _seed(store: BaseStore) -> None:
    result = extract_memories(SEED_MESSAGES, store=store, namespace=NAMESPACE, user_id="alice")
    assert result.stored >= 2, result
    history = MemoryChatHistory(store, SESSION, capture=False)
    history.add_messages([HumanMessage("hello there", id="m-seed")])


def snapshot(store: BaseStore) -> tuple[Any, ...]:
    """Everything a bad call could have written: every item and the message log."""
    items = sorted(
        (tuple(i.namespace), i.key, json.dumps(i.value, sort_keys=True))
        for i in store.search((), limit=100_000)
    )
    log = [(m.id, m.type, m.content) for m in message_log_for(store).load(SESSION)]
    return tuple(items), tuple(log)


@dataclass(frozen=True)
class Case:
    """One bad call: ``run(ctx)`` must raise ``error`` (a ``LangmemError`` subclass)."""

    name: str
    run: Callable[[Ctx], Any]
    backends: tuple[str, ...]
    error: type[BaseException]
