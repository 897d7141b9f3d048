"""The capture engine on its own: what it sends to the graph, and what it imports."""

from __future__ import annotations

import subprocess
import sys

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from langmem_extract.capture import _as_capture_input


def test_capture_input_uses_the_one_role_map_and_reads_text_leniently() -> None:
    image = {"type": "image_url", "image_url": {"url": "http://x/cat.png"}}
    messages = [
        HumanMessage([{"type": "input_text", "text": "I love jazz"}, image], id="h1"),
        ChatMessage("Noted", role="bot", id="b1"),
        AIMessageChunk("Streaming reply", id="c1"),
        SystemMessage("be brief", id="s1"),
        AIMessage("", tool_calls=[{"name": "t", "args": {}, "id": "call"}], id="a1"),
        ToolMessage("result", tool_call_id="call", id="t1"),
        ChatMessage("spell", role="wizard", id="w1"),
        HumanMessage([image], id="h2"),
    ]
    out = _as_capture_input(messages, max_chars=5)
    assert [(m["id"], m["role"], m["content"]) for m in out] == [
        ("h1", "user", "I lov"),
        ("b1", "assistant", "Noted"),
        ("c1", "assistant", "Strea"),
        ("s1", "system", "be br"),
    ]


def test_capture_imports_no_integrations_module() -> None:
    code = (
        "import sys, langmem_extract.capture\n"
        "bad = sorted(m for m in sys.modules if m.startswith('langmem_extract.integrations'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
