"""Loaders for the third-party evaluation data: LoCoMo and PrefEval.

The data is read from a directory given as ``--data`` (``data_dir=``) or
``$LANGMEM_EVAL_DATA``, laid out as ``locomo/locomo_dev.json`` and
``prefeval/{explicit_preference,implicit_preference/persona-driven}/<topic>.json``.
Nothing is copied into the package: both sets are licensed for non-commercial use only.
Without a directory, or with one that does not exist, loaders raise
:class:`EvalDataNotFoundError` (exit code 2 from the CLI).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langmem_extract.errors import InvalidInputError
from langmem_extract.eval import DATA_ENV_VAR
from langmem_extract.eval.metrics import parse_evidence

LOCOMO_FILE = Path("locomo") / "locomo_dev.json"
PREFEVAL_EXPLICIT_DIR = Path("prefeval") / "explicit_preference"
PREFEVAL_PERSONA_DIR = Path("prefeval") / "implicit_preference" / "persona-driven"

# LoCoMo dates look like "1:56 pm on 8 May, 2023".
_LOCOMO_DATE = re.compile(
    r"^\s*(?P<h>\d{1,2}):(?P<m>\d{2})\s*(?P<ampm>[ap]m)\s+on\s+(?P<d>\d{1,2})\s+"
    r"(?P<month>[A-Za-z]+),?\s+(?P<y>\d{4})\s*$",
    re.IGNORECASE,
)
_SESSION_KEY = re.compile(r"^session_(\d+)$")


@dataclass(frozen=True)
class Turn:
    """One LoCoMo dialog turn; ``dia_id`` (``D3:7``) is its message id everywhere."""

    dia_id: str
    speaker: str
    text: str
    session: int
    timestamp: datetime


@dataclass(frozen=True)
class Session:
    index: int
    date_time: str
    timestamp: datetime
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class QA:
    question: str
    answer: str | None
    evidence: tuple[str, ...]
    category: int
    adversarial_answer: str | None = None


@dataclass(frozen=True)
class Observation:
    """A gold fact LoCoMo annotates per session and speaker, with the turns it came from."""

    fact: str
    dia_ids: tuple[str, ...]
    speaker: str
    session: int


@dataclass(frozen=True)
class LocomoConversation:
    """One LoCoMo sample: its dated sessions, QA items and gold observations."""

    sample_id: str
    speaker_a: str
    speaker_b: str
    sessions: tuple[Session, ...]
    qa: tuple[QA, ...]
    observations: tuple[Observation, ...] = ()

    @property
    def turns(self) -> list[Turn]:
        return [t for s in self.sessions for t in s.turns]


@dataclass(frozen=True)
class PrefItem:
    """One PrefEval item. ``conversation`` is empty for the explicit set."""

    topic: str
    index: int
    preference: str
    question: str
    conversation: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def item_id(self) -> str:
        return f"{self.topic}-{self.index}"


class EvalDataNotFoundError(InvalidInputError):
    """No evaluation data directory was given, or the one given does not hold the data."""


def resolve_data_dir(data_dir: Path | str | None = None) -> Path:
    """``data_dir`` if given, else ``$LANGMEM_EVAL_DATA``; it must be an existing directory."""
    if data_dir is None or str(data_dir) == "":
        env = os.environ.get(DATA_ENV_VAR)
        if not env:
            raise EvalDataNotFoundError(
                "no evaluation data: pass --data PATH or set "
                f"{DATA_ENV_VAR} to the directory holding locomo/ and prefeval/"
            )
        data_dir = env
    path = Path(data_dir)
    if not path.is_dir():
        raise EvalDataNotFoundError(
            f"evaluation data not found: {path} (pass --data PATH or set {DATA_ENV_VAR})"
        )
    return path


def parse_locomo_datetime(text: str) -> datetime:
    """Parse ``"1:56 pm on 8 May, 2023"`` into an aware UTC datetime (LoCoMo gives no zone)."""
    match = _LOCOMO_DATE.match(text or "")
    if match is None:
        raise InvalidInputError(f"unrecognised LoCoMo date {text!r}")
    hour = int(match["h"]) % 12 + (12 if match["ampm"].lower() == "pm" else 0)
    try:
        month = datetime.strptime(match["month"][:3].title(), "%b").month
        return datetime(int(match["y"]), month, int(match["d"]), hour, int(match["m"]), tzinfo=UTC)
    except ValueError as exc:
        raise InvalidInputError(f"unrecognised LoCoMo date {text!r}: {exc}") from exc


def turn_text(raw: dict[str, Any], *, with_captions: bool = True) -> str:
    """A turn's text; a shared photo's caption is appended so text-only systems see it."""
    text = str(raw.get("text", "")).strip()
    caption = raw.get("blip_caption")
    if with_captions and caption:
        text = f"{text} [shares a photo: {str(caption).strip()}]".strip()
    return text


def _read_json(path: Path) -> Any:
    if not path.is_file():
        raise EvalDataNotFoundError(
            f"evaluation data not found: {path} (pass --data PATH or set {DATA_ENV_VAR})"
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc


def _sessions(conv: dict[str, Any], *, with_captions: bool) -> list[Session]:
    indices = sorted(
        int(m.group(1)) for k in conv if (m := _SESSION_KEY.match(k)) and isinstance(conv[k], list)
    )
    sessions = []
    for idx in indices:
        date_time = str(conv.get(f"session_{idx}_date_time", ""))
        stamp = parse_locomo_datetime(date_time)
        turns = tuple(
            Turn(
                dia_id=str(t["dia_id"]),
                speaker=str(t["speaker"]),
                text=turn_text(t, with_captions=with_captions),
                session=idx,
                timestamp=stamp,
            )
            for t in conv[f"session_{idx}"]
            if turn_text(t, with_captions=with_captions)
        )
        sessions.append(Session(idx, date_time, stamp, turns))
    return sessions


def _observations(raw: dict[str, Any]) -> list[Observation]:
    out = []
    for key, per_speaker in raw.items():
        m = re.match(r"session_(\d+)_observation", key)
        if not m or not isinstance(per_speaker, dict):
            continue
        for speaker, facts in per_speaker.items():
            for fact, ids in facts:
                id_list = ids if isinstance(ids, list) else [ids]
                out.append(
                    Observation(str(fact), tuple(parse_evidence(id_list)), speaker, int(m.group(1)))
                )
    return out


def _qa(raw: Iterable[dict[str, Any]]) -> list[QA]:
    out = []
    for q in raw:
        answer = q.get("answer")
        out.append(
            QA(
                question=str(q["question"]),
                answer=None if answer is None else str(answer),
                evidence=tuple(parse_evidence(q.get("evidence") or [])),
                category=int(q["category"]),
                adversarial_answer=q.get("adversarial_answer"),
            )
        )
    return out


def load_locomo(
    data_dir: Path | str | None = None,
    *,
    conversations: Sequence[str] | int | None = None,
    with_captions: bool = True,
) -> list[LocomoConversation]:
    """Load LoCoMo; ``conversations`` selects sample ids, or the first N when an int."""
    path = resolve_data_dir(data_dir) / LOCOMO_FILE
    samples = _read_json(path)
    if not isinstance(samples, list):
        raise InvalidInputError(f"{path}: expected a list of LoCoMo samples")
    if isinstance(conversations, int):
        if conversations < 1:
            raise InvalidInputError("--conversations must be at least 1")
        samples = samples[:conversations]
    elif conversations:
        known = {s.get("sample_id") for s in samples}
        unknown = [c for c in conversations if c not in known]
        if unknown:
            raise InvalidInputError(f"unknown LoCoMo conversation(s): {', '.join(unknown)}")
        samples = [s for s in samples if s.get("sample_id") in set(conversations)]
    out = []
    for s in samples:
        conv = s["conversation"]
        out.append(
            LocomoConversation(
                sample_id=str(s["sample_id"]),
                speaker_a=str(conv.get("speaker_a", "")),
                speaker_b=str(conv.get("speaker_b", "")),
                sessions=tuple(_sessions(conv, with_captions=with_captions)),
                qa=tuple(_qa(s.get("qa", []))),
                observations=tuple(_observations(s.get("observation", {}))),
            )
        )
    return out


def _prefeval_files(directory: Path, topics: Sequence[str] | int | None) -> list[Path]:
    if not directory.is_dir():
        raise EvalDataNotFoundError(
            f"evaluation data not found: {directory} (pass --data PATH or set {DATA_ENV_VAR})"
        )
    files = sorted(directory.glob("*.json"))
    if not files:
        raise InvalidInputError(f"no PrefEval topic files in {directory}")
    if isinstance(topics, int):
        if topics < 1:
            raise InvalidInputError("--topics must be at least 1")
        return files[:topics]
    if topics:
        known = {f.stem: f for f in files}
        unknown = [t for t in topics if t not in known]
        if unknown:
            raise InvalidInputError(f"unknown PrefEval topic(s): {', '.join(unknown)}")
        return [known[t] for t in topics]
    return files


def _conversation_turns(raw: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    keys = sorted(raw, key=lambda k: int(k))
    return tuple((str(raw[k].get("user", "")), str(raw[k].get("assistant", ""))) for k in keys)


def _load_prefeval(
    directory: Path, *, limit: int | None, topics: Sequence[str] | int | None, persona: bool
) -> list[PrefItem]:
    if limit is not None and limit < 1:
        raise InvalidInputError("--limit must be at least 1")
    items: list[PrefItem] = []
    for path in _prefeval_files(directory, topics):
        raw = _read_json(path)
        if not isinstance(raw, list):
            raise InvalidInputError(f"{path}: expected a list of PrefEval items")
        for i, item in enumerate(raw[:limit] if limit else raw):
            conversation = _conversation_turns(item["conversation"]) if persona else ()
            items.append(
                PrefItem(
                    path.stem,
                    i,
                    str(item["preference"]),
                    str(item.get("question", "")),
                    conversation,
                )
            )
    return items


def load_prefeval_explicit(
    data_dir: Path | str | None = None,
    *,
    limit: int | None = None,
    topics: Sequence[str] | int | None = None,
) -> list[PrefItem]:
    """Explicit preferences; ``limit`` caps items per topic; ``topics`` names topic files
    (or takes the first N)."""
    directory = resolve_data_dir(data_dir) / PREFEVAL_EXPLICIT_DIR
    return _load_prefeval(directory, limit=limit, topics=topics, persona=False)


def load_prefeval_persona(
    data_dir: Path | str | None = None,
    *,
    limit: int | None = None,
    topics: Sequence[str] | int | None = None,
) -> list[PrefItem]:
    """Persona-driven conversations; ``limit`` and ``topics`` as for the explicit set."""
    directory = resolve_data_dir(data_dir) / PREFEVAL_PERSONA_DIR
    return _load_prefeval(directory, limit=limit, topics=topics, persona=True)


def slice_conversation(conv: LocomoConversation, sessions: int) -> LocomoConversation:
    """The first ``sessions`` sessions, with only the QA and observations they can answer."""
    if sessions < 1:
        raise InvalidInputError("--sessions must be at least 1")
    kept = conv.sessions[:sessions]
    ids = {t.dia_id for s in kept for t in s.turns}
    return LocomoConversation(
        sample_id=conv.sample_id,
        speaker_a=conv.speaker_a,
        speaker_b=conv.speaker_b,
        sessions=kept,
        qa=tuple(q for q in conv.qa if q.evidence and set(q.evidence) <= ids),
        observations=tuple(o for o in conv.observations if o.dia_ids and set(o.dia_ids) <= ids),
    )
