"""The Quickstart's main job: a sample conversation through the graph, then a recall.

Runs entirely on the embedded defaults: a DuckDB file, the bundled E5 embedder and
the offline rule extractor; no API key, no network. Two chat sessions a week apart
go through ``extract → classify → dedup → score → persist``; the second repeats one
fact (merged into the existing memory) and corrects another (the old memory is kept
as ``superseded``). The stored typed memories are printed as a table, then a recall
query is answered from them.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from langmem_extract.schema import ExtractionResult, Memory, MemoryStatus, MemoryType

if TYPE_CHECKING:
    from langmem_extract.recall import RecalledMemory

__all__ = ["DEMO_NAMESPACE", "DEMO_QUERY", "DEMO_SESSIONS", "DemoResult", "run_demo"]

DEMO_NAMESPACE: tuple[str, ...] = ("memories", "maya")

#: Two sessions with the same user, a week apart.
DEMO_SESSIONS: list[dict[str, Any]] = [
    {
        "session_id": "2025-03-03-trip-planning",
        "messages": [
            {
                "role": "user",
                "content": "Hi! I'm Maya. I live in Lisbon and I work as a backend engineer at Northwind.",
                "timestamp": "2025-03-03T09:00:00Z",
            },
            {"role": "assistant", "content": "Nice to meet you, Maya! How can I help?"},
            {
                "role": "user",
                "content": "I'm flying to Tokyo in April for a conference. "
                "I prefer aisle seats and I'm vegetarian.",
                "timestamp": "2025-03-03T09:01:00Z",
            },
            {"role": "assistant", "content": "Got it. Any airline you like?"},
            {
                "role": "user",
                "content": "I always fly with TAP when I can. "
                "Please keep your answers short and use metric units.",
                "timestamp": "2025-03-03T09:02:00Z",
            },
            {"role": "assistant", "content": "Will do."},
            {
                "role": "user",
                "content": "My sister Ana lives in Osaka, so I want to visit her after the conference.",
                "timestamp": "2025-03-03T09:03:00Z",
            },
        ],
    },
    {
        "session_id": "2025-03-10-follow-up",
        "messages": [
            {
                "role": "user",
                "content": "Actually, I live in Porto now.",
                "timestamp": "2025-03-10T18:00:00Z",
            },
            {"role": "assistant", "content": "Thanks, noted."},
            {
                "role": "user",
                "content": "By the way, I prefer aisle seats.",
                "timestamp": "2025-03-10T18:01:00Z",
            },
            {
                "role": "user",
                "content": "We decided to book the hotel near Shinjuku station.",
                "timestamp": "2025-03-10T18:02:00Z",
            },
        ],
    },
]

DEMO_QUERY = "Which seat and meal should I book for Maya's flight?"


@dataclass
class DemoResult:
    """What the demo did: per-session results, stored memories and the recall answer."""

    db: str
    kept: bool
    results: list[ExtractionResult]
    memories: list[Memory]
    query: str
    recalled: list[RecalledMemory]
    seconds: float
    sessions: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "db": self.db if self.kept else None,
            "sessions": [
                {"session_id": sid, "result": r.model_dump(mode="json")}
                for sid, r in zip(self.sessions, self.results, strict=True)
            ],
            "memories": [m.to_value() for m in self.memories],
            "query": self.query,
            "recalled": [
                {"score": h.score, "similarity": h.similarity, "memory": h.memory.to_value()}
                for h in self.recalled
            ],
            "seconds": round(self.seconds, 3),
        }


@contextmanager
def _db_path(db: str | Path | None) -> Iterator[tuple[str, bool]]:
    if db is not None:
        # An in-memory store keeps nothing once the demo ends.
        yield str(db), str(db) != ":memory:"
        return
    with tempfile.TemporaryDirectory(prefix="langmem-demo-") as tmp:
        yield str(Path(tmp) / "demo.duckdb"), False


def _conversation_table(session_id: str, messages: list[dict[str, Any]]) -> Table:
    table = Table(title=f"session {session_id}", show_header=False, expand=False, box=None)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for m in messages:
        table.add_row(m["role"], escape(m["content"]))
    return table


def _memories_table(memories: list[Memory]) -> Table:
    table = Table(title=f"{len(memories)} typed memories in {'/'.join(DEMO_NAMESPACE)}")
    table.add_column("type", style="cyan", no_wrap=True)
    table.add_column("category", no_wrap=True)
    table.add_column("memory", ratio=1)
    table.add_column("conf", justify="right", no_wrap=True)
    for m in memories:
        if m.status == MemoryStatus.SUPERSEDED:
            text = f"[dim strike]{escape(m.content)}[/] [yellow](superseded)[/]"
        else:
            text = escape(m.content)
            if m.reinforcement_count:
                text += f" [green](said {1 + m.reinforcement_count}×)[/]"
        table.add_row(m.type.value, escape(m.category), text, f"{m.confidence:.2f}")
    return table


def _recall_table(query: str, hits: list[RecalledMemory]) -> Table:
    table = Table(title=f"recall: {escape(query)}")
    table.add_column("#", justify="right")
    table.add_column("score", justify="right")
    table.add_column("type", style="cyan")
    table.add_column("memory")
    for rank, hit in enumerate(hits, start=1):
        table.add_row(
            str(rank), f"{hit.score:.3f}", hit.memory.type.value, escape(hit.memory.content)
        )
    return table


def _summary(result: ExtractionResult) -> str:
    return (
        f"extracted {result.extracted} · stored {result.stored} · merged {result.deduplicated}"
        f" · superseded {result.superseded} · skipped {result.skipped}"
        f" · {result.processing_ms:.0f} ms"
    )


def run_demo(
    db: str | Path | None = None,
    *,
    console: Console | None = None,
    query: str = DEMO_QUERY,
    k: int = 3,
) -> DemoResult:
    """Run :data:`DEMO_SESSIONS` through the graph into ``db`` and recall ``query``.

    ``db=None`` uses a temporary DuckDB file that is removed afterwards. With a
    ``console`` the conversation, the typed memories and the recall are printed.
    """
    from langmem_extract.graph.builder import extract_memories
    from langmem_extract.memories import list_memories
    from langmem_extract.recall import recall_memories
    from langmem_extract.store.factory import opened_store

    say = console.print if console is not None else (lambda *_a, **_k: None)
    started = time.perf_counter()
    with _db_path(db) as (path, kept), opened_store(path) as store:
        where = "in-memory DuckDB" if path == ":memory:" else f"DuckDB file {escape(path)}"
        say(
            f"[bold]langmem-extract demo[/] — {where}, bundled E5 embedder, "
            "rule extractor, no API key\n"
        )
        results: list[ExtractionResult] = []
        for session in DEMO_SESSIONS:
            say(_conversation_table(session["session_id"], session["messages"]))
            result = extract_memories(
                session["messages"],
                store=store,
                namespace=DEMO_NAMESPACE,
                user_id="maya",
                session_id=session["session_id"],
            )
            results.append(result)
            say(f"  → {_summary(result)}\n")
        memories = list_memories(store, DEMO_NAMESPACE, limit=1000)
        # Active first, grouped by type in the schema's order.
        order = {t: i for i, t in enumerate(MemoryType)}
        memories.sort(key=lambda m: (m.status != MemoryStatus.ACTIVE, order[m.type], m.content))
        say(_memories_table(memories))
        hits = recall_memories(store, query, DEMO_NAMESPACE, k=k)
        say(_recall_table(query, hits))
    seconds = time.perf_counter() - started
    if kept:
        where = f"kept in {escape(path)}"
    elif path == ":memory:":
        where = "in-memory store discarded; pass --db FILE to keep it"
    else:
        where = "temporary store removed; pass --db FILE to keep it"
    say(f"\ndone in {seconds:.1f} s ({where})")
    return DemoResult(
        db=path,
        kept=kept,
        results=results,
        memories=memories,
        query=query,
        recalled=hits,
        seconds=seconds,
        sessions=[s["session_id"] for s in DEMO_SESSIONS],
    )
