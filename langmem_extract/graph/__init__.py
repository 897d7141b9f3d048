"""The memory graph: extract → classify → dedup → score → persist, one module per node."""
