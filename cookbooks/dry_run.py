"""The memory graph on its own, in dry-run: see what it would store, write nothing.

python cookbooks/dry_run.py
"""

from __future__ import annotations

from typing import Any

from langmem_extract import extract_memories, open_store

NAMESPACE = ("memories", "maya")


def main() -> None:
    with open_store(":memory:") as store:
        run(store)


def run(store: Any) -> None:
    # Something already known, so the plan shows a merge and a supersede too.
    extract_memories(
        [{"role": "user", "content": "I live in Lisbon and I love jazz."}],
        store=store,
        namespace=NAMESPACE,
    )
    before = len(store.search(NAMESPACE, limit=100))

    plan = extract_memories(
        [
            {"role": "user", "content": "I love jazz. Actually, I moved to Porto last week."},
            {"role": "assistant", "content": "Congratulations on the move!"},
            {"role": "user", "content": "I'm allergic to peanuts."},
        ],
        store=store,
        namespace=NAMESPACE,
        dry_run=True,
    )
    after = len(store.search(NAMESPACE, limit=100))

    print(f"dry_run={plan.dry_run} extracted={plan.extracted}")
    for cand in plan.candidates:
        action = cand.action.value if cand.action else "?"
        print(f"  {action:<9} {cand.type.value:<11} {cand.content}")
    print(f"memories in the store: {before} before, {after} after (nothing written)")


if __name__ == "__main__":
    main()
