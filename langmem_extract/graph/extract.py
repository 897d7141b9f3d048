"""extract node: validate the input, redact secrets, run the extractor."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from langchain_core.runnables import RunnableConfig, RunnableLambda

from langmem_extract.extractors.base import ExtractContext, Extractor, ExtractorOutput
from langmem_extract.graph.state import ExtractionRequest, GraphOptions, build_request
from langmem_extract.redact import redact_secrets
from langmem_extract.schema import ChatMessage


def _redacted(messages: list[ChatMessage]) -> tuple[list[ChatMessage], int]:
    """Messages with secrets replaced; the extractor (and any LLM) never sees a secret."""
    out, total = [], 0
    for message in messages:
        text, n = redact_secrets(message.content)
        total += n
        out.append(message.model_copy(update={"content": text}) if n else message)
    return out, total


def _context(request: ExtractionRequest, config: RunnableConfig | None) -> ExtractContext:
    return ExtractContext(
        reference_time=request.reference_time, config=config, metadata=request.metadata
    )


def _update(
    request: ExtractionRequest, output: ExtractorOutput, secrets: int, started: float
) -> dict[str, Any]:
    known = {m.id for m in request.messages}
    for cand in output.candidates:
        # Evidence ids must point at real messages (a model may invent some).
        cand.source_message_ids = [i for i in cand.source_message_ids if i in known]
    return {
        "request": request,
        "candidates": output.candidates,
        "tokens_used": output.tokens_used,
        "model": output.model,
        "secrets_redacted": secrets,
        "started_at": started,
    }


def make_extract_node(
    get_extractor: Callable[[], Extractor], options: GraphOptions
) -> RunnableLambda:
    """The ``extract`` node, runnable both sync and async (LLM calls stay non-blocking)."""

    def extract(state: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        started = time.perf_counter()
        request = build_request(state, options)
        messages, secrets = _redacted(request.messages)
        output = get_extractor().extract(messages, context=_context(request, config))
        return _update(request, output, secrets, started)

    async def aextract(state: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        started = time.perf_counter()
        request = build_request(state, options)
        messages, secrets = _redacted(request.messages)
        output = await get_extractor().aextract(messages, context=_context(request, config))
        return _update(request, output, secrets, started)

    return RunnableLambda(extract, afunc=aextract, name="extract")
