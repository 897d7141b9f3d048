"""Measure the agent recall floor on the persona set of tests/integrations/relevance_set.py.

For each floor, ``MemoryRecall`` (E5, the default ``k=5``) runs on every everyday request
that needs no memory and on every question about the persona, and this prints how many
memories reach the model per off-domain turn and how often the answering memory is in
the top 5. The default floor is not chosen here (it comes from
``benchmarks/relevance_calibration.py``); this shows what it does. Run::

    .venv/bin/python benchmarks/relevance_floor.py
"""

from __future__ import annotations

from langchain_core.messages import HumanMessage
from langgraph.store.memory import InMemoryStore

from langmem_extract.embeddings import E5Embeddings
from langmem_extract.integrations.agent import MemoryRecall
from langmem_extract.recall import DEFAULT_RELEVANCE_FLOOR
from langmem_extract.schema import MEMORY_INDEX_FIELDS
from tests.integrations.helpers import put_memories
from tests.integrations.relevance_set import IN_DOMAIN, OFF_DOMAIN, PERSONA

NS = ("memories", "u1")
CONFIG = {"configurable": {"user_id": "u1"}}


def main() -> None:
    store = InMemoryStore(
        index={"dims": 384, "embed": E5Embeddings(), "fields": MEMORY_INDEX_FIELDS}
    )
    put_memories(store, NS, PERSONA)
    print(
        f"{len(PERSONA)} memories, {len(OFF_DOMAIN)} off-domain requests, "
        f"{len(IN_DOMAIN)} in-domain questions; default floor {DEFAULT_RELEVANCE_FLOOR}"
    )
    print("| floor | memories per off-domain turn | off-domain turns with none | in-domain top-5 |")
    print("|---|---|---|---|")
    for floor in (None, 0.1, 0.15, DEFAULT_RELEVANCE_FLOOR, 0.25, 0.3):
        recall = MemoryRecall(store, score_threshold=floor)
        injected = [len(recall.recall([HumanMessage(q)], config=CONFIG)) for q in OFF_DOMAIN]
        found = sum(
            answer in [d.page_content for d in recall.recall([HumanMessage(q)], config=CONFIG)]
            for q, answer in IN_DOMAIN
        )
        print(
            f"| {floor} | {sum(injected) / len(injected):.2f} | "
            f"{sum(n == 0 for n in injected) / len(injected):.2f} | {found / len(IN_DOMAIN):.2f} |"
        )


if __name__ == "__main__":
    main()
