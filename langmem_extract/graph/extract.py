"""extract node: validate the input, redact secrets, run the extractor.

Given candidates (graph input ``candidates``) replace the extractor: they are redacted
like messages, and one that held a secret is skipped as ``redacted``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from langchain_core.runnables import RunnableConfig, RunnableLambda

from langmem_extract.extractors.base import ExtractContext, Extractor, ExtractorOutput
from langmem_extract.graph.state import ExtractionRequest, GraphOptions, build_request
from langmem_extract.redact import SECRET_SKIP_REASON, contains_redaction, redact_secrets
from langmem_extract.schema import Action, Candidate, ChatMessage


def _redacted(messages: list[ChatMessage]) -> tuple[list[ChatMessage], int]:
    """Messages with secrets replaced; the extractor (and any LLM) never sees a secret."""
    out, total = [], 0
    for message in messages:
        text, n = redact_secrets(message.content)
        total += n
        out.append(message.model_copy(update={"content": text}) if n else message)
    return out, total


def redact_candidate(cand: Candidate) -> tuple[Candidate, int]:
    """``cand`` with a secret in any text field replaced, and the number replaced.

    A candidate that held a secret (or a marker of one) is skipped as ``redacted``: it is
    never stored, and what the result reports of it carries markers, not the secret.
    """
    fields = cand.text_fields()
    found, clean = 0, {}
    for name, text in fields.items():
        redacted, n = redact_secrets(text)
        found += n
        if n:
            clean[name] = redacted
    if not found and not any(contains_redaction(t) for t in fields.values()):
        return cand, 0
    update: dict[str, Any] = {name: text for name, text in clean.items() if "." not in name}
    if any(name.startswith("tags.") for name in clean):
        update["tags"] = [clean.get(f"tags.{i}", tag) for i, tag in enumerate(cand.tags)]
    if "preference.reasoning" in clean and cand.preference is not None:
        update["preference"] = cand.preference.model_copy(
            update={"reasoning": clean["preference.reasoning"]}
        )
    update.update(action=Action.SKIP, redacted=True, reason=SECRET_SKIP_REASON)
    return cand.model_copy(update=update), found


def _redacted_candidates(candidates: list[Candidate]) -> tuple[list[Candidate], int]:
    """Given candidates with secrets replaced; one that held a secret is skipped."""
    out, total = [], 0
    for cand in candidates:
        clean, found = redact_candidate(cand)
        total += found
        out.append(clean)
    return out, total


def _given(request: ExtractionRequest, started: float) -> dict[str, Any]:
    assert request.candidates is not None
    candidates, secrets = _redacted_candidates(request.candidates)
    return {
        "request": request,
        "candidates": candidates,
        "tokens_used": 0,
        "model": None,
        "secrets_redacted": secrets,
        "started_at": started,
    }


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
        if request.candidates is not None:
            return _given(request, started)
        messages, secrets = _redacted(request.messages)
        output = get_extractor().extract(messages, context=_context(request, config))
        return _update(request, output, secrets, started)

    async def aextract(state: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        started = time.perf_counter()
        request = build_request(state, options)
        if request.candidates is not None:
            return _given(request, started)
        messages, secrets = _redacted(request.messages)
        output = await get_extractor().aextract(messages, context=_context(request, config))
        return _update(request, output, secrets, started)

    return RunnableLambda(extract, afunc=aextract, name="extract")
