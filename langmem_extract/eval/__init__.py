"""Evaluation harness: LoCoMo recall, PrefEval extraction, speed."""
