"""What becomes of a message's memories whose "it" their text does not name.

:func:`settle_things` reads a message's memories in the order of their clauses. The one
thing the turn named before the "it" takes its place (:func:`.things.resolve_things`), or
the one thing the exchange kept calling "it" since it named it (:func:`.topics.chain_thing`).
When no single thing is named, the memory is joined to the memory of the clause before it,
which names it ("Ana made a bowl in her class, and Ana is pretty proud of it"). A memory
with neither is not kept when the message has others; otherwise it is followed by the
earlier words that name the thing, or is the speaker's words quoted. A "this"/"that"
standing for what happened ("won't let this bring Ana down") is no thing: joined to the
memory just before, else dropped beside another memory, else left as it reads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from langmem_extract.extractors.rules.coreference import unbracketed
from langmem_extract.extractors.rules.selfcheck import in_context, junk_signs, quoted, sentence_of
from langmem_extract.extractors.rules.things import (
    PLURAL,
    PLURAL_WORDS,
    antecedents,
    plain,
    referring,
    resolve_things,
    with_referent,
)
from langmem_extract.extractors.rules.topics import chain_thing
from langmem_extract.schema import Candidate, make_title

# A photo caption closing a memory: kept at the end of a joined text.
_CAPTION = re.compile(r"\s*\[shares\b[^\]]*\]\.?$")
# Words that open a memory and read lower-case once it follows a comma ("…, and it's …").
# A "this"/"that" standing for what happened, not for a thing: "won't let this bring Ana
# down", "never wants to go through this again", "this is Ana's true calling", "That's a
# memory Ana will never forget". No thing an earlier phrase names is what it means, and the
# memory says nothing a reader can place beside the message's other memories.
_SITUATION = re.compile(
    r"\b(?:let|lets|letting) (?:this|that) (?:bring|get|stop|keep|hold|break|define)\b|"
    r"\b(?:go|goes|going|went|gone|get|gets|getting|got|been) through (?:this|that)\b|"
    r"\b(?:[Tt]his|[Tt]hat)(?:'s| is| was) (?:my|your|his|her|our|their|[A-Z][a-z]+'s) "
    r"(?:true |real )?calling\b|"
    r"\b(?:[Tt]his|[Tt]hat)(?:'s| is| was) (?:a|one) (?:memory|moment)\b"
)
_LEADS = frozenset(["it", "it's", "its", "this", "that", "on", "in", "at", "for", "last", "when"])
_LEADS |= {"maybe", "perhaps"}  # "…, and maybe this is the change Ana needs"


def joined(naming: str, content: str) -> str:
    """``content`` after ``naming``, the memory whose text names its "it": "Ana made a bowl
    in her class, and Ana is pretty proud of it." Photo captions go last."""
    caps: list[str] = []
    for text in (naming, content):
        if m := _CAPTION.search(text):
            caps.append(m.group(0).strip().rstrip("."))
    head = _CAPTION.sub("", naming).rstrip().rstrip(".!?;,")
    tail = _CAPTION.sub("", content).strip()
    first = tail.split(" ", 1)[0].lower()
    if first in _LEADS:
        tail = tail[0].lower() + tail[1:]
    text = f"{head}, and {tail}".rstrip()
    if caps:
        stop = "" if text.endswith(("!", "?")) else "."  # "… takes Ana! [shares …]."
        text = f"{text.rstrip('.')}{stop} {' '.join(caps)}."
    return text if text.endswith((".", "!", "?", "]")) else text + "."


def settle_things(
    steps: Sequence[tuple[str, str, Candidate | None]],
    message: str,
    subject: str,
    addressee: str | None,
    ref: datetime | None,
    earlier: tuple[str, ...],
) -> list[Candidate]:
    """The memories of one message (``message``, said by ``subject`` to ``addressee`` at
    ``ref``, after the turns ``earlier``, newest first), each "it" they do not name settled:
    ``steps`` are the message's clauses in order, each with the text before it and the
    memory it gave (or None).

    In order of preference: the one thing the turn named before it, or the exchange a few
    turns back, takes its place; the memory is joined to the memory of the clause just
    before (unless that reads badly); it is dropped when another memory of the message
    stays; else it is followed by the earlier words that name the thing, or becomes the
    speaker's words quoted."""
    done = _settled(steps, message, subject, addressee, earlier)
    out: list[Candidate] = []
    for clause, _, cand in steps:
        if cand is None or id(cand) not in done:
            out += [cand] if cand is not None else []
            continue
        if (text := done[id(cand)]) is not None:
            out += [_with(cand, text)] if text else []
        elif (text := in_context(cand.content, addressee, earlier)) is not None:
            out.append(_with(cand, text))
        else:
            said = with_referent(message, sentence_of(message, unbracketed(clause)))
            if text := quoted(said, subject, addressee, ref, earlier):
                out.append(_with(cand, text, quoted=True))
    return out


def _settled(
    steps: Sequence[tuple[str, str, Candidate | None]],
    message: str,
    subject: str,
    addressee: str | None,
    earlier: tuple[str, ...],
) -> dict[int, str | None]:
    """By ``id`` of each memory whose "it" its text does not name: its new text, None when
    it is the message's only such memory left and nothing else stays (to be placed or
    quoted); memories dropped are left out of the message's memories by
    :func:`settle_things` through an empty text."""
    done: dict[int, str | None] = {}
    # the last memory text naming a thing "it" may be, and one naming a plural ("them")
    naming: dict[bool, str | None] = {False: None, True: None}
    pending: list[Candidate] = []
    quotes: list[Candidate] = []  # rewrites that read badly, quoted with an "it" unnamed
    situations: list[Candidate] = []
    for clause, before, cand in steps:
        if cand is not None and _SITUATION.search(plain(cand.content)):
            # no thing is what it means; after the memory telling what happened, it reads joined
            text = joined(naming[False], cand.content) if naming[False] is not None else ""
            if text and not junk_signs(text):
                done[id(cand)] = text
            else:
                situations.append(cand)
            continue
        if cand is None:
            if not referring(clause):
                naming = {False: None, True: None}  # a clause of its own: no longer that thing
            continue
        if "self-check" in cand.signals and resolve_things(plain(clause), before, subject) is None:
            quotes.append(cand)
            continue
        resolved = resolve_things(cand.content, before, subject)
        if resolved is None and before != message:  # the whole message: where it was, unknown
            # "What about your script?" → "I did research for it": named a few turns back
            resolved = chain_thing(cand.content, before, earlier, subject, addressee)
        if resolved == cand.content:
            # "I love the colours": only plurals, nothing a later "it" can be
            said = plain(clause)
            naming[False] = cand.content if antecedents(said, subject) else None
            naming[True] = cand.content if PLURAL.search(said) else None
            continue
        if resolved is not None and not junk_signs(resolved):
            # ("it's really been going well" → "the sprinter is really been …" is not kept)
            done[id(cand)] = naming[False] = resolved
            continue
        them = referring(cand.content)[0].group("p") in PLURAL_WORDS
        text = joined(naming[them], cand.content) if naming[them] is not None else ""
        if text and not junk_signs(text):
            done[id(cand)] = text
            continue  # the naming memory still names what the next "it" speaks of
        pending.append(cand)
    left = {id(p) for p in pending + quotes + situations}
    kept = any(c is not None and id(c) not in left for _, _, c in steps)
    for cand in situations:
        if kept:  # the message's only memory stays as it reads: the words that name
            done[id(cand)] = ""  # what happened are the message's own, not an earlier one's
    for i, cand in enumerate(pending):
        # "Ana is proud of it" says nothing the others do not: dropped ("")
        done[id(cand)] = "" if kept or situations or i else None
    for cand in quotes:
        # "I sleep in it and …" quoted: what "it" is, a memory of the message that stays may say
        done[id(cand)] = "" if kept or pending else cand.content
    return done


def _with(cand: Candidate, content: str, *, quoted: bool = False) -> Candidate:
    signals = [*cand.signals, "referent"]
    if quoted:
        signals += ["fallback", "quote", "self-check"]  # a "said:" form, counted as one
    update = {"content": content, "title": make_title(content), "signals": signals}
    return cand.model_copy(update=update)
