"""Nothing lost on close: pending background captures land before the store closes.

``close()``, leaving ``with open_store(...)`` and interpreter exit flush the debounced
captures first (bounded); one that still cannot be written reaches ``on_error``, one log
line and the ``CloseReport`` that ``close()`` returns.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage

from langmem_extract.capture import flush_captures
from langmem_extract.embeddings import HashingEmbeddings
from langmem_extract.extractors.rules import RuleExtractor
from langmem_extract.integrations.chat_history import MemoryChatHistory
from langmem_extract.store.close_hooks import CloseReport
from langmem_extract.store.factory import open_store

ROOT = Path(__file__).resolve().parents[1]
NS = ("memories", "close-user")
TURN = "I live in Rome and I work as a nurse."


def _contents(store: Any) -> list[str]:
    return [item.value["content"] for item in store.search(NS, limit=50)]


def _history(store: Any, **kwargs: Any) -> MemoryChatHistory:
    # A debounce far longer than the test: only the close flush can run the capture.
    return MemoryChatHistory(
        store, "s1", namespace=NS, mode="background", debounce_seconds=600, **kwargs
    )


class FailingExtractor:
    def extract(self, messages: Any, *, context: Any) -> Any:
        raise RuntimeError("extractor exploded")

    async def aextract(self, messages: Any, *, context: Any) -> Any:
        raise RuntimeError("extractor exploded")


class BlockingExtractor(RuleExtractor):
    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()

    def extract(self, messages: Any, *, context: Any) -> Any:
        self.started.set()
        self.release.wait(30)
        return super().extract(messages, context=context)


def test_leaving_with_block_stores_pending_capture(tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    with open_store(path, embeddings=HashingEmbeddings(64)) as store:
        history = _history(store)
        history.add_messages([HumanMessage(TURN)])
        assert history._lane.pending_count() == 1
        assert _contents(store) == []  # still waiting on its debounce
    with open_store(path, embeddings=HashingEmbeddings(64)) as store:
        assert any("Rome" in c for c in _contents(store))


def test_close_returns_report_of_flushed_captures(tmp_path: Path) -> None:
    store = open_store(tmp_path / "m.duckdb", embeddings=HashingEmbeddings(64))
    _history(store).add_messages([HumanMessage(TURN)])
    report = store.close()
    assert isinstance(report, CloseReport)
    assert report.ok and report.flushed == 1
    assert store.close() == CloseReport()  # closing twice: nothing left to do


def test_failing_capture_on_close_is_reported(tmp_path: Path, caplog: Any) -> None:
    errors: list[tuple[BaseException, list[BaseMessage]]] = []
    store = open_store(tmp_path / "m.duckdb", embeddings=HashingEmbeddings(64))
    history = _history(
        store, extractor=FailingExtractor(), on_error=lambda e, m: errors.append((e, m))
    )
    history.add_messages([HumanMessage(TURN)])
    with caplog.at_level(logging.ERROR, logger="langmem_extract.capture"):
        report = store.close()
    assert not report.ok and report.flushed == 0
    [failure] = report.failures
    assert isinstance(failure.error, RuntimeError) and failure.count == 1
    assert failure.label == "s1"
    [(error, messages)] = errors
    assert error is failure.error and messages[0].content == TURN
    summary = [r for r in caplog.records if "were not written" in r.getMessage()]
    assert len(summary) == 1 and "extractor exploded" in summary[0].getMessage()


def test_close_wait_is_bounded_and_reports_what_did_not_land(tmp_path: Path) -> None:
    errors: list[tuple[BaseException, list[BaseMessage]]] = []
    extractor = BlockingExtractor()
    store = open_store(tmp_path / "m.duckdb", embeddings=HashingEmbeddings(64))
    history = MemoryChatHistory(
        store, "s2", namespace=NS, mode="background", debounce_seconds=0,
        extractor=extractor, on_error=lambda e, m: errors.append((e, m)),
    )  # fmt: skip
    history.add_messages([HumanMessage(TURN)])
    assert extractor.started.wait(30)  # the first capture is running (and blocked)
    history.add_messages([HumanMessage("I love green tea.")])  # waits behind it
    try:
        report = store.close(timeout=0.3)
    finally:
        extractor.release.set()
    kinds = sorted(str(f.error) for f in report.failures)
    assert len(kinds) == 2 and all(isinstance(f.error, TimeoutError) for f in report.failures)
    assert "did not start" in kinds[0] and "still running" in kinds[1]
    # The batch that never ran went to on_error now; the running one reports its own end.
    assert isinstance(errors[0][0], TimeoutError)
    assert errors[0][1][0].content == "I love green tea."
    flush_captures(timeout=30)


def test_flush_captures_without_closing(tmp_path: Path) -> None:
    with open_store(tmp_path / "m.duckdb", embeddings=HashingEmbeddings(64)) as store:
        _history(store).add_messages([HumanMessage(TURN)])
        report = flush_captures(store)
        assert report.ok and report.flushed == 1
        assert any("Rome" in c for c in _contents(store))


CHILD = textwrap.dedent(
    """
    import sys
    from langchain_core.messages import HumanMessage
    from langmem_extract.embeddings import HashingEmbeddings
    from langmem_extract.integrations.chat_history import MemoryChatHistory
    from langmem_extract.store.factory import open_store

    store = open_store(sys.argv[1], embeddings=HashingEmbeddings(64))
    history = MemoryChatHistory(store, "s1", namespace=("memories", "close-user"),
                                mode="background", debounce_seconds=600)
    history.add_messages([HumanMessage(sys.argv[2])])
    assert history._lane.pending_count() == 1
    # Exit with the capture still waiting on its debounce and the store never closed.
    """
)


def test_interpreter_exit_flushes_pending_capture(tmp_path: Path) -> None:
    path = tmp_path / "exit.duckdb"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), TURN],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with open_store(path, embeddings=HashingEmbeddings(64)) as store:
        assert any("Rome" in c for c in _contents(store))
