"""Evaluation harness: LoCoMo recall, PrefEval extraction, speed (``langmem-extract eval``).

Data: :mod:`.data` (the one LoCoMo/PrefEval loader; ``--data`` or ``$LANGMEM_EVAL_DATA``).
Configuration under test: :mod:`.pipeline`. Benchmarks: :mod:`.locomo`, :mod:`.prefeval`,
:mod:`.speed`, with :mod:`.baselines` and :mod:`.metrics` (the one percentile). Output:
:mod:`.report` (files, README; default ``./langmem-eval-results``) and :mod:`.sections`
(markdown and plots). Stand-alone store benchmarks: :mod:`.search_bench`, :mod:`.pg_bench`
(PostgreSQL from :mod:`.pg_server`). Optional dependencies (the ``eval`` extra) are imported
inside the functions that need them.
"""
