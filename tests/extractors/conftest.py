from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.extractors.llm_server import ScriptedServer, running_server


@pytest.fixture
def llm_server() -> Iterator[ScriptedServer]:
    """A scripted OpenAI-compatible server on 127.0.0.1 (see llm_server.py)."""
    with running_server() as server:
        yield server
