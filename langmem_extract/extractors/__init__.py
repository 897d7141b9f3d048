"""Extractors behind one protocol: offline rules (default) and any chat model."""
