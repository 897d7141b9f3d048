"""A quote must read as a whole sentence, as any memory must.

When a rewrite reads badly, the speaker's own sentence is quoted (:func:`.selfcheck.quoted`);
but a sentence said in chat is often a fragment itself ("Some fun ones like …", "Already
doing that, thanks!", "Gotta make time for it") or broken ("… must have unreal"), and the
question beside it does not make it whole. :func:`quote_reads_whole` reads each quoted
sentence as :func:`.wellformed.reads_whole` does (a subject and a finite verb, a question,
or a call to the listener) and for the signs of a broken sentence :data:`.selfcheck.SIGNS`
names, but for those of a third-person rewrite. :func:`settle_quotes` keeps a quote's whole
sentences; a quote with none gives way to the message's other memories, else to a later
whole sentence of the turn, and stays as said only as the turn's one memory.
"""

from __future__ import annotations

import re
from datetime import datetime

from langmem_extract.extractors.rules.selfcheck import SIGNS, quoted
from langmem_extract.extractors.rules.wellformed import reads_whole, says_nothing
from langmem_extract.schema import Candidate, make_title

# Signs of a third-person rewrite gone wrong, none of a sentence as said: "I", "you", a
# subject said twice ("I think I might"), "We did!", a name after "Wow".
_REWRITE_ONLY = frozenset(
    [
        "first person",
        "second person",
        "no subject",
        "impersonal as speaker",
        "subject repeated",
        "one for an unnamed thing",
        "bare auxiliary",
        "exclamation before a name",
    ]
)
_BROKEN = {name: p for name, p in SIGNS.items() if name not in _REWRITE_ONLY}
_PHOTO = re.compile(r"\[shares\b[^\]]*\]")
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?!\[)")
_SPEECH = re.compile(r'^(?P<head>.*? said\b[^"]*?(?:"[^"]*"[^"]*?)*?: ")(?P<speech>.*)"$')


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, a photo shared with one kept with it."""
    return [s for s in _SENTENCES.split(text.strip()) if s]


def quote_reads_whole(sentence: str, names: tuple[str, ...] = ()) -> bool:
    """Whether a sentence as said (pronouns named in brackets allowed) reads whole: no sign
    of a broken sentence, and a subject and a finite verb, a question or a call to the
    listener."""
    plain = re.sub(r"\s*\[[^\]]*\]", "", sentence).strip()
    if any(p.search(plain) for p in _BROKEN.values()):
        return False
    return reads_whole(plain, names)


def all_whole(text: str, names: tuple[str, ...] = ()) -> bool:
    """Whether every sentence of ``text`` reads whole (:func:`quote_reads_whole`)."""
    return all(quote_reads_whole(s, names) for s in sentences(text))


def settle_quotes(
    out: list[Candidate],
    message: str,
    subject: str,
    addressee: str | None,
    ref: datetime | None,
    earlier: tuple[str, ...],
) -> list[Candidate]:
    """The memories of one message, each quote of it whole: its sentences that do not read
    whole left out; a quote with no whole sentence dropped when another memory of the
    message stays, else the first whole sentence the turn says after it quoted, else kept
    as said (the turn's one memory)."""
    names = tuple(n for n in (subject, addressee) if n)
    broken: set[int] = set()
    settled: dict[int, Candidate] = {}
    for cand in out:
        m = _SPEECH.match(cand.content) if "quote" in cand.signals else None
        if m is None:
            continue
        said = sentences(m["speech"])
        whole = [s for s in said if quote_reads_whole(s, names)]
        if len(whole) == len(said):
            continue
        if not all(says_nothing(s, names) for s in whole):  # not "Bye, Ana." alone
            # a photo shared with a sentence left out stays with the words kept
            photos = [p for s in said if s not in whole for p in _PHOTO.findall(s)]
            kept = " ".join([*whole, *photos]) + ("." if photos else "")
            settled[id(cand)] = _with(cand, f'{m["head"]}{kept}"')
        else:
            broken.add(id(cand))
    if broken and any(id(c) not in broken for c in out):
        return [settled.get(id(c), c) for c in out if id(c) not in broken]
    for cand in out:
        if id(cand) in broken and (later := _said_later(cand, message, names)):
            text = quoted([later], subject, addressee, ref, earlier)
            if text and all_whole(_speech(text), names):
                settled[id(cand)] = _with(cand, text)
    return [settled.get(id(c), c) for c in out]


def _speech(content: str) -> str:
    m = _SPEECH.match(content)
    return m["speech"] if m else ""


def _said_later(cand: Candidate, message: str, names: tuple[str, ...]) -> str:
    """The first whole sentence ``message`` says after the last one ``cand`` quotes."""
    said = sentences(re.sub(r"\s*\[[^\]]*\]", "", _speech(cand.content)))
    turn = sentences(message)
    last = re.sub(r"\W+", " ", said[-1]).strip().lower()[:20] if said else ""
    at = next(
        (i for i, s in enumerate(turn) if last and last in re.sub(r"\W+", " ", s).lower()), None
    )
    if at is None:
        return ""
    return next(
        (
            s
            for s in turn[at + 1 :]
            if not s.rstrip(" ]").endswith("?")  # a question tells nothing of the speaker
            and not says_nothing(s, names)
            and quote_reads_whole(s, names)
        ),
        "",
    )


def _with(cand: Candidate, content: str) -> Candidate:
    return cand.model_copy(update={"content": content, "title": make_title(content)})
