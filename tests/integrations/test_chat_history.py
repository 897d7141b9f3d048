from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langgraph.store.base import BaseStore

from langmem_extract import MemoryChatHistory, MemoryRetriever
from langmem_extract.errors import InvalidInputError, InvalidNamespaceError
from langmem_extract.extractors.base import ExtractContext, ExtractorOutput
from langmem_extract.extractors.rules import RuleExtractor
from langmem_extract.schema import ChatMessage, Memory
from tests.backends import BACKENDS, make_store
from tests.conftest import HashEmbeddings
from tests.integrations.helpers import in_memory_store

NS = ("memories", "u1")


def memories(store: BaseStore, namespace: tuple[str, ...] = NS) -> list[Memory]:
    return [Memory.from_item(i) for i in store.search(namespace, limit=1000)]


class CountingExtractor:
    """The rule extractor, instrumented: runs, concurrent runs, messages seen."""

    def __init__(self, delay: float = 0.0, fail_on: str | None = None) -> None:
        self.inner = RuleExtractor()
        self.delay = delay
        self.fail_on = fail_on
        self.lock = threading.Lock()
        self.runs = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.batches: list[list[str]] = []

    def extract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        with self.lock:
            self.runs += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.batches.append([m.content for m in messages])
        try:
            if self.fail_on and any(self.fail_on in m.content for m in messages):
                raise RuntimeError(f"extractor failed on {self.fail_on!r}")
            time.sleep(self.delay)
            return self.inner.extract(messages, context=context)
        finally:
            with self.lock:
                self.in_flight -= 1

    async def aextract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        return self.extract(messages, context=context)


@pytest.fixture(params=["inmemory", *BACKENDS])
def e5_store(request: pytest.FixtureRequest, e5_embeddings: Any) -> Iterator[BaseStore]:
    """A store indexed with the real default embedder, on each backend."""
    if request.param == "inmemory":
        from langgraph.store.memory import InMemoryStore

        yield InMemoryStore(index={"dims": 384, "embed": e5_embeddings, "fields": ["content"]})
        return
    with make_store(request.param, e5_embeddings, dims=384) as store:
        yield store


@pytest.fixture
def store() -> BaseStore:
    return in_memory_store()


@pytest.fixture(params=["inmemory", *BACKENDS])
def any_store(request: pytest.FixtureRequest) -> Iterator[BaseStore]:
    """Each backend with fast token-hash embeddings (the transcript is native on DuckDB)."""
    if request.param == "inmemory":
        yield in_memory_store()
        return
    with make_store(request.param, HashEmbeddings(), dims=64) as s:
        yield s


def test_end_to_end_turn_one_recalled_in_a_new_session(e5_store: BaseStore) -> None:
    turn1 = HumanMessage("I'm vegetarian and I live in Lisbon")
    first = MemoryChatHistory(e5_store, "session-1", user_id="u1")
    first.add_messages([turn1, AIMessage("Noted, enjoy Lisbon!")])
    assert turn1.id  # a stable id was given and persisted
    assert first.messages[0].id == turn1.id

    second = MemoryChatHistory(e5_store, "session-2", user_id="u1")
    assert second.messages == []  # a new session: no transcript carried over
    retriever = MemoryRetriever(store=e5_store, namespace=("memories", "{user_id}"), k=3)
    docs = retriever.invoke(
        "what should I cook for dinner?", config={"configurable": {"user_id": "u1"}}
    )
    by_content = {d.page_content: d for d in docs}
    assert {"User is vegetarian.", "User lives in Lisbon."} <= set(by_content)
    for doc in by_content.values():
        assert doc.metadata["source_message_ids"] == [turn1.id]
    # The diet fact is the best match for a cooking question.
    assert docs[0].page_content == "User is vegetarian."


def test_messages_get_stable_ids_that_survive_reload(store: BaseStore) -> None:
    h = MemoryChatHistory(store, "s1", capture=False)
    given = HumanMessage("hi", id="mine")
    fresh = AIMessage("hello")
    h.add_messages([given, fresh])
    reloaded = MemoryChatHistory(store, "s1", capture=False).messages
    assert [m.id for m in reloaded] == ["mine", fresh.id]
    assert fresh.id.startswith("msg-")


def test_context_window_never_duplicates_or_cites_old_turns(store: BaseStore) -> None:
    extractor = CountingExtractor()
    h = MemoryChatHistory(store, "s1", user_id="u1", context_window=6, extractor=extractor)
    t1 = HumanMessage("I'm vegetarian")
    h.add_messages([t1, AIMessage("Got it.")])
    t2 = HumanMessage("I play chess on Sundays")
    h.add_messages([t2, AIMessage("Fun!")])
    # The second run saw turn 1 as context...
    assert extractor.batches[1][:2] == ["I'm vegetarian", "Got it."]
    # ...but it produced no second copy, no reinforcement and no citation of turn 1.
    stored = sorted(memories(store), key=lambda m: m.content)
    assert [(m.content, m.source_message_ids, m.reinforcement_count) for m in stored] == [
        ("User is vegetarian.", [t1.id], 0),
        ("User plays chess on Sundays.", [t2.id], 0),
    ]


def test_context_window_zero_sends_only_new_messages(store: BaseStore) -> None:
    extractor = CountingExtractor()
    h = MemoryChatHistory(store, "s1", context_window=0, extractor=extractor)
    h.add_messages([HumanMessage("I'm vegetarian")])
    h.add_messages([HumanMessage("I love jazz")])
    assert extractor.batches == [["I'm vegetarian"], ["I love jazz"]]


def test_capture_error_is_logged_reported_and_transcript_kept(
    store: BaseStore, caplog: pytest.LogCaptureFixture
) -> None:
    errors: list[tuple[BaseException, list[BaseMessage]]] = []
    extractor = CountingExtractor(fail_on="boom")
    h = MemoryChatHistory(
        store,
        "s1",
        user_id="u1",
        extractor=extractor,
        context_window=0,  # keep the failing turn out of the next run's context
        on_error=lambda e, m: errors.append((e, m)),
    )
    bad = HumanMessage("boom: I love jazz")
    with caplog.at_level(logging.ERROR, logger="langmem_extract.capture"):
        h.add_messages([bad, AIMessage("?")])  # does not raise
    assert len(errors) == 1
    assert isinstance(errors[0][0], RuntimeError)
    assert errors[0][1][0].id == bad.id
    assert "memory capture failed" in caplog.text
    # The transcript has the turn, intact, and the next turn still captures.
    h.add_messages([HumanMessage("I'm vegetarian")])
    assert [m.content for m in h.messages] == ["boom: I love jazz", "?", "I'm vegetarian"]
    assert [m.content for m in memories(store)] == ["User is vegetarian."]


def test_failing_error_callback_is_contained(store: BaseStore) -> None:
    def explode(exc: BaseException, msgs: list[BaseMessage]) -> None:
        raise ValueError("callback bug")

    h = MemoryChatHistory(store, "s1", extractor=CountingExtractor(fail_on="x"), on_error=explode)
    h.add_messages([HumanMessage("x")])
    assert [m.content for m in h.messages] == ["x"]


def test_background_debounce_merges_turns_into_one_run(store: BaseStore) -> None:
    extractor = CountingExtractor()
    h = MemoryChatHistory(
        store, "s1", user_id="u1", mode="background", debounce_seconds=0.3, extractor=extractor
    )
    h.add_messages([HumanMessage("I'm vegetarian")])
    h.add_messages([HumanMessage("I love jazz")])
    assert extractor.runs == 0  # still inside the debounce window
    assert h.pending == 2
    assert h.flush(timeout=10)
    assert extractor.runs == 1
    assert extractor.batches[0] == ["I'm vegetarian", "I love jazz"]
    assert sorted(m.content for m in memories(store)) == ["User is vegetarian.", "User loves jazz."]
    assert h.pending == 0


def test_background_capture_runs_after_the_quiet_period(store: BaseStore) -> None:
    extractor = CountingExtractor()
    h = MemoryChatHistory(
        store, "s1", mode="background", debounce_seconds=0.05, extractor=extractor
    )
    h.add_messages([HumanMessage("I love jazz")])
    deadline = time.monotonic() + 10
    while extractor.runs == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert h.flush(timeout=10)
    assert extractor.runs == 1


def test_fifty_rapid_turns_in_background(any_store: BaseStore) -> None:
    store = any_store
    facts = [
        "I live in Lisbon",
        "I work as a nurse",
        "I love jazz",
        "I'm vegetarian",
        "My favorite color is blue",
        "I have a dog named Rex",
        "I prefer short answers",
        "I want to learn Portuguese",
        "I play chess on Sundays",
        "I'm allergic to peanuts",
    ]
    extractor = CountingExtractor(delay=0.02)
    errors: list[BaseException] = []

    def history() -> MemoryChatHistory:
        # A new object per turn, as RunnableWithMessageHistory makes; they share one lane.
        return MemoryChatHistory(
            store,
            "thread-1",
            user_id="u1",
            mode="background",
            debounce_seconds=0.01,
            extractor=extractor,
            on_error=lambda e, m: errors.append(e),
        )

    sent: list[BaseMessage] = []
    sent_lock = threading.Lock()

    failures: list[BaseException] = []

    def talk(worker: int) -> None:
        try:
            for i in range(10):
                turn = worker * 10 + i
                pair = [HumanMessage(facts[turn % 10]), AIMessage(f"ok {turn}")]
                history().add_messages(pair)
                with sent_lock:
                    sent.extend(pair)
                time.sleep(0.002)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=talk, args=(w,)) for w in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert history().flush(timeout=60)

    assert failures == []
    assert errors == []
    assert extractor.max_in_flight == 1
    assert extractor.runs >= 1
    # No lost transcript messages.
    transcript = history().messages
    assert len(transcript) == 100
    assert {m.id for m in transcript} == {m.id for m in sent}
    # No duplicate memories: one per distinct fact, each citing only user turns.
    stored = memories(store)
    assert len(stored) == 10
    assert len({m.fingerprint for m in stored}) == 10
    user_ids = {m.id for m in sent if isinstance(m, HumanMessage)}
    for memory in stored:
        assert set(memory.source_message_ids) <= user_ids
    # Every user turn is cited by exactly one memory.
    cited = [i for m in stored for i in m.source_message_ids]
    assert sorted(cited) == sorted(user_ids)


def test_flush_from_a_new_object_waits_for_the_shared_lane(store: BaseStore) -> None:
    extractor = CountingExtractor(delay=0.05)
    MemoryChatHistory(
        store, "s1", mode="background", debounce_seconds=5, extractor=extractor
    ).add_messages([HumanMessage("I love jazz")])
    assert MemoryChatHistory(store, "s1", capture=False).flush(timeout=10)
    assert extractor.runs == 1
    assert MemoryChatHistory.flush_all(timeout=1)


async def test_async_api(store: BaseStore) -> None:
    h = MemoryChatHistory(store, "s1", user_id="u1", mode="background", debounce_seconds=0.01)
    await h.aadd_messages([HumanMessage("I'm vegetarian"), AIMessage("ok")])
    assert await h.aflush(timeout=10)
    assert [m.content for m in await h.aget_messages()] == ["I'm vegetarian", "ok"]
    assert [m.content for m in memories(store)] == ["User is vegetarian."]
    await h.aclear()
    assert await h.aget_messages() == []
    assert len(memories(store)) == 1  # clearing the transcript keeps memories


def test_tool_traffic_and_long_replies(store: BaseStore) -> None:
    extractor = CountingExtractor()
    h = MemoryChatHistory(store, "s1", extractor=extractor)
    long_reply = AIMessage("x " * 6000)
    h.add_messages(
        [
            HumanMessage("I love jazz"),
            AIMessage("", tool_calls=[{"name": "t", "args": {}, "id": "c1"}]),
            ToolMessage("result", tool_call_id="c1"),
            long_reply,
        ]
    )
    assert len(extractor.batches[0]) == 2  # the user turn and the (cut) reply
    assert len(extractor.batches[0][1]) == 8192
    assert h.messages[-1].content == long_reply.content  # transcript keeps it whole


# A pasted log: long, and nothing in it the rule extractor keeps.
_LOG = "Here is the log output you asked about: " + " ".join(f"line{i}=ok" for i in range(1500))


def test_capture_reads_max_message_chars_from_the_graph_options(store: BaseStore) -> None:
    errors: list[BaseException] = []
    # A fact past the default 8192-character cut, inside the configured larger bound.
    turn = HumanMessage(_LOG + "\nI'm vegetarian.")
    assert 8192 < len(turn.content) <= 20_000
    h = MemoryChatHistory(
        store,
        "s1",
        user_id="u1",
        max_message_chars=20_000,
        on_error=lambda e, m: errors.append(e),
    )
    h.add_messages([turn])
    assert errors == []
    assert [(m.content, m.source_message_ids) for m in memories(store)] == [
        ("User is vegetarian.", [turn.id])
    ]


def test_capture_cuts_turns_to_a_smaller_max_message_chars(store: BaseStore) -> None:
    errors: list[BaseException] = []
    extractor = CountingExtractor()
    h = MemoryChatHistory(
        store,
        "s1",
        user_id="u1",
        max_message_chars=1000,
        extractor=extractor,
        on_error=lambda e, m: errors.append(e),
    )
    turn = HumanMessage("I'm vegetarian. " + _LOG)
    h.add_messages([turn])
    assert errors == []  # was a MessageTooLongError per turn, storing nothing
    assert [len(text) for text in extractor.batches[0]] == [1000]
    assert "User is vegetarian." in [m.content for m in memories(store)]
    assert h.messages[0].content == turn.content  # the message log keeps it whole


def test_capture_windows_follow_max_messages(store: BaseStore) -> None:
    extractor = CountingExtractor()
    h = MemoryChatHistory(store, "s1", max_messages=3, context_window=1, extractor=extractor)
    h.add_messages([HumanMessage("I love jazz")])
    h.add_messages([HumanMessage(f"I like tea number {i}") for i in range(4)])
    # One context message plus at most two new ones per request of three.
    assert [len(b) for b in extractor.batches] == [1, 3, 3]


def test_assistant_only_turn_runs_no_capture(store: BaseStore) -> None:
    extractor = CountingExtractor()
    h = MemoryChatHistory(store, "s1", extractor=extractor)
    h.add_messages([AIMessage("Hello! How can I help?")])
    assert extractor.runs == 0


def test_readding_messages_is_a_no_op(store: BaseStore) -> None:
    extractor = CountingExtractor()
    h = MemoryChatHistory(store, "s1", extractor=extractor)
    msg = HumanMessage("I love jazz")
    h.add_messages([msg])
    h.add_messages([msg])
    assert len(h.messages) == 1
    assert extractor.runs == 1


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"mode": "eventually"}, InvalidInputError),
        ({"context_window": -1}, InvalidInputError),
        ({"debounce_seconds": -0.5}, InvalidInputError),
        ({"namespace": ("memories", "{user_id}")}, InvalidNamespaceError),
        ({"namespace": ("memories", "{tenant}"), "user_id": "u1"}, InvalidNamespaceError),
        ({"similarity_treshold": 0.9}, InvalidInputError),
    ],
)
def test_bad_configuration(store: BaseStore, kwargs: dict, error: type[Exception]) -> None:
    with pytest.raises(error):
        MemoryChatHistory(store, "s1", **kwargs)


@pytest.mark.parametrize("session_id", ["", None])
def test_bad_session_id(store: BaseStore, session_id: Any) -> None:
    with pytest.raises(InvalidInputError):
        MemoryChatHistory(store, session_id)


def test_non_message_input_writes_nothing(store: BaseStore) -> None:
    h = MemoryChatHistory(store, "s1")
    with pytest.raises(InvalidInputError):
        h.add_messages([HumanMessage("I love jazz"), "not a message"])  # type: ignore[list-item]
    assert h.messages == []
    assert memories(store, ("memories",)) == []


def test_namespace_template_fields(store: BaseStore) -> None:
    h = MemoryChatHistory(
        store, "s9", user_id="u1", agent_id="bot", namespace=("m", "{agent_id}", "{user_id}")
    )
    h.add_messages([HumanMessage("I love jazz")])
    stored = memories(store, ("m", "bot", "u1"))
    assert [(m.content, m.user_id, m.session_id, m.agent_id) for m in stored] == [
        ("User loves jazz.", "u1", "s9", "bot")
    ]


@pytest.mark.filterwarnings("ignore:RunnableWithMessageHistory is deprecated")
def test_works_with_runnable_with_message_history(store: BaseStore) -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel
    from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
    from langchain_core.runnables import ConfigurableFieldSpec, RunnableLambda
    from langchain_core.runnables.history import RunnableWithMessageHistory

    seen_prompts: list[list[BaseMessage]] = []

    def spy(prompt_value: Any) -> Any:
        seen_prompts.append(prompt_value.to_messages())
        return prompt_value

    prompt = ChatPromptTemplate.from_messages(
        [("system", "You are helpful."), MessagesPlaceholder("history"), ("human", "{input}")]
    )
    model = FakeListChatModel(responses=["Noted!", "How about a mushroom risotto?"])
    chain = RunnableWithMessageHistory(
        prompt | RunnableLambda(spy) | model,
        lambda user_id, session_id: MemoryChatHistory(store, session_id, user_id=user_id),
        input_messages_key="input",
        history_messages_key="history",
        history_factory_config=[
            ConfigurableFieldSpec(id="user_id", annotation=str),
            ConfigurableFieldSpec(id="session_id", annotation=str),
        ],
    )
    config = {"configurable": {"user_id": "u1", "session_id": "s1"}}
    assert chain.invoke({"input": "I'm vegetarian"}, config=config).content == "Noted!"
    chain.invoke({"input": "What should I cook?"}, config=config)

    # The second call saw the first turn as history.
    assert [m.content for m in seen_prompts[1][1:3]] == ["I'm vegetarian", "Noted!"]
    transcript = MemoryChatHistory(store, "s1", capture=False).messages
    assert [m.content for m in transcript] == [
        "I'm vegetarian",
        "Noted!",
        "What should I cook?",
        "How about a mushroom risotto?",
    ]
    assert all(m.id for m in transcript)
    stored = memories(store)
    assert [(m.content, m.source_message_ids) for m in stored] == [
        ("User is vegetarian.", [transcript[0].id])
    ]
