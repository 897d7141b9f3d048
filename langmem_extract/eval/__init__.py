"""Evaluation harness: LoCoMo recall, PrefEval extraction, speed (``langmem-extract eval``).

Data: :mod:`.data` (the one LoCoMo/PrefEval loader; ``--data`` or ``$LANGMEM_EVAL_DATA``).
Configuration under test: :mod:`.pipeline`. Benchmarks: :mod:`.locomo`, :mod:`.prefeval`,
:mod:`.speed`, with :mod:`.baselines` and :mod:`.metrics` (the one percentile). Output:
:mod:`.report` (files, README; default ``./langmem-eval-results``) and :mod:`.sections`
(markdown and plots). Stand-alone store benchmarks: :mod:`.search_bench`, :mod:`.pg_bench`
(PostgreSQL from :mod:`.pg_server`). Optional dependencies (the ``eval`` extra) are imported
inside the functions that need them.
"""

from pathlib import Path

# Named here, not in .data / .report, so the CLI mounts ``eval`` without loading either.
#: Environment variable naming the evaluation data directory.
DATA_ENV_VAR = "LANGMEM_EVAL_DATA"
#: Where results go unless ``--out`` says otherwise: the working directory, never the
#: repository's docs (the published figures are regenerated with ``--out docs/benchmarks``).
DEFAULT_OUT_DIR = Path("langmem-eval-results")
