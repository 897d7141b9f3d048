"""``langmem-extract eval locomo|prefeval|speed``: run a benchmark, write JSON, markdown and
plots into ``--out`` (default ``./langmem-eval-results``), print the headline figures.

The data comes from ``--data`` or ``$LANGMEM_EVAL_DATA``. Every command takes the
configuration under test (``--embedder``, ``--extractor``, ``--model``, ``--base-url``,
``--db``) so users can evaluate their own setup the same way. Exit codes: 2 for bad input
(missing data included), 1 for a runtime failure or a missing optional dependency.
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from langmem_extract.errors import InvalidInputError, LangmemError
from langmem_extract.eval import DATA_ENV_VAR, DEFAULT_OUT_DIR

eval_app = typer.Typer(
    name="eval",
    help="Benchmarks: LoCoMo recall, PrefEval extraction, speed.",
    no_args_is_help=True,
    add_completion=False,
)

_err = Console(stderr=True)

DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data", help=f"Data directory holding locomo/ and prefeval/ (default ${DATA_ENV_VAR})."
    ),
]
OutOpt = Annotated[Path, typer.Option("--out", help="Directory the results are written to.")]
EmbedderOpt = Annotated[str, typer.Option("--embedder", help="e5 (bundled) or openai.")]
EmbeddingModelOpt = Annotated[
    str | None, typer.Option("--embedding-model", help="Model name for --embedder openai.")
]
ExtractorOpt = Annotated[str, typer.Option("--extractor", help="rules (offline) or llm.")]
ModelOpt = Annotated[
    str | None, typer.Option("--model", help="Chat model for --extractor llm (e.g. gpt-4o-mini).")
]
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", help="OpenAI-compatible server for llm/openai.")
]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Store under test: a path, a postgresql:// URL, or ':inmemory:' "
        "(LangGraph's InMemoryStore). Default: a temporary DuckDB file.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the headline figures as JSON.")]
ConversationsOpt = Annotated[
    str | None,
    typer.Option(
        "--conversations", help="Comma-separated LoCoMo sample ids (conv-26,…) or a count."
    ),
]


def _config(**kwargs: Any) -> Any:
    from langmem_extract.eval.pipeline import EvalConfig

    if kwargs.get("extractor") == "llm" and not kwargs.get("model"):
        kwargs["model"] = None  # the LLM extractor picks its default (env or gpt-4o-mini)
    return EvalConfig(**kwargs)


def _conversations_arg(raw: str | None) -> list[str] | int | None:
    """A comma-separated list of names, or a count."""
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    if raw.isdigit():
        return int(raw)
    return [c.strip() for c in raw.split(",") if c.strip()]


def _int_list(raw: str, option: str) -> list[int]:
    try:
        values = [int(x.replace("_", "")) for x in raw.split(",") if x.strip()]
    except ValueError:
        raise InvalidInputError(f"{option} expects comma-separated integers, got {raw!r}") from None
    if any(v < 0 for v in values):
        raise InvalidInputError(f"{option} values must be positive, got {raw!r}")
    return [v for v in values if v > 0]


#: Environment settings that change the figures, quoted with the command.
_ENV_RECORDED = ("OMP_NUM_THREADS", "LANGMEM_EVAL_DATA")


def _command(name: str, ctx: typer.Context | None) -> str:
    """The command line that reproduces this run: options that differ from the defaults."""
    args: list[str] = []
    if ctx is not None:
        for param in ctx.command.params:
            value = ctx.params.get(param.name or "")
            if value is None or value == param.default or not param.opts:
                continue
            if isinstance(value, bool):
                args.append(param.opts[0] if value else (param.secondary_opts or [""])[0])
            else:
                args += [param.opts[0], str(value)]
    env = [f"{k}={os.environ[k]}" for k in _ENV_RECORDED if os.environ.get(k)]
    return shlex.join([*env, "langmem-extract", "eval", name, *(a for a in args if a)])


def _run(
    name: str,
    body: Callable[[], tuple[dict[str, Any], dict[str, Any]]],
    out: Path,
    as_json: bool,
    ctx: typer.Context | None = None,
) -> None:
    """Run ``body`` (returns results and headline), write files, print; errors → one line."""
    from langmem_extract.eval.report import run_metadata, write_results

    try:
        meta = run_metadata()
        results, headline = body()
        meta["command"] = _command(name, ctx)
        meta["load_average_end"] = run_metadata()["load_average"]
        results["meta"] = meta
        paths = write_results(name, results, out)
    except InvalidInputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except ImportError as exc:
        typer.echo(f"error: {exc} (pip install 'langmem-extract[eval]')", err=True)
        raise typer.Exit(1) from None
    except (LangmemError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(
            json.dumps(
                {"benchmark": name, **headline, "files": [str(p) for p in paths]}, default=str
            )
        )
        return
    for key, value in headline.items():
        typer.echo(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
    typer.echo(f"wrote {', '.join(str(p) for p in paths)}")


def _progress(quiet: bool) -> Callable[[str], None]:
    return (
        (lambda _m: None)
        if quiet
        else (lambda m: _err.print(m, style="dim", markup=False, highlight=False))
    )


@eval_app.command("locomo")
def locomo_cmd(
    ctx: typer.Context,
    data: DataOpt = None,
    out: OutOpt = DEFAULT_OUT_DIR,
    conversations: ConversationsOpt = None,
    sessions: Annotated[
        int | None, typer.Option("--sessions", help="Only the first N sessions of each.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="At most N questions per conversation.")
    ] = None,
    embedder: EmbedderOpt = "e5",
    embedding_model: EmbeddingModelOpt = None,
    extractor: ExtractorOpt = "rules",
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """LoCoMo: memories vs BM25 and dense over raw turns (hit@k, full@k, k = 5, 10, 20)."""

    def body() -> tuple[dict[str, Any], dict[str, Any]]:
        from langmem_extract.eval.data import load_locomo, slice_conversation
        from langmem_extract.eval.locomo import run_locomo

        if limit is not None and limit < 1:
            raise InvalidInputError("--limit must be at least 1")
        config = _config(
            embedder=embedder,
            embedding_model=embedding_model,
            extractor=extractor,
            model=model,
            base_url=base_url,
            db=db,
        )
        convs = load_locomo(data, conversations=_conversations_arg(conversations))
        if sessions is not None:
            convs = [slice_conversation(c, sessions) for c in convs]
        r = run_locomo(convs, config=config, qa_limit=limit, progress=_progress(as_json))
        s = r["systems"]
        return r, {
            "hit@10 cat 1-4 memories": s["memories"]["cat_1_4"]["hit@10"],
            "hit@5 cat 1-4 memories": s["memories"]["cat_1_4"]["hit@5"],
            "hit@10 cat 5 memories": s["memories"]["cat_5"]["hit@10"],
            "recall p95 ms": s["memories"]["latency"]["p95_ms"],
            "hit@10 cat 1-4 memories dense only": s["memories_dense"]["cat_1_4"]["hit@10"],
            "hit@10 cat 1-4 bm25": s["bm25"]["cat_1_4"]["hit@10"],
            "hit@10 cat 1-4 dense": s["dense"]["cat_1_4"]["hit@10"],
            "evidence coverage": r["totals"]["evidence_coverage"],
            "memories": r["totals"]["memories_active"],
        }

    _run("locomo", body, out, as_json, ctx)


@eval_app.command("prefeval")
def prefeval_cmd(
    ctx: typer.Context,
    data: DataOpt = None,
    out: OutOpt = DEFAULT_OUT_DIR,
    sets: Annotated[
        str, typer.Option("--sets", help="Comma-separated: explicit, persona.")
    ] = "explicit,persona",
    limit: Annotated[int | None, typer.Option("--limit", help="At most N items per topic.")] = None,
    topics: Annotated[
        str | None,
        typer.Option("--topics", help="Comma-separated topic names, or a count (first N)."),
    ] = None,
    embedder: EmbedderOpt = "e5",
    embedding_model: EmbeddingModelOpt = None,
    extractor: ExtractorOpt = "rules",
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """PrefEval: recall of the gold preference among extracted memories."""

    def body() -> tuple[dict[str, Any], dict[str, Any]]:
        from langmem_extract.eval.data import load_prefeval_explicit, load_prefeval_persona
        from langmem_extract.eval.prefeval import run_prefeval

        loaders = {"explicit": load_prefeval_explicit, "persona": load_prefeval_persona}
        chosen = [s.strip() for s in sets.split(",") if s.strip()]
        unknown = [s for s in chosen if s not in loaders]
        if unknown or not chosen:
            raise InvalidInputError(f"unknown --sets {unknown or sets!r}; use explicit,persona")
        config = _config(
            embedder=embedder,
            embedding_model=embedding_model,
            extractor=extractor,
            model=model,
            base_url=base_url,
            db=db,
        )
        topic_arg = _conversations_arg(topics)
        data_sets = {s: loaders[s](data, limit=limit, topics=topic_arg) for s in chosen}
        r = run_prefeval(data_sets, config=config, progress=_progress(as_json))
        headline: dict[str, Any] = {}
        for name, res in r["sets"].items():
            headline[f"{name} recall"] = res["recall"]
            headline[f"{name} memories/conversation"] = res["memories_per_conversation"]
        return r, headline

    _run("prefeval", body, out, as_json, ctx)


@eval_app.command("speed")
def speed_cmd(
    ctx: typer.Context,
    data: DataOpt = None,
    out: OutOpt = DEFAULT_OUT_DIR,
    conversations: ConversationsOpt = "conv-26,conv-30",
    sizes: Annotated[
        str, typer.Option("--sizes", help="Store sizes for search, comma-separated (0: skip).")
    ] = "1000,10000,100000",
    stores: Annotated[
        str, typer.Option("--stores", help="Comma-separated: duckdb, inmemory, sqlite.")
    ] = "duckdb,inmemory,sqlite",
    turns: Annotated[int, typer.Option("--turns", help="Turns timed one by one.")] = 200,
    queries: Annotated[int, typer.Option("--queries", help="Search queries (duckdb).")] = 100,
    slow_queries: Annotated[
        int, typer.Option("--slow-queries", help="Queries for the full-scan stores.")
    ] = 10,
    slow_max_size: Annotated[
        int,
        typer.Option("--slow-max-size", help="Largest size for the full-scan stores."),
    ] = 100_000,
    embedder: EmbedderOpt = "e5",
    embedding_model: EmbeddingModelOpt = None,
    extractor: ExtractorOpt = "rules",
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Speed: capture latency and throughput, search latency vs LangGraph's stores, RSS."""

    def body() -> tuple[dict[str, Any], dict[str, Any]]:
        from langmem_extract.eval.data import load_locomo
        from langmem_extract.eval.speed import STORES, run_speed

        chosen = [s.strip() for s in stores.split(",") if s.strip()]
        unknown = [s for s in chosen if s not in STORES]
        if unknown:
            raise InvalidInputError(f"unknown --stores {unknown}; use {','.join(STORES)}")
        if queries < 1 or slow_queries < 1:
            raise InvalidInputError("--queries and --slow-queries must be at least 1")
        config = _config(
            embedder=embedder,
            embedding_model=embedding_model,
            extractor=extractor,
            model=model,
            base_url=base_url,
            db=db,
        )
        size_list = _int_list(sizes, "--sizes")
        convs = load_locomo(data, conversations=_conversations_arg(conversations))
        r = run_speed(
            convs,
            config=config,
            sizes=size_list,
            stores=chosen,
            turns=turns,
            n_queries=queries,
            slow_queries=slow_queries,
            slow_max_size=slow_max_size,
            progress=_progress(as_json),
        )
        headline: dict[str, Any] = {
            "capture p50 ms": r["capture"]["per_turn"]["p50_ms"],
            "capture p95 ms": r["capture"]["per_turn"]["p95_ms"],
            "batch turns/s": r["capture"]["batch"]["turns_per_s"],
        }
        search = r.get("search") or {}
        for kind, per in search.get("results", {}).items():
            for size, cell in per.items():
                headline[f"search p95 ms {kind} {size}"] = cell["p95_ms"]
        return r, headline

    _run("speed", body, out, as_json, ctx)


def main() -> None:  # pragma: no cover - thin entry point
    eval_app()
