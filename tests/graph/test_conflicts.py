"""The conflict model end to end: a change supersedes the old fact, with history, in every
attribute family, and recall answers with the current fact; a statement about someone
else never supersedes the user's own (graph/conflicts.py, extractors/rules/slots.py)."""

from __future__ import annotations

import pytest
from langgraph.store.base import BaseStore

from langmem_extract.graph.builder import extract_memories
from langmem_extract.graph.conflicts import ConflictModel, canonical_attribute
from langmem_extract.graph.paraphrase import same_value
from langmem_extract.memories import get_memory_history
from langmem_extract.recall import recall_memories
from langmem_extract.schema import Candidate, MemoryStatus
from tests.graph.helpers import active, stored

NS = ("memories", "casey")

# (family, first statement, the change, a question the current fact answers)
FAMILIES = [
    ("residence", "I live in Boston.", "We relocated to Denver last month.", "Which city does the user live in now?"),
    ("employer", "I work at Google.", "I just started a new job at Meta.", "Which company does the user work for?"),
    ("occupation", "I work as a nurse.", "I got promoted to charge nurse.", "What is the user's job?"),
    ("diet", "I'm vegetarian.", "I started eating meat again.", "Does the user eat meat?"),
    ("relationship status", "I'm single.", "I got married in June.", "Is the user married?"),
    ("vehicle", "I drive a Honda Civic.", "I sold my Civic and bought a Tesla.", "What car does the user drive?"),
    ("manager", "My manager is Sarah.", "Sarah left, and my new manager is Tom.", "Who is the user's manager?"),
    ("age", "I'm 34.", "I just turned 35.", "How old is the user?"),
    ("preference category", "I love sushi.", "I don't eat fish anymore.", "Does the user eat fish?"),
    ("preference switch", "I drink tea every morning.", "I switched to coffee.", "What does the user drink?"),
]  # fmt: skip


def _say(store: BaseStore, text: str, namespace: tuple[str, ...] = NS):  # type: ignore[no-untyped-def]
    return extract_memories([{"role": "user", "content": text}], store=store, namespace=namespace)


@pytest.mark.parametrize(("family", "first", "change", "question"), FAMILIES)
def test_a_change_supersedes_with_history(
    memory_store: BaseStore, family: str, first: str, change: str, question: str
) -> None:
    # Other memories of the user, so recall has to pick the current fact among them.
    _say(memory_store, "I love hiking. I prefer aisle seats on flights. Keep answers short.")
    before = _say(memory_store, first)
    (old_id,) = [i.memory_id for i in before.items if i.status == "stored"]
    after = _say(memory_store, change)
    (item,) = [i for i in after.items if i.action.value == "supersede"]
    assert item.target_id == old_id and after.superseded == 1
    new_id = item.memory_id

    old = memory_store.get(NS, old_id)
    assert old is not None and old.value["status"] == MemoryStatus.SUPERSEDED.value
    assert old.value["superseded_by"] == new_id and old.value["valid_to"] is not None
    assert [h.action for h in get_memory_history(memory_store, NS, old_id)] == [
        "created",
        "superseded",
    ]
    assert [h.action for h in get_memory_history(memory_store, NS, new_id)] == [
        "created",
        "supersedes",
    ]
    assert old_id not in {m.id for m in active(memory_store, NS)}

    recalled = recall_memories(memory_store, question, NS, k=5)
    assert recalled and recalled[0].memory.id == new_id
    assert old_id not in {r.memory.id for r in recalled}


# (the user's own fact, a statement about someone else in the same family)
THIRD_PARTY = [
    ("I live in Boston.", "My sister lives in Denver."),
    ("I work at Google.", "My husband works at Meta."),
    ("I'm vegetarian.", "My son eats meat."),
    ("I'm single.", "My brother just got married."),
    ("I drive a Honda Civic.", "My wife drives a Tesla."),
    ("My manager is Sarah.", "My sister's manager is Tom."),
    ("I love sushi.", "My daughter doesn't eat fish anymore."),
    ("I drink tea every morning.", "My dad switched to coffee."),
    ("I'm 34.", "My son turned 5."),
    ("I live in Lisbon.", "My parents moved to Faro."),
]


@pytest.mark.parametrize(("own", "other"), THIRD_PARTY)
def test_someone_elses_fact_never_supersedes_the_users(
    memory_store: BaseStore, own: str, other: str
) -> None:
    first = _say(memory_store, own)
    (own_id,) = [i.memory_id for i in first.items if i.status == "stored"]
    second = _say(memory_store, other)
    assert second.superseded == 0
    assert all(i.action.value != "supersede" for i in second.items)
    assert memory_store.get(NS, own_id).value["status"] == MemoryStatus.ACTIVE.value


def test_a_third_party_candidate_loses_its_key(memory_store: BaseStore) -> None:
    """A model may key "my sister lives in Denver" as the user's location: the content is
    about someone else, so it never supersedes (nor merges by key into) the user's fact."""
    _say(memory_store, "I live in Boston.")
    given = {
        "content": "User's sister lives in Denver.", "title": "sister", "type": "fact",
        "subject": "User", "attribute": "location", "value": "Denver",
    }  # fmt: skip
    result = extract_memories(candidates=[given], store=memory_store, namespace=NS)
    assert result.superseded == 0 and result.candidates[0].attribute is None
    assert {m.value for m in active(memory_store, NS)} >= {"Boston"}


def test_compatible_additions_do_not_supersede(memory_store: BaseStore) -> None:
    for text in ("I work at Google.", "I also work part-time at a café.", "I love tea.",
                 "I like coffee too.", "I'm vegetarian.", "I'm gluten-free too."):  # fmt: skip
        assert _say(memory_store, text).superseded == 0
    assert all(m.status == MemoryStatus.ACTIVE for m in stored(memory_store, NS))


def test_attribute_labels_of_one_family_conflict(memory_store: BaseStore) -> None:
    """A model's own labels: "company" and "employer" are one family key."""
    first = {"content": "User works at Google.", "title": "job", "type": "fact",
             "attribute": "company", "value": "Google"}  # fmt: skip
    change = {"content": "User works at Meta.", "title": "job", "type": "fact",
              "attribute": "employer", "value": "Meta"}  # fmt: skip
    one = extract_memories(candidates=[first], store=memory_store, namespace=NS)
    assert one.candidates[0].attribute == "employer"
    two = extract_memories(candidates=[change], store=memory_store, namespace=NS)
    assert two.superseded == 1 and two.items[0].target_id == one.items[0].memory_id


def test_canonical_attribute_by_alias_and_by_embedding(memory_store: BaseStore) -> None:
    model = ConflictModel(memory_store, NS, None)
    assert canonical_attribute("new_manager") == "relation:manager"
    assert canonical_attribute("likes:tea") == "likes:tea"  # keyed: left alone
    assert canonical_attribute("vehicle owned", model._similar_family) == "vehicle"
    assert canonical_attribute("shoe size", model._similar_family) == "shoe size"
    cand = Candidate(content="User's boss is Tom.", title="boss", type="relationship",
                     attribute="current boss", value="Tom")  # fmt: skip
    assert model.canonical(cand).attribute == "relation:manager"


def test_same_value_with_a_qualifier() -> None:
    assert same_value("Google", "Google's Zurich office")
    assert same_value("Glasgow with my partner", "Glasgow")
    assert not same_value("Paris", "Paris Texas")
    assert not same_value("nurse", "charge nurse")
