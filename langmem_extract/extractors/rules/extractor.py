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

from langchain_core.embeddings import Embeddings

from langmem_extract.errors import InvalidInputError
from langmem_extract.extractors.base import ExtractContext, ExtractorOutput
from langmem_extract.extractors.dates import TimeRef, find_time_expression, ground_text
from langmem_extract.extractors.rules.asides import TOPIC_MARK, asides
from langmem_extract.extractors.rules.clauses import split_clauses
from langmem_extract.extractors.rules.coreference import (
    resolve_plural,
    resolve_pronouns,
    says_they,
    unbracketed,
)
from langmem_extract.extractors.rules.dated import dated_statement, time_as_subject
from langmem_extract.extractors.rules.families import (
    Hit,
    classify_clause,
    correction_of_previous,
    substantive,
)
from langmem_extract.extractors.rules.grammar import (
    agree,
    clean_text,
    finish,
    mid_sentence,
    third_person,
)
from langmem_extract.extractors.rules.implied import refine
from langmem_extract.extractors.rules.patterns import (
    CORRECTION_INLINE,
    EMPHASIS,
    HEDGE,
    MENTIONS_SELF,
    QUESTION,
    TRIVIAL,
    content_words,
)
from langmem_extract.extractors.rules.quotes import all_whole, settle_quotes
from langmem_extract.extractors.rules.referents import settle_things
from langmem_extract.extractors.rules.relations import relation_candidates
from langmem_extract.extractors.rules.selfcheck import (
    junk_signs,
    quoted,
    repair,
    sentence_of,
    spoken,
)
from langmem_extract.extractors.rules.slots import slot_fact
from langmem_extract.extractors.rules.tense import answered_in_past
from langmem_extract.extractors.rules.things import resolve_things
from langmem_extract.extractors.rules.wellformed import well_formed
from langmem_extract.redact import contains_redaction
from langmem_extract.schema import (
    PREFERENCE_LIKE_TYPES,
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
# Turns a quoted "they" looks back through while each goes on saying "they" (a talk about
# "my turtles" runs six turns of "they" in one dev conversation).
_HISTORY = 8


class RuleExtractor:
    """Offline, regex-based extractor: the default, no key and no model needed."""

    model_name = "rules"

    def __init__(
        self,
        *,
        min_generic_words: int = 4,
        fallback: bool = True,
        max_fallback_clauses: int = FALLBACK_MAX_CLAUSES,
        languages: bool = True,
        embeddings: Embeddings | None = None,
    ) -> None:
        """``min_generic_words``: shortest first-person statement kept when no specific
        rule matched it (higher → fewer, more substantial generic facts).

        ``fallback``: a message's substantive clauses that matched no rule still yield one
        low-importance episodic memory ("On 7 May 2023, Ana said: …"), so nothing said
        about a person is lost; at most ``max_fallback_clauses`` clauses per message.

        ``languages``: a message in another language (German, Spanish, French, Portuguese,
        Chinese, Japanese by rule pack, any other by classifier alone) goes to
        :class:`~langmem_extract.extractors.multilingual.MultilingualExtractor`, whose
        classifier uses ``embeddings`` (default: the bundled multilingual E5, loaded on the
        first such message); ``False`` reads every message as English. Anything but a bool
        raises :class:`~langmem_extract.errors.InvalidInputError`."""
        for name, value in (
            ("min_generic_words", min_generic_words),
            ("max_fallback_clauses", max_fallback_clauses),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidInputError(f"{name} must be an integer >= 1, got {value!r}")
        if not isinstance(languages, bool):  # "klingon", "de": a switch, not a code
            raise InvalidInputError(f"languages must be True or False, got {languages!r}")
        self.min_generic_words = min_generic_words
        self.fallback = fallback
        self.max_fallback_clauses = max_fallback_clauses
        self.languages = languages
        # Imported here: the multilingual package builds on this package's rule families.
        from langmem_extract.extractors.multilingual import (
            MultilingualExtractor,
            PrototypeClassifier,
            language_runs,
        )

        self._runs = language_runs
        self._multilingual = MultilingualExtractor(
            PrototypeClassifier(embeddings), max_fallback_clauses
        )

    def extract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        candidates: list[Candidate] = []
        speakers = {m.name for m in messages if m.role == "user" and m.name}
        has_assistant = any(m.role == "assistant" for m in messages)
        context_text, older = "", ()  # the last turn; the ones before it, newest first
        langs: dict[str | None, str] = {}  # each speaker's last language
        for message in messages:
            if message.role != "user":
                # the last other turn: antecedents for "it"
                context_text, older = message.content, (context_text, *older)[:_HISTORY]
                continue
            others = speakers - {message.name}
            # Imperatives between two people ("take a look!") are not instructions to us.
            to_assistant = has_assistant or not message.name
            addressee = (
                next(iter(others)) if len(others) == 1 and not has_assistant
                else ("the assistant" if to_assistant else None)
            )  # fmt: skip
            runs = (
                self._runs(message.content, langs.get(message.name))
                if self.languages
                else [(message.content, "en")]
            )
            langs[message.name] = runs[-1][1]
            for text, lang in runs:  # a message switching language: each run to its rules
                part = message if len(runs) == 1 else message.model_copy(update={"content": text})
                candidates.extend(
                    self._from_message(
                        part, context, candidates, addressee, to_assistant, context_text,
                        older, lang,
                    )
                )  # fmt: skip
            context_text, older = message.content, (context_text, *older)[:_HISTORY]
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
        older: tuple[str, ...] = (),
        lang: str = "en",
    ) -> list[Candidate]:
        subject = message.name or "User"
        ref = message.timestamp or context.reference_time
        if lang != "en":
            return self._multilingual.extract(
                message, lang, subject=subject, ref=ref, to_assistant=to_assistant,
                fallback=self.fallback,
            )  # fmt: skip
        seen: set[str] = set()
        inherited: TimeRef | None = None
        unmatched: list[tuple[str, str | None]] = []
        steps: list[tuple[str, str, Candidate | None]] = []  # each clause, in order
        for clause, correction in split_clauses(clean_text(message.content)):
            # A clause carrying a (redacted) secret yields no memory at all.
            if QUESTION.search(re.sub(r"\s*\[[^\]]*\]$", "", clause)) or contains_redaction(clause):
                continue
            # the text before the clause (split_clauses capitalised its first letter)
            here = message.content.split(clause[:20])[0]
            if here == message.content and clause[:1].isupper():
                here = message.content.split(clause[:1].lower() + clause[1:20])[0]
            prior_text = f"{context_text}\n{here}"
            named = resolve_plural(clause, here, context_text)  # "They eat insects": who?
            cand = self._candidate(
                named or clause, correction, subject, ref, message,
                [*earlier, *(c for _, _, c in steps if c)], addressee, to_assistant, prior_text,
                inherited, (context_text, *older),
            )  # fmt: skip
            if (
                named is None
                and cand is not None
                and (cand.type not in PREFERENCE_LIKE_TYPES or says_they(cand.content))
            ):
                cand = None  # "they" names nobody; a preference is kept when it does not say it
            if cand is None or normalize_text(cand.content) in seen:
                steps.append((clause, here, None))
            if cand is None:
                if _fallback_worthy(clause, self.min_generic_words):
                    unmatched.append((clause, named))
                continue
            if (
                "dated" in cand.signals
                and cand.event_time
                and cand.event_time <= (ref or cand.event_time)
            ):
                inherited = find_time_expression(clause, ref, spans=False)  # the story goes on
            key = normalize_text(cand.content)
            if key in seen:
                continue
            seen.add(key)
            steps.append((clause, here, cand))
        earlier_turns = (context_text, *older)
        out = settle_things(steps, message.content, subject, addressee, ref, earlier_turns)
        for cand in relation_candidates(clean_text(message.content), subject, message.id):
            said = next(  # "My sister is called Ana" already says it: key that memory
                (c for c in out if c.type == MemoryType.RELATIONSHIP and not c.attribute
                 and cand.value and cand.value in c.content), None,
            )  # fmt: skip
            if said is not None:
                said.attribute, said.value = cand.attribute, cand.value
            elif any(  # slots.py keyed this person's role already ("my boss is Carla")
                c.attribute and c.attribute.startswith("relation:") and c.value == cand.value
                for c in out
            ):
                continue
            elif normalize_text(cand.content) not in seen:
                seen.add(normalize_text(cand.content))
                out.append(cand)
        # Preferences said inside lead-ins and questions ("As someone who hates crowds, …?").
        done: set[str] = set()
        for origin, aside in asides(clean_text(message.content)):
            if origin in done or contains_redaction(aside):
                continue
            topic, _, aside = aside.rpartition(TOPIC_MARK)
            cand = self._candidate(
                aside, False, subject, ref, message, [*earlier, *out], addressee, to_assistant,
                "", None, (context_text, *older),
            )  # fmt: skip
            if cand is None or cand.type != MemoryType.PREFERENCE:
                continue
            done.add(origin)
            said = normalize_text(origin)
            unmatched = [c for c in unmatched if normalize_text(c[0]) not in said]
            # "Because of my love for old cars, …": the lead-in's generic fact gives way.
            said_tp = normalize_text(third_person(origin, subject, addressee))
            out = [
                c for c in out if "generic" not in c.signals or normalize_text(c.content) != said_tp
            ]
            if topic := topic.strip(TOPIC_MARK + " "):
                # "User prefers vinyl." gives way to "When it comes to music, User prefers vinyl."
                plain = normalize_text(cand.content)
                out = [c for c in out if normalize_text(c.content) != plain]
                text = f"{topic}, {cand.content}"
                cand = cand.model_copy(update={"content": text, "title": make_title(text)})
            key = normalize_text(cand.content)
            if key not in seen:
                seen.add(key)
                out.append(cand)
        if self.fallback and unmatched and not out:
            # The last resort: only a message that yielded nothing else keeps its words.
            cand = _fallback_candidate(
                unmatched[: self.max_fallback_clauses], subject, addressee, ref, message,
                (context_text, *older),
            )  # fmt: skip
            if cand is not None and normalize_text(cand.content) not in seen:
                out.append(cand)
        return settle_quotes(out, message.content, subject, addressee, ref, earlier_turns)

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
        earlier_turns: tuple[str, ...] = ("",),
    ) -> Candidate | None:
        context_text = earlier_turns[0]
        time_ref = find_time_expression(clause, ref)
        body = time_ref.stripped if time_ref else clause
        hit = time_as_subject(body, time_ref) if time_ref is not None else None
        hit = hit or refine(
            body,
            (None if TRIVIAL.match(body) else slot_fact(body))
            or classify_clause(body, to_assistant, self.min_generic_words),
        )
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
        if hit.rewritten and (MENTIONS_SELF.search(content) or re.search(r"\byou\b", content)):
            content = third_person(content, subject, addressee)  # "… with my partner Tom"
        content = answered_in_past(finish(agree(content, subject)), subject, clause, context_text)
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
                content = finish(f"{content.rstrip('.')} {mid_sentence(time_ref.phrase)}")
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
        resolved = resolve_pronouns(content, subject, addressee, message.content, context_text)
        if resolved is None:
            return None  # "visit her" with nobody named to be "her"
        content = repair(well_formed(resolved, tuple(n for n in (subject, addressee) if n)) or "")
        if not content:
            return None
        if junk_signs(content):
            # The rewrite reads badly in a way no rule foresaw: the speaker's own words.
            said = [sentence_of(message.content, unbracketed(clause))]
            content = quoted(said, subject, addressee, ref, earlier_turns) or ""
            if not content:
                return None
            signals += ["fallback", "quote", "self-check"]  # a "said:" form, counted as one
        signals += _tone_signals(clause, correction, hit)
        signals = list(dict.fromkeys(signals))
        provenance = (
            Provenance.CORRECTED
            if "correction" in signals
            else (
                Provenance.INFERRED
                if {"habit", "inferred"} & set(signals)
                else Provenance.EXPLICIT_STATEMENT
            )
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
    r"can't wait|cannot wait|no (?:prob|problem|worries)|wishing you|hope you|lucky (?:you|u)\b|"
    r"(?:awesome|great|good|amazing|wonderful|fantastic|exciting) news\b)",
    re.I,
)


def _fallback_worthy(clause: str, min_words: int) -> bool:
    """A clause no rule matched but still worth remembering: not small talk, not tiny."""
    if _SMALL_TALK.match(clause) or not substantive(clause, min_words + FALLBACK_EXTRA_WORDS):
        return False
    return len(content_words(clause)) >= FALLBACK_MIN_CONTENT_WORDS


def _fallback_candidate(
    clauses: list[tuple[str, str | None]],
    subject: str,
    addressee: str | None,
    ref: datetime | None,
    message: ChatMessage,
    earlier: tuple[str, ...] = ("", ""),
) -> Candidate | None:
    """One observed, low-importance episodic memory from the clauses no rule matched.

    Time expressions in them are grounded in place ("next Friday" → "on Friday, 12 May
    2023"), and the first one dates the memory; otherwise the message's time does."""
    context_text = earlier[0]
    names = tuple(n for n in (subject, addressee) if n)
    grounded = [ground_text(unbracketed(named), ref) for _, named in clauses if named]
    said = " ".join(
        well_formed(
            resolve_pronouns(
                finish(agree(third_person(text, subject, addressee), subject)),
                subject, addressee, message.content, context_text,
            ) or "",
            names,
        ) or ""
        for text, _ in grounded
    ).strip()  # fmt: skip
    said = repair(said)
    if said and resolve_things(said, "", subject) is None:
        said = ""  # an "it" nobody named: the speaker's own words, with what they answer
    event_time = next((when for _, when in grounded if when is not None), ref)
    signals = ["generic", "fallback"]
    if junk_signs(said) or not all_whole(said, names):
        said = ""  # a rewrite that reads badly: the speaker's own words instead
        signals.append("self-check")
    if len(said.split()) < 3:
        # No clause reads on its own ("They eat insects" with nobody named): their words.
        words = spoken(message.content, clauses, whole="self-check" in signals)
        content = quoted(words, subject, addressee, ref, earlier)
        if content is None:
            return None
        signals.append("quote")
    else:
        when = f"On {ref.day} {ref:%B %Y}, " if ref is not None else ""
        content = (
            (f"{when}{said}" if when else said)
            if said.startswith(f"{subject} ")
            else (f"{when}{subject} said: {said}")
        )
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
        signals=signals,
        source="conversation",
    )


def _tone_signals(clause: str, correction: bool, hit: Hit) -> list[str]:
    """Correction, hedge and emphasis markers of a clause."""
    out = []
    # "I live in Berlin now" changes a single-valued fact just as "actually, …" does.
    single_valued = bool(hit.attribute) and ":" not in (hit.attribute or "")
    inline = (single_valued and bool(CORRECTION_INLINE.search(clause))) or bool(
        hit.attribute and re.search(r"\b(?:anymore|any more|no longer)\b", clause, re.I)
    )
    if correction or inline or "change" in hit.signals:
        out.append("correction")
    if HEDGE.search(clause):
        out.append("hedge")
    if EMPHASIS.search(clause):
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
