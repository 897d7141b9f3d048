"""``langmem-extract extract``: conversation files through the memory graph into the store.

A conversation longer than one request (:data:`MAX_MESSAGES` messages) is read in
consecutive windows under one ``--max-memories`` budget; see :func:`_extract_conversation`.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from langmem_extract.cli._common import (
    DEFAULT_DB,
    AgentOpt,
    Column,
    DbOpt,
    JsonOpt,
    UserOpt,
    app,
    err_console,
    escape,
    fitted_table,
    handle_errors,
    is_missing_file,
    message_for,
    ns_text,
    open_db,
    out_console,
    parse_types,
    print_json,
    scope_ns,
    short_id,
)
from langmem_extract.cli._progress import Advance, progress
from langmem_extract.errors import ExtractionError, InvalidInputError, InvalidMaxMemoriesError
from langmem_extract.schema import (
    DEFAULT_NAMESPACE,
    MAX_MEMORIES,
    MAX_MESSAGES,
    Action,
    Candidate,
    ItemResult,
)

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

    from langmem_extract.chat_files import Conversation
    from langmem_extract.schema import ExtractionResult

_TOTAL_FIELDS = (
    "extracted",
    "stored",
    "deduplicated",
    "superseded",
    "skipped",
    "failed",
    "redacted",
)
#: How a dry run's summary names what it would have written.
_DRY_RUN_WORDS = {"stored": "would store", "deduplicated": "would merge",
                  "superseded": "would supersede"}  # fmt: skip


@dataclass
class _Input:
    """One conversation of the input: the ``index``-th (1-based) of ``file``."""

    conversation: Conversation
    index: int

    @property
    def file(self) -> str:
        return self.conversation.source

    @property
    def name(self) -> str:
        """Short, unique-per-file name for tables and notes: ``chat.json#2``."""
        return f"{Path(self.file).name}#{self.index}"

    def windows(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """Consecutive windows of at most :data:`MAX_MESSAGES` messages (one request each),
        labelled for error messages as ``file:line`` plus ``#window`` when split."""
        msgs, label = self.conversation.messages, self.conversation.label
        if len(msgs) <= MAX_MESSAGES:
            return [(label, msgs)]
        return [
            (f"{label}#{i // MAX_MESSAGES + 1}", msgs[i : i + MAX_MESSAGES])
            for i in range(0, len(msgs), MAX_MESSAGES)
        ]


@dataclass
class _Outcome:
    """What one conversation yielded, over all its windows and calls."""

    source: _Input
    windows: int
    results: list[ExtractionResult] = field(default_factory=list)
    # Candidate id -> (candidate, item): a candidate re-sent after the per-call cap keeps
    # its id, so its final outcome replaces the earlier "skipped".
    final: dict[str, tuple[Candidate, ItemResult]] = field(default_factory=dict)
    resent: int = 0
    over_cap: int = 0
    unread_windows: int = 0
    unread_messages: int = 0

    def add(self, result: ExtractionResult) -> None:
        self.results.append(result)
        for cand, item in zip(result.candidates, result.items, strict=True):
            self.final[cand.id] = (cand, item)

    def totals(self) -> dict[str, int]:
        sums = {name: sum(getattr(r, name) for r in self.results) for name in _TOTAL_FIELDS}
        # Each re-sent candidate was counted once as extracted and skipped before.
        sums["extracted"] -= self.resent
        sums["skipped"] -= self.resent
        return sums

    def to_json(self) -> dict[str, Any]:
        candidates = [c for c, _ in self.final.values()]
        items = [i for _, i in self.final.values()]
        result = self.results[0].model_copy(
            update={
                "candidates": candidates,
                "items": items,
                **self.totals(),
                "tokens_used": sum(r.tokens_used for r in self.results),
                "processing_ms": round(sum(r.processing_ms for r in self.results), 3),
                "categories": dict(sum((Counter(r.categories) for r in self.results), Counter())),
            }
        )
        return {
            "source": self.source.conversation.label,
            "file": self.source.file,
            "conversation": self.source.index,
            "line": self.source.conversation.line,
            "messages": len(self.source.conversation.messages),
            "windows": self.windows,
            "skipped_over_cap": self.over_cap,
            "messages_not_read": self.unread_messages,
            "result": result.model_dump(mode="json"),
        }


def _extraction_table(outcomes: Sequence[_Outcome], *, width: int) -> Table:
    show_source = len(outcomes) > 1
    columns = [
        *([Column("source", drop=3, style="dim")] if show_source else []),
        Column("action"),
        Column("type", style="cyan"),
        Column("category", drop=5),
        Column("conf", drop=4, justify="right"),
        Column("content"),
        Column("id", drop=6, style="dim"),
    ]
    rows = []
    for outcome in outcomes:
        for cand, item in outcome.final.values():
            action = item.action or cand.action or "?"
            memory_id = item.memory_id or cand.target_id
            cells = [
                str(getattr(action, "value", action)),
                cand.type.value,
                escape(cand.category),
                f"{cand.confidence:.2f}",
                escape(cand.content),
                short_id(memory_id),
            ]
            rows.append([escape(outcome.source.name)] * show_source + cells)
    return fitted_table(columns, rows, width=width)


def _read_conversations(source: str) -> list[_Input]:
    from langmem_extract.chat_files import load_chat_files, parse_chat_file

    if source == "-":
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError as exc:
            raise InvalidInputError(f"<stdin>: not UTF-8 text ({exc.reason})") from None
        conversations = parse_chat_file(text, "<stdin>")
    else:
        conversations = load_chat_files(source)
    per_file: Counter[str] = Counter()
    inputs = []
    for conv in conversations:
        per_file[conv.source] += 1
        inputs.append(_Input(conv, per_file[conv.source]))
    return inputs


def _validate_batches(batches: Sequence[tuple[str, list[dict[str, Any]]]]) -> None:
    """Reject every bad message before the store is opened, so bad input writes nothing."""
    from langmem_extract.messages import normalize_messages

    for label, messages in batches:
        try:
            normalize_messages(messages)
        except InvalidInputError as exc:
            raise type(exc)(f"{label}: {exc}") from None


def _llm_extractor(model: str | None, base_url: str | None) -> Any:
    """The LLM extractor for ``--model``, or None for the offline rule extractor."""
    if model is None:
        return None
    key = os.environ.get("OPENAI_API_KEY")
    if not (key or base_url):
        raise InvalidInputError(
            f"--model {model} needs OPENAI_API_KEY, or --base-url / OPENAI_BASE_URL "
            "for an OpenAI-compatible server"
        )
    from langmem_extract.extractors.llm import LLMExtractor

    # Local OpenAI-compatible servers ignore the key, but the client requires one.
    return LLMExtractor(model_name=model, base_url=base_url, api_key=key or "not-needed")


def _over_cap(result: ExtractionResult) -> list[Candidate]:
    from langmem_extract.graph.score import OVER_CAP_REASON

    return [
        c
        for c in result.candidates
        if c.action == Action.SKIP and (c.reason or "").startswith(OVER_CAP_REASON)
    ]


def _kept(result: ExtractionResult) -> int:
    """Candidates the call's cap counted: every one not skipped."""
    return sum(1 for c in result.candidates if c.action != Action.SKIP)


def _extract_conversation(
    store: BaseStore, source: _Input, cap: int | None, advance: Advance, **kwargs: Any
) -> _Outcome:
    """Every window of one conversation, under one budget of ``cap`` memories (None: all).

    A request keeps at most :data:`MAX_MEMORIES` (the most important first); what it
    skipped for that bound is sent again as given candidates while the budget lasts, so
    splitting a conversation into windows loses nothing. With a cap, the earlier windows
    spend it first; once it is spent the later windows are not read.
    """
    from langmem_extract.graph.builder import extract_memories
    from langmem_extract.graph.state import GraphOptions

    windows = source.windows()
    outcome = _Outcome(source, len(windows))
    remaining = cap
    for label, messages in windows:
        if remaining == 0:
            outcome.unread_windows += 1
            outcome.unread_messages += len(messages)
            advance(1)
            continue
        queue: list[Candidate] | None = None  # None: the window is still to be read
        written = 0
        while queue is None or queue:
            if remaining == 0:
                outcome.over_cap += len(queue or ())
                break
            per_call = MAX_MEMORIES if remaining is None else min(MAX_MEMORIES, remaining)
            try:
                if queue is None:
                    result = extract_memories(
                        messages, store=store, max_memories=per_call, **kwargs
                    )
                    queue = []
                else:
                    # A request takes at most MAX_MEMORIES given candidates. They are
                    # re-scored; a model-scored one blends the model's estimate once more
                    # (a small drift, only past MAX_MEMORIES in one window).
                    chunk, queue = queue[:MAX_MEMORIES], queue[MAX_MEMORIES:]
                    outcome.resent += len(chunk)
                    # The window's memories written so far were batch-mates in the first
                    # call; now they crowd the store's nearest hits. Look past them, so a
                    # re-sent candidate meets the same duplicates as in one batch.
                    result = extract_memories(
                        candidates=chunk, store=store, max_memories=per_call,
                        search_limit=GraphOptions.search_limit + written, **kwargs,
                    )  # fmt: skip
            except (InvalidInputError, ExtractionError) as exc:
                # Name the conversation so the user can find the bad message.
                raise type(exc)(f"{label}: {message_for(exc)}") from exc
            outcome.add(result)
            written += _kept(result)
            if remaining is not None:
                remaining -= _kept(result)
            queue = _over_cap(result) + queue
        advance(1)
    return outcome


def _report_caps(outcomes: Sequence[_Outcome], cap: int | None) -> None:
    """One stderr line per conversation that lost memories to ``--max-memories``."""
    console = err_console()
    for o in outcomes:
        if not (o.over_cap or o.unread_windows):
            continue
        parts = []
        if o.over_cap:
            parts.append(f"{o.over_cap} memories skipped (lowest importance first)")
        if o.unread_windows:
            parts.append(
                f"{o.unread_windows} later window(s), {o.unread_messages} messages, not read"
            )
        console.print(
            f"note: {escape(o.source.name)}: --max-memories {cap} reached; " + "; ".join(parts),
            soft_wrap=True,
        )


@app.command()
@handle_errors
def extract(
    source: Annotated[
        str, typer.Argument(metavar="FILE|-", help="Transcript file, directory, or - for stdin.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be stored; write nothing.")
    ] = False,
    max_memories: Annotated[
        int | None,
        typer.Option(
            "--max-memories",
            help="At most this many memories per conversation, however long (default: all).",
        ),
    ] = None,
    types: Annotated[
        str | None, typer.Option("--types", help="Only these types, comma-separated.")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="Use the LLM extractor with this chat model."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", envvar="OPENAI_BASE_URL", help="OpenAI-compatible server URL."),
    ] = None,
    namespace: Annotated[
        str | None,
        typer.Option(
            "--namespace",
            "-n",
            help="Namespace to write to, as a/b (may hold {user_id}); default: the scope "
            "of --user-id / --agent-id, else memories/_shared.",
        ),
    ] = None,
    user_id: UserOpt = None,
    agent_id: AgentOpt = None,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Extract typed memories from a conversation (JSON, JSONL, text) and store them."""
    if max_memories is not None and max_memories < 1:
        raise InvalidMaxMemoriesError(
            f"--max-memories must be a positive integer (max_memories per conversation), "
            f"got {max_memories}"
        )
    ns = scope_ns(namespace, user_id, agent_id, unscoped=DEFAULT_NAMESPACE, write=True)
    assert ns is not None
    wanted = parse_types(types.split(",")) if types else None
    extractor = _llm_extractor(model, base_url)
    inputs = _read_conversations(source)
    batches = [w for item in inputs for w in item.windows()]
    _validate_batches(batches)
    # A dry run against a file that does not exist yet compares with nothing; keep it
    # in memory rather than create the file.
    target = ":memory:" if dry_run and is_missing_file(db) else db
    kwargs: dict[str, Any] = {
        "namespace": ns,
        "dry_run": dry_run,
        "extraction_types": [t.value for t in wanted] if wanted else None,
        "user_id": user_id,
        "agent_id": agent_id,
        "via": "cli",
        **({"extractor": extractor} if extractor is not None else {}),
    }
    what = f"{len(inputs)} conversation(s)"
    with (
        open_db(target, create=True) as store,
        progress(f"extracting {what}", len(batches), "windows") as advance,
    ):
        outcomes = [
            _extract_conversation(store, item, max_memories, advance, **kwargs) for item in inputs
        ]
    _report_caps(outcomes, max_memories)
    totals = {name: sum(o.totals()[name] for o in outcomes) for name in _TOTAL_FIELDS}
    if json_output:
        print_json(
            {
                "dry_run": dry_run,
                "namespace": list(ns),
                "conversations": [o.to_json() for o in outcomes],
                "totals": totals,
            }
        )
        return
    console = out_console()
    console.print(_extraction_table(outcomes, width=console.width))
    words = _DRY_RUN_WORDS if dry_run else {}
    summary = " · ".join(
        f"{words[k]} {v}" if k in words else f"{v} {k}"
        for k, v in totals.items()
        if v or k == "extracted"
    )
    note = " (dry run: nothing written)" if dry_run else f" → {escape(ns_text(ns))}"
    console.print(f"{what}: {summary}{note}", soft_wrap=True)
