"""extract node: validate the input, redact secrets, run the extractor.

Given candidates (graph input ``candidates``) replace the extractor: they are redacted
like messages, and one that held a secret is skipped as ``redacted``.

:func:`redact_candidate` is the one check of a candidate's text: every field of
``Candidate.text_fields()``, plus the value read with its attribute as a label (``pin:
0840``). The extractor only ever sees redacted messages, but whatever it returns is also
searched for the secrets found in the input (an echo from any path, in any letter case).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from langchain_core.runnables import RunnableConfig, RunnableLambda

from langmem_extract.extractors.base import ExtractContext, Extractor, ExtractorOutput
from langmem_extract.graph.state import ExtractionRequest, GraphOptions, build_request
from langmem_extract.redact import (
    SECRET_SKIP_REASON,
    contains_redaction,
    find_secrets,
    marker,
    redact_secrets,
)
from langmem_extract.schema import Action, Candidate, ChatMessage


def _random_looking(word: str) -> bool:
    """A generated-looking word: digits in 3+ characters, mixed case in 12+, or 16+ long
    (a token body a model lower-cased)."""
    if any(c.isdigit() for c in word):
        return len(word) >= 3
    mixed = any(c.isupper() for c in word) and any(c.islower() for c in word)
    return len(word) >= 16 or (len(word) >= 12 and mixed)


class Echoes:
    """The secrets found in the input, to catch one the extractor's output repeats.

    An echo is a whole secret (any letter case), or a word of a candidate's text that
    equals a generated-looking word of a secret (``218`` for a CVV, ``9197-6252`` of a
    list of codes) or, when generated-looking itself, appears inside one (the body of a
    token without its prefix). Everyday words of a passphrase are not echoes alone.
    """

    _WORD = re.compile(r"[\w+/=.:-]*\w")
    _SPLIT = re.compile(r"[\s,;]+")

    def __init__(self) -> None:
        self.spans: list[tuple[re.Pattern[str], str, str]] = []
        self.words: dict[str, str] = {}

    def add(self, secret: str, kind: str) -> None:
        whole = re.compile(rf"(?<!\w){re.escape(secret)}(?!\w)", re.I)
        self.spans.append((whole, secret.lower(), kind))
        for word in filter(None, self._SPLIT.split(secret)):
            if _random_looking(word):
                self.words.setdefault(word.lower(), kind)

    def _kind_of(self, word: str) -> str | None:
        low = word.lower()
        if low in self.words:
            return self.words[low]
        if len(low) >= 6 and _random_looking(word):
            return next((kind for _, span, kind in self.spans if low in span), None)
        return None

    def replace(self, text: str) -> tuple[str, int]:
        found = 0
        for whole, _, kind in self.spans:
            text, n = whole.subn(marker(kind), text)
            found += n

        def swap(match: re.Match[str]) -> str:
            nonlocal found
            kind = self._kind_of(match.group(0))
            if kind is None:
                return match.group(0)
            found += 1
            return marker(kind)

        return self._WORD.sub(swap, text), found


def _redacted(messages: list[ChatMessage]) -> tuple[list[ChatMessage], int, Echoes]:
    """Messages with secrets replaced; the extractor (and any LLM) never sees a secret."""
    out, total, echoes = [], 0, Echoes()
    for message in messages:
        spans = find_secrets(message.content)
        for span in spans:
            echoes.add(message.content[span.start : span.end], span.kind)
        text, n = redact_secrets(message.content) if spans else (message.content, 0)
        total += n
        out.append(message.model_copy(update={"content": text}) if n else message)
    return out, total, echoes


def _unechoed(cand: Candidate, echoes: Echoes) -> tuple[Candidate, int]:
    """``cand`` with any input secret it repeats replaced by a marker (and so skipped)."""
    found, update = 0, {}
    for name, text in cand.text_fields().items():
        clean, n = echoes.replace(text)
        if n:
            found += n
            update[name] = clean
    if not found:
        return cand, 0
    return _with_fields(cand, update), found


def _with_fields(cand: Candidate, clean: dict[str, str]) -> Candidate:
    """``cand`` with the named text fields (``tags.i``, ``preference.reasoning``) replaced,
    skipped as holding a secret."""
    update: dict[str, Any] = {name: text for name, text in clean.items() if "." not in name}
    if any(name.startswith("tags.") for name in clean):
        update["tags"] = [clean.get(f"tags.{i}", tag) for i, tag in enumerate(cand.tags)]
    if "preference.reasoning" in clean and cand.preference is not None:
        update["preference"] = cand.preference.model_copy(
            update={"reasoning": clean["preference.reasoning"]}
        )
    update.update(action=Action.SKIP, redacted=True, reason=SECRET_SKIP_REASON)
    return cand.model_copy(update=update)


def _labelled_value(cand: Candidate) -> tuple[str, int]:
    """The value as a marker when it is a secret read with its attribute as the label."""
    if not cand.attribute or not cand.value:
        return cand.value or "", 0
    label = f"{cand.attribute}: "
    spans = [s for s in find_secrets(label + cand.value) if s.end > len(label)]
    return (marker(spans[0].kind), len(spans)) if spans else (cand.value, 0)


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
    if "value" not in clean:
        value, n = _labelled_value(cand)
        if n:
            found += n
            clean["value"] = value
    if not found and not any(contains_redaction(t) for t in fields.values()):
        return cand, 0
    return _with_fields(cand, clean), found


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
    request: ExtractionRequest,
    output: ExtractorOutput,
    secrets: int,
    echoes: Echoes,
    started: float,
) -> dict[str, Any]:
    known = {m.id for m in request.messages}
    candidates = []
    for cand in output.candidates:
        # Evidence ids must point at real messages (a model may invent some).
        cand.source_message_ids = [i for i in cand.source_message_ids if i in known]
        cand, echoed = _unechoed(cand, echoes) if echoes.spans else (cand, 0)
        secrets += echoed
        candidates.append(cand)
    return {
        "request": request,
        "candidates": candidates,
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
        messages, secrets, echoes = _redacted(request.messages)
        output = get_extractor().extract(messages, context=_context(request, config))
        return _update(request, output, secrets, echoes, started)

    async def aextract(state: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        started = time.perf_counter()
        request = build_request(state, options)
        if request.candidates is not None:
            return _given(request, started)
        messages, secrets, echoes = _redacted(request.messages)
        output = await get_extractor().aextract(messages, context=_context(request, config))
        return _update(request, output, secrets, echoes, started)

    return RunnableLambda(extract, afunc=aextract, name="extract")
