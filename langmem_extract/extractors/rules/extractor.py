"""The offline rule extractor: regex patterns over first-person statements, no model.

Only user messages produce memories (a message ``name`` becomes the subject, so
two-person chats attribute each fact to its speaker); assistant turns are context.
Each clause is rewritten to stand alone in the third person, dated expressions are
resolved against the message timestamp (or the reference time), and conflictable
facts carry ``attribute``/``value`` so dedup can supersede them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from langmem_extract.errors import InvalidInputError
from langmem_extract.extractors.base import ExtractContext, ExtractorOutput
from langmem_extract.extractors.dates import TimeRef, find_time_expression, ground_text
from langmem_extract.extractors.rules.clauses import split_clauses
from langmem_extract.extractors.rules.dated import dated_statement, time_as_subject
from langmem_extract.extractors.rules.families import (
    Hit,
    classify_clause,
    correction_of_previous,
    substantive,
)
from langmem_extract.extractors.rules.grammar import agree, clean_text, finish, third_person
from langmem_extract.extractors.rules.patterns import CONTENT_WORD, GENERIC_STOP
from langmem_extract.redact import contains_redaction
from langmem_extract.schema import (
    Candidate,
    Category,
    ChatMessage,
    MemoryKind,
    MemoryType,
    PreferenceInfo,
    Provenance,
    make_title,
    normalize_text,
)

#: Clauses of one message joined into its fallback memory, at most.
FALLBACK_MAX_CLAUSES = 3
#: A fallback clause needs this many more words than a generic first-person fact, and
#: this many content words: it has no rule vouching for it.
FALLBACK_EXTRA_WORDS = 2
FALLBACK_MIN_CONTENT_WORDS = 3

# Tone of a clause, and questions (which state nothing).
_CORRECTION_INLINE = re.compile(
    r"\b(?:actually|now|anymore|no longer|these days|instead|not any more|recently moved)\b",
    re.I,
)
_HEDGE = re.compile(
    r"\b(?:maybe|perhaps|probably|i think|i guess|might|possibly|sort of|kind of|kinda)\b", re.I
)
_EMPHASIS = re.compile(
    r"\b(?:always|never|really|absolutely|definitely|strongly|seriously|extremely|must|"
    r"important|crucial|please make sure)\b|!",
    re.I,
)
_QUESTION = re.compile(
    r"\?\s*$|^(?:do|does|did|can|could|would|will|should|is|are|was|were|what|why|how|where|"
    r"when|who|which|have|has)\b",
    re.I,
)


class RuleExtractor:
    """Offline, regex-based extractor: the default, no key and no model needed."""

    model_name = "rules"

    def __init__(
        self,
        *,
        min_generic_words: int = 4,
        fallback: bool = True,
        max_fallback_clauses: int = FALLBACK_MAX_CLAUSES,
    ) -> None:
        """``min_generic_words``: shortest first-person statement kept when no specific
        rule matched it (higher → fewer, more substantial generic facts).

        ``fallback``: a message's substantive clauses that matched no rule still yield one
        low-importance episodic memory ("On 7 May 2023, Ana said: …"), so nothing said
        about a person is lost; at most ``max_fallback_clauses`` clauses per message."""
        for name, value in (
            ("min_generic_words", min_generic_words),
            ("max_fallback_clauses", max_fallback_clauses),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidInputError(f"{name} must be an integer >= 1, got {value!r}")
        self.min_generic_words = min_generic_words
        self.fallback = fallback
        self.max_fallback_clauses = max_fallback_clauses

    def extract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        candidates: list[Candidate] = []
        speakers = {m.name for m in messages if m.role == "user" and m.name}
        has_assistant = any(m.role == "assistant" for m in messages)
        context_text = ""
        for message in messages:
            if message.role != "user":
                context_text = message.content  # the last other turn: antecedents for "it"
                continue
            others = speakers - {message.name}
            # Imperatives between two people ("take a look!") are not instructions to us.
            to_assistant = has_assistant or not message.name
            addressee = (
                next(iter(others)) if len(others) == 1 and not has_assistant
                else ("the assistant" if to_assistant else None)
            )  # fmt: skip
            candidates.extend(
                self._from_message(
                    message, context, candidates, addressee, to_assistant, context_text
                )
            )
            context_text = message.content
        return ExtractorOutput(candidates=candidates, tokens_used=0, model=self.model_name)

    async def aextract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        return self.extract(messages, context=context)

    # -- per message

    def _from_message(
        self,
        message: ChatMessage,
        context: ExtractContext,
        earlier: list[Candidate],
        addressee: str | None,
        to_assistant: bool,
        context_text: str = "",
    ) -> list[Candidate]:
        subject = message.name or "User"
        ref = message.timestamp or context.reference_time
        out: list[Candidate] = []
        seen: set[str] = set()
        inherited: TimeRef | None = None
        unmatched: list[str] = []
        for clause, correction in split_clauses(clean_text(message.content)):
            # A clause carrying a (redacted) secret yields no memory at all.
            if _QUESTION.search(clause) or contains_redaction(clause):
                continue
            prior_text = f"{context_text}\n{message.content.split(clause[:20])[0]}"
            cand = self._candidate(
                clause, correction, subject, ref, message, [*earlier, *out], addressee,
                to_assistant, prior_text, inherited,
            )  # fmt: skip
            if cand is None:
                if _fallback_worthy(clause, self.min_generic_words):
                    unmatched.append(clause)
                continue
            if (
                "dated" in cand.signals
                and cand.event_time
                and cand.event_time <= (ref or cand.event_time)
            ):
                inherited = find_time_expression(clause, ref)  # later sentences tell the same story
            key = normalize_text(cand.content)
            if key in seen:
                continue
            seen.add(key)
            out.append(cand)
        if self.fallback and unmatched:
            cand = _fallback_candidate(
                unmatched[: self.max_fallback_clauses], subject, addressee, ref, message
            )
            if cand is not None and normalize_text(cand.content) not in seen:
                out.append(cand)
        return out

    def _candidate(
        self,
        clause: str,
        correction: bool,
        subject: str,
        ref: datetime | None,
        message: ChatMessage,
        earlier: list[Candidate],
        addressee: str | None = None,
        to_assistant: bool = True,
        prior_text: str = "",
        inherited: TimeRef | None = None,
    ) -> Candidate | None:
        time_ref = find_time_expression(clause, ref)
        body = time_ref.stripped if time_ref else clause
        hit = time_as_subject(body, time_ref) if time_ref is not None else None
        hit = hit or classify_clause(body, to_assistant, self.min_generic_words)
        if hit is None and correction:
            hit = correction_of_previous(body, earlier)
        if hit is None and time_ref is not None:
            hit = dated_statement(body, time_ref)  # "Next Friday is my sister's wedding"
        if hit is None:
            return None
        if "{ref}" in hit.content:
            ref_name = _antecedent(prior_text)
            if ref_name is None:
                return None
            hit.content = hit.content.replace("{ref}", ref_name)
        content = (
            hit.content.replace("{s}", subject)
            if hit.rewritten
            else third_person(hit.content, subject, addressee)
        )
        content = finish(agree(content, subject))
        if not content or len(content.split()) < 3:
            return None
        signals = list(hit.signals)
        mtype = hit.type
        kind = hit.kind or (
            MemoryKind.EPISODIC if mtype == MemoryType.EVENT else MemoryKind.SEMANTIC
        )
        event_time = None
        if time_ref is not None and time_ref.when is None:
            # No reference time: the expression stays as said, outside attribute values.
            if not hit.rewritten and hit.content == body:
                content = finish(agree(third_person(clause, subject, addressee), subject))
            else:
                content = finish(f"{content.rstrip('.')} {time_ref.phrase}")
        elif time_ref is not None:
            event_time = time_ref.when
            signals.append("dated")
            if not hit.rewritten and hit.content == body:
                # The date goes where the expression was: "went … on 7 May 2023 and …".
                replaced = third_person(time_ref.replaced, subject, addressee)
                content = finish(agree(replaced, subject))
            else:
                content = finish(f"{content.rstrip('.')} {time_ref.phrase}")
            content = ground_text(content, ref)[0]  # a second expression ("… this year")
            if mtype == MemoryType.FACT and not hit.attribute:
                if time_ref.future:
                    mtype = MemoryType.GOAL  # a dated plan
                    signals = [x for x in signals if x != "generic"] + ["plan"]
                else:
                    mtype, kind = MemoryType.EVENT, MemoryKind.EPISODIC
        elif mtype == MemoryType.EVENT and inherited is not None:
            # "Last weekend I did something new. I ran a 5K …": the run was last weekend too.
            content = finish(f"{content.rstrip('.')} {inherited.phrase}")
            event_time = inherited.when
            signals.append("dated-by-context")
        elif mtype == MemoryType.EVENT and ref is not None:
            event_time = ref
            signals.append("approximate-time")
        signals += _tone_signals(clause, correction, hit)
        signals = list(dict.fromkeys(signals))
        provenance = (
            Provenance.CORRECTED
            if "correction" in signals
            else (Provenance.INFERRED if "habit" in signals else Provenance.EXPLICIT_STATEMENT)
        )
        preference = hit.preference
        if mtype == MemoryType.PREFERENCE and preference is None:
            preference = PreferenceInfo(
                explicit=True, reasoning=f'stated directly: "{clause[:120]}"'
            )
        return Candidate(
            content=content,
            title=make_title(content),
            type=mtype,
            kind=kind,
            category=hit.category or Category.GENERAL,
            provenance=provenance,
            source_message_ids=[message.id],
            subject=subject,
            attribute=hit.attribute,
            value=hit.value,
            event_time=event_time,
            preference=preference,
            signals=signals,
            source="conversation",
        )


# Praise, thanks and wishes aimed at the other person say nothing about the speaker.
_SMALL_TALK = re.compile(
    r"^(?:that(?:'s| is| was| sounds| must)|this (?:is|was|sounds)|it(?:'s| is) (?:so |really )?"
    r"(?:great|awesome|amazing|cool|nice|good|wonderful|lovely|fantastic|sweet)|sounds|"
    r"(?:good|best of) luck|congrat|thanks|thank you|glad|happy (?:for|to)|so (?:happy|glad)|"
    r"keep (?:it up|going|up the)|you(?:'re| are) (?:so |really |doing )?"
    r"(?:great|awesome|amazing|welcome|right|the best|inspiring|brave)|you got this|"
    r"have (?:fun|a (?:great|good|nice))|take care|see you|talk (?:soon|later)|bye|"
    r"can't wait|cannot wait|no (?:prob|problem|worries)|wishing you|hope you)",
    re.I,
)


def _fallback_worthy(clause: str, min_words: int) -> bool:
    """A clause no rule matched but still worth remembering: not small talk, not tiny."""
    if _SMALL_TALK.match(clause) or not substantive(clause, min_words + FALLBACK_EXTRA_WORDS):
        return False
    content = [w for w in CONTENT_WORD.findall(clause) if w.lower() not in GENERIC_STOP]
    return len(content) >= FALLBACK_MIN_CONTENT_WORDS


def _fallback_candidate(
    clauses: list[str],
    subject: str,
    addressee: str | None,
    ref: datetime | None,
    message: ChatMessage,
) -> Candidate | None:
    """One observed, low-importance episodic memory from the clauses no rule matched.

    Time expressions in them are grounded in place ("next Friday" → "on Friday, 12 May
    2023"), and the first one dates the memory; otherwise the message's time does."""
    grounded = [ground_text(c.replace("[", "").replace("]", ""), ref) for c in clauses]
    said = " ".join(
        finish(agree(third_person(text, subject, addressee), subject)) for text, _ in grounded
    ).strip()
    event_time = next((when for _, when in grounded if when is not None), ref)
    if len(said.split()) < 3:
        return None
    when = f"On {ref.day} {ref:%B %Y}, " if ref is not None else ""
    if said.startswith(f"{subject} "):
        content = f"{when}{said}" if when else said
    else:
        content = f"{when}{subject} said: {said}"
    content = content[0].upper() + content[1:]
    return Candidate(
        content=content,
        title=make_title(content),
        type=MemoryType.EVENT,
        kind=MemoryKind.EPISODIC,
        category=Category.GENERAL,
        provenance=Provenance.OBSERVED,
        source_message_ids=[message.id],
        subject=subject,
        event_time=event_time,
        signals=["generic", "fallback"],
        source="conversation",
    )


def _tone_signals(clause: str, correction: bool, hit: Hit) -> list[str]:
    """Correction, hedge and emphasis markers of a clause."""
    out = []
    # "I live in Berlin now" changes a single-valued fact just as "actually, …" does.
    single_valued = bool(hit.attribute) and ":" not in (hit.attribute or "")
    inline = (single_valued and bool(_CORRECTION_INLINE.search(clause))) or bool(
        hit.attribute and re.search(r"\b(?:anymore|any more|no longer)\b", clause, re.I)
    )
    if correction or inline or "change" in hit.signals:
        out.append("correction")
    if _HEDGE.search(clause):
        out.append("hedge")
    if _EMPHASIS.search(clause):
        out.append("emphasis")
    return out


# "Let's book it": the pronoun of a decision names the last proper noun said before it.
_PROPER = re.compile(
    r"\b(?:[A-Z0-9][\w'&.-]*)(?:\s+(?:(?:of|de|la|the|and|&)\s+)?[A-Z0-9][\w'&.-]*)*"
)
_NOT_NAMES = frozenset(
    [
        "i",
        "i'm",
        "i'll",
        "i've",
        "i'd",
        "it",
        "it's",
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "my",
        "we",
        "you",
        "he",
        "she",
        "they",
        "hmm",
        "ok",
        "okay",
        "yes",
        "no",
        "thanks",
        "hi",
        "hello",
        "hey",
        "sure",
        "great",
        "also",
        "and",
        "but",
        "so",
        "what",
        "which",
        "how",
        "option",
        "options",
    ]
)


def _antecedent(text: str) -> str | None:
    """The last proper-noun phrase before a pronoun ("the 7 Days Inn … let's book it")."""
    found = None
    for m in _PROPER.finditer(text):
        phrase = m.group(0).strip(" .")
        words = phrase.split()
        while words and words[0].lower() in _NOT_NAMES:
            words = words[1:]
        if not words or (len(words) == 1 and (words[0].isdigit() or len(words[0]) < 3)):
            continue
        sentence_start = m.start() == 0 or text[: m.start()].rstrip()[-1:] in ".!?\n:"
        if len(words) == 1 and sentence_start and phrase == m.group(0).strip(" ."):
            continue  # a capitalised first word is not a name
        found = " ".join(words)
    return found
