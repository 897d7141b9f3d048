"""``langmem-extract extract``: conversation files through the memory graph into the store."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from langmem_extract.cli._common import (
    DEFAULT_DB,
    AgentOpt,
    DbOpt,
    JsonOpt,
    UserOpt,
    app,
    err_console,
    escape,
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
from langmem_extract.errors import ExtractionError, InvalidInputError
from langmem_extract.schema import DEFAULT_MAX_MEMORIES, DEFAULT_NAMESPACE, MAX_MESSAGES

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


def _totals(results: Sequence[ExtractionResult]) -> dict[str, int]:
    return {name: sum(getattr(r, name) for r in results) for name in _TOTAL_FIELDS}


def _extraction_table(rows: Sequence[tuple[str, ExtractionResult]], *, show_source: bool) -> Table:
    table = Table(expand=False)
    if show_source:
        table.add_column("source", style="dim", no_wrap=True)
    table.add_column("action", no_wrap=True)
    table.add_column("type", style="cyan", no_wrap=True)
    table.add_column("category", no_wrap=True)
    table.add_column("conf", justify="right", no_wrap=True)
    table.add_column("content")
    table.add_column("id", style="dim", no_wrap=True)
    for source, result in rows:
        items = {item.candidate_id: item for item in result.items}
        for cand in result.candidates:
            item = items.get(cand.id)
            action = (item.action if item else cand.action) or "?"
            memory_id = item.memory_id if item and item.memory_id else cand.target_id
            cells = [
                str(getattr(action, "value", action)),
                cand.type.value,
                escape(cand.category),
                f"{cand.confidence:.2f}",
                escape(cand.content),
                short_id(memory_id),
            ]
            table.add_row(*([escape(source)] if show_source else []), *cells)
    return table


def _read_conversations(source: str) -> list[Conversation]:
    from langmem_extract.chat_files import load_chat_files, parse_chat_file

    if source == "-":
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError as exc:
            raise InvalidInputError(f"<stdin>: not UTF-8 text ({exc.reason})") from None
        return parse_chat_file(text, "<stdin>")
    return load_chat_files(source)


def _windows(conversation: Conversation) -> list[tuple[str, list[dict[str, Any]]]]:
    """Split a conversation longer than the per-request bound into consecutive windows."""
    msgs = conversation.messages
    if len(msgs) <= MAX_MESSAGES:
        return [(conversation.label, msgs)]
    return [
        (f"{conversation.label}#{i // MAX_MESSAGES + 1}", msgs[i : i + MAX_MESSAGES])
        for i in range(0, len(msgs), MAX_MESSAGES)
    ]


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


def _run_extraction(
    store: BaseStore,
    batches: Sequence[tuple[str, list[dict[str, Any]]]],
    *,
    show_progress: bool,
    **kwargs: Any,
) -> list[tuple[str, ExtractionResult]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from langmem_extract.graph.builder import extract_memories

    results: list[tuple[str, ExtractionResult]] = []
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console(),
        disable=not show_progress,
        transient=True,
    )
    with progress:
        task = progress.add_task("extracting", total=len(batches))
        for label, messages in batches:
            try:
                result = extract_memories(messages, store=store, **kwargs)
            except (InvalidInputError, ExtractionError) as exc:
                # Name the conversation so the user can find the bad message.
                raise type(exc)(f"{label}: {message_for(exc)}") from exc
            results.append((label, result))
            progress.advance(task)
    return results


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
        int, typer.Option("--max-memories", help="At most this many memories per conversation.")
    ] = DEFAULT_MAX_MEMORIES,
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
    from langmem_extract.graph.state import validate_max_memories

    validate_max_memories(max_memories)
    ns = scope_ns(namespace, user_id, agent_id, unscoped=DEFAULT_NAMESPACE, write=True)
    assert ns is not None
    wanted = parse_types(types.split(",")) if types else None
    extractor = _llm_extractor(model, base_url)
    conversations = _read_conversations(source)
    batches = [w for conv in conversations for w in _windows(conv)]
    _validate_batches(batches)
    # A dry run against a file that does not exist yet compares with nothing; keep it
    # in memory rather than create the file.
    target = ":memory:" if dry_run and is_missing_file(db) else db
    with open_db(target, create=True) as store:
        rows = _run_extraction(
            store,
            batches,
            show_progress=len(batches) > 1,
            namespace=ns,
            dry_run=dry_run,
            max_memories=max_memories,
            extraction_types=[t.value for t in wanted] if wanted else None,
            user_id=user_id,
            agent_id=agent_id,
            via="cli",
            **({"extractor": extractor} if extractor is not None else {}),
        )
    totals = _totals([r for _, r in rows])
    if json_output:
        print_json(
            {
                "dry_run": dry_run,
                "namespace": list(ns),
                "conversations": [
                    {"source": label, "result": r.model_dump(mode="json")} for label, r in rows
                ],
                "totals": totals,
            }
        )
        return
    console = out_console()
    console.print(_extraction_table(rows, show_source=len(rows) > 1))
    summary = " · ".join(f"{v} {k}" for k, v in totals.items() if v or k == "extracted")
    note = " (dry run: nothing written)" if dry_run else f" → {escape(ns_text(ns))}"
    console.print(f"{len(rows)} conversation(s): {summary}{note}")
