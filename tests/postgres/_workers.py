"""Worker-process entry points for the Postgres multi-process tests (spawned, so importable)."""

from __future__ import annotations

import time
from typing import Any

from langmem_extract.store.postgres import PostgresStore

COUNTER_NS = ("locktest", "counter")


def bump_counter(url: str, rounds: int) -> None:
    """Read-modify-write one counter ``rounds`` times under the namespace lock."""
    store = PostgresStore.connect(url)
    try:
        for _ in range(rounds):
            with store.namespace_lock(COUNTER_NS):
                _bump(store)
    finally:
        store.close()


def _bump(store: PostgresStore) -> None:
    item = store.get(COUNTER_NS, "n")
    value = item.value["n"] if item else 0
    time.sleep(0.002)  # widen the race window between read and write
    store.put(COUNTER_NS, "n", {"n": value + 1})


# --- concurrent capture -----------------------------------------------------------

CAPTURE_NS = ("memories", "team")
WORKERS = 4
TURNS_PER_WORKER = 50
SHARED_EVERY = 10  # every 10th turn, all workers capture the same fact at once
CAPTURE_DIMS = 256

_SYLLABLES = ["ka", "lo", "mi", "ra", "ze", "tu", "no", "vi", "pe", "su", "da", "fo"]


def _word(n: int) -> str:
    # Distinct invented words, so every fact has tokens no other fact shares.
    out = ""
    for _ in range(4):
        out += _SYLLABLES[n % len(_SYLLABLES)]
        n //= len(_SYLLABLES)
    return out + "x"


def unique_fact(worker: int, turn: int) -> str:
    n = worker * TURNS_PER_WORKER + turn
    return f"I collect {_word(2 * n)} {_word(2 * n + 1)} figurines."


def shared_fact(turn: int) -> str:
    n = 1000 + turn
    return f"I collect {_word(2 * n)} {_word(2 * n + 1)} figurines."


def recall_query(fact: str) -> str:
    return fact.removeprefix("I collect ").removesuffix(" figurines.")


def capture_worker(url: str, worker: int, barrier: Any, out: Any) -> None:
    """Capture this worker's turns into the shared store, then recall everyone's facts."""
    from langmem_extract.graph.builder import extract_memories
    from tests.conftest import HashEmbeddings

    embeddings = HashEmbeddings(CAPTURE_DIMS)
    index = {"dims": CAPTURE_DIMS, "embed": embeddings, "fields": ["content"]}
    store = PostgresStore.connect(url, index=index)
    try:
        results = []
        barrier.wait(60)
        for turn in range(TURNS_PER_WORKER):
            text = unique_fact(worker, turn)
            if turn % SHARED_EVERY == 0:
                barrier.wait(60)  # line the workers up on the shared fact
                text = f"{shared_fact(turn)} {text}"
            messages = [
                {"role": "user", "content": text, "id": f"w{worker}-t{turn}"},
                {"role": "assistant", "content": "Noted.", "id": f"w{worker}-t{turn}-a"},
            ]
            result = extract_memories(messages, store=store, namespace=CAPTURE_NS)
            results.append(
                [(c.content, str(c.action), c.target_id) for c in result.candidates]
                + [("__counts__", result.stored, result.deduplicated)]
            )
        barrier.wait(120)  # everyone has written; now recall the others' facts
        recalled = {}
        for other in range(WORKERS):
            for turn in (1, 17, 33, 49):
                fact = unique_fact(other, turn)
                hits = store.search(CAPTURE_NS, query=recall_query(fact), limit=1)
                recalled[fact] = hits[0].value["content"] if hits else None
        out.put((worker, results, recalled, None))
    except BaseException as err:  # report, so the parent fails with the cause
        out.put((worker, [], {}, repr(err)))
        raise
    finally:
        store.close()
