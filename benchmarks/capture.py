"""Capture cost per chat turn, against a store of 2,000 memories, next to the embedder.

One process, one run: the default embedder's single-text p50 (E5, one short text per
call), then chat turns captured one by one through ``MemoryChatHistory`` (sync mode,
DuckDB file, rule extractor, E5) into a namespace already holding ``--memories``
memories, with p50 / p95 per turn, their ratio to the single-text p50, and the model
calls per turn (counted at ``E5Embeddings._encode``). Then LoCoMo ingest: the first
``--ingest`` conversations, one request per session, in turns per second.

Turns are LoCoMo's first conversation (speaker A as the user, B as the assistant) when
the data is present (``LANGMEM_EVAL_DATA``), else invented ones. The seed memories are
invented. Only public APIs are used, so the same script measures an older checkout:

    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/capture.py --out docs/benchmarks
    OMP_NUM_THREADS=1 PYTHONPATH=/path/to/old/checkout python benchmarks/capture.py --label before
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage

from langmem_extract import extract_memories, open_store
from langmem_extract.embeddings import E5Embeddings
from langmem_extract.graph.persist import write_memories
from langmem_extract.schema import Memory

NS = ("memories", "bench-user")
_PEOPLE = ["Ana", "Tom", "Priya", "Kenji", "Lucia", "Omar", "Greta", "Sam", "Noor", "Ivan"]
_RELATIONS = ["sister", "brother", "colleague", "neighbour", "cousin", "friend", "manager"]
_PLACES = ["Lisbon", "Osaka", "Denver", "Leeds", "Cusco", "Tromso", "Hanoi", "Accra", "Perth"]
_THINGS = ["pottery", "chess", "bouldering", "sourdough", "birdwatching", "salsa", "Go",
           "watercolours", "cycling", "jazz piano", "kayaking", "origami"]  # fmt: skip
_TEMPLATES = [
    "User visited {place} with {person} in {year}.",
    "User's {relation} {person} lives in {place}.",
    "User took up {thing} in {year}.",
    "User went to a {thing} class with {person} on {day} {month} {year}.",
    "User's {relation} {person} is learning {thing}.",
    "User wants to try {thing} in {place}.",
    "User met {person} at a {thing} club in {place}.",
    "User gave {person} a {thing} book for their birthday in {year}.",
]
_MONTHS = ["March", "May", "July", "September", "November"]
_TURNS = [
    ("I just got back from Porto, the tiles everywhere were amazing.", "Sounds lovely!"),
    ("My daughter Lucy started piano lessons this week.", "That's exciting."),
    ("I'm vegetarian, so please suggest meals without meat.", "Noted."),
    ("We adopted a rescue dog called Biscuit last month.", "Congratulations!"),
    ("Please keep your answers short from now on.", "Will do."),
    ("I work as a physiotherapist at a clinic in Leeds.", "Interesting job."),
    ("My favourite colour is green and I love hiking.", "Nice combination."),
    ("I can't stand crowded trains in the morning.", "That sounds stressful."),
]


def _seed_texts(n: int) -> list[str]:
    rng = random.Random(7)
    texts: set[str] = set()
    while len(texts) < n:
        texts.add(
            rng.choice(_TEMPLATES).format(
                place=rng.choice(_PLACES),
                person=rng.choice(_PEOPLE),
                relation=rng.choice(_RELATIONS),
                thing=rng.choice(_THINGS),
                year=rng.randint(2005, 2024),
                day=rng.randint(1, 28),
                month=rng.choice(_MONTHS),
            )
        )
    return sorted(texts)


def _turns(limit: int) -> list[tuple[str, str]]:
    try:
        from langmem_extract.eval.data import load_locomo

        conv = load_locomo(conversations=1)[0]
    except Exception:  # no data here: invented turns
        return (_TURNS * (limit // len(_TURNS) + 1))[:limit]
    turns = conv.turns
    pairs = [(turns[i].text, turns[i + 1].text) for i in range(0, len(turns) - 1, 2)]
    return pairs[:limit]


class _Counter:
    """Counts calls into the model (``_encode``) and the texts they embedded."""

    def __init__(self) -> None:
        self.calls = 0
        self.texts = 0
        original = E5Embeddings._encode

        def counted(emb: Any, texts: Any, *, is_query: bool) -> Any:
            self.calls += 1
            self.texts += len(texts)
            return original(emb, texts, is_query=is_query)

        E5Embeddings._encode = counted  # type: ignore[method-assign]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def single_text_p50(emb: E5Embeddings, texts: list[str]) -> float:
    emb.embed_documents(["warm-up"])
    times = []
    for text in texts:
        start = time.perf_counter()
        emb.embed_documents([text])
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def capture_run(
    emb: E5Embeddings, memories: int, turns: int, counter: _Counter, **graph_options: bool
) -> dict:
    from langmem_extract.integrations.chat_history import MemoryChatHistory

    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "m.duckdb",
                                                          embeddings=emb) as store:  # fmt: skip
        # Seeded with one batched write (no dedup): the store as a long-used one holds it.
        now = datetime.now(UTC)
        seed = [
            Memory(content=t, title=t[:40], type="fact", category="general",
                   namespace=list(NS), created_at=now, updated_at=now, valid_from=now)
            for t in _seed_texts(memories)
        ]  # fmt: skip
        write_memories(store, seed, namespace=NS)
        stored = len(store.search(NS, filter={"status": "active"}, limit=100_000))
        history = MemoryChatHistory(
            store, "bench-session", namespace=NS, mode="sync", **graph_options
        )
        pairs = _turns(turns)
        history.add_messages([HumanMessage(pairs[0][0]), AIMessage(pairs[0][1])])  # warm-up
        times, calls, texts = [], 0, 0
        for user, reply in pairs[1:]:
            c0, t0 = counter.calls, counter.texts
            start = time.perf_counter()
            history.add_messages([HumanMessage(user), AIMessage(reply)])
            times.append(time.perf_counter() - start)
            calls += counter.calls - c0
            texts += counter.texts - t0
        n = len(times)
    return {
        "memories_seeded": stored,
        "turns": n,
        "p50_ms": statistics.median(times) * 1000,
        "p95_ms": _pct(times, 0.95) * 1000,
        "model_calls_per_turn": calls / n,
        "texts_embedded_per_turn": texts / n,
    }


def locomo_ingest(emb: E5Embeddings, conversations: int, **graph_options: bool) -> dict | None:
    try:
        from langmem_extract.eval.data import load_locomo
        from langmem_extract.eval.locomo import session_messages

        convs = load_locomo(conversations=conversations)
    except Exception:
        return None
    turns, seconds = 0, 0.0
    with open_store(":memory:", embeddings=emb) as store:
        for conv in convs:
            for session in conv.sessions:
                start = time.perf_counter()
                extract_memories(
                    session_messages(session), store=store, namespace=("locomo", conv.sample_id),
                    metadata={"reference_time": session.timestamp.isoformat()}, **graph_options,
                )  # fmt: skip
                seconds += time.perf_counter() - start
                turns += len(session.turns)
        memories = sum(
            len(store.search(("locomo", c.sample_id), filter={"status": "active"}, limit=100_000))
            for c in convs
        )
    return {"conversations": len(convs), "turns": turns, "seconds": seconds,
            "turns_per_s": turns / seconds, "active_memories": memories}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memories", type=int, default=2000)
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--ingest", type=int, default=1, help="LoCoMo conversations")
    parser.add_argument("--label", default="after")
    parser.add_argument("--json", type=Path, help="append the result to this JSON Lines file")
    parser.add_argument(
        "--no-turn-vectors",
        action="store_true",
        help="capture with the graph option turn_vectors=False",
    )
    args = parser.parse_args()
    options = {"turn_vectors": False} if args.no_turn_vectors else {}
    counter = _Counter()
    emb = E5Embeddings()
    load0 = os.getloadavg()[0]
    texts = [u for u, _ in _turns(60)]
    single = single_text_p50(emb, texts)
    cap = capture_run(emb, args.memories, args.turns, counter, **options)
    single_after = single_text_p50(emb, texts)
    ingest = locomo_ingest(emb, args.ingest, **options) if args.ingest else None
    result = {
        "label": args.label,
        "turn_vectors": not args.no_turn_vectors,
        "load_start": round(load0, 2),
        "load_end": round(os.getloadavg()[0], 2),
        "single_text_p50_ms": round(single, 2),
        "single_text_p50_ms_after_capture": round(single_after, 2),
        **{k: round(v, 2) if isinstance(v, float) else v for k, v in cap.items()},
        "p50_ratio": round(cap["p50_ms"] / single, 2),
        "p95_ratio": round(cap["p95_ms"] / single, 2),
        "ingest": ingest,
    }
    print(json.dumps(result, indent=1))
    if args.json:
        with args.json.open("a", encoding="utf-8") as f:
            f.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
