"""Loads the redaction corpora: invented secrets in chat turns, and benign look-alikes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def _load(name: str) -> list[dict[str, Any]]:
    with (HERE / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


SECRET_TURNS = _load("secrets.jsonl")
BENIGN_TURNS = _load("benign.jsonl")
