"""docs/integrations.md links only cookbooks that exist (its ``python`` blocks run in
tests/test_docs.py)."""

from __future__ import annotations

import re

from tests.doc_blocks import ROOT

DOC = ROOT / "docs" / "integrations.md"


def test_doc_links_point_at_existing_cookbooks() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in re.findall(r"cookbooks/(\w+\.py)", text):
        assert (ROOT / "cookbooks" / name).is_file(), name
