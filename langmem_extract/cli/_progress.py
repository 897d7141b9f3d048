"""Progress on stderr for the long commands (``extract``, ``import``, ``export``).

On a terminal a transient rich bar. Anywhere else (a pipe, a file, CI) plain lines,
once the work has run :data:`PLAIN_INTERVAL_S` seconds: one every interval (from a
ticker thread, so a long step still shows signs of life, and after a step completes)
and a closing one. A quick command prints none, so its only stderr line is an error,
if any. stdout, and so ``--json``, never carries progress.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.markup import escape

from langmem_extract.cli._common import err_console

#: Seconds between plain progress lines when stderr is not a terminal (0: after every
#: step, and no ticker).
PLAIN_INTERVAL_S = 10.0

Advance = Callable[[int], None]


class _PlainProgress:
    def __init__(self, description: str, total: int | None, unit: str) -> None:
        self.console = err_console()
        self.description = description
        self.total = total
        self.unit = unit
        self.done = 0
        self.printed = False
        self.started = self.last = time.monotonic()
        self.lock = threading.Lock()
        self.stopped = threading.Event()

    def _count(self) -> str:
        of = f"/{self.total}" if self.total is not None else ""
        return f"{self.done}{of} {self.unit}"

    def _line(self, text: str) -> None:
        self.console.print(f"{escape(self.description)}: {text}", soft_wrap=True)
        self.printed = True

    def _maybe_line(self) -> None:
        with self.lock:
            now = time.monotonic()
            if now - self.last >= PLAIN_INTERVAL_S and not self.stopped.is_set():
                self.last = now
                self._line(f"{self._count()} after {now - self.started:.0f} s")

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._maybe_line()

    def tick(self) -> None:
        while not self.stopped.wait(min(PLAIN_INTERVAL_S, 1.0)):
            self._maybe_line()

    def stop(self, *, completed: bool) -> None:
        with self.lock:
            self.stopped.set()
            if completed and self.printed:
                self._line(f"done, {self._count()} in {time.monotonic() - self.started:.1f} s")


@contextmanager
def progress(description: str, total: int | None, unit: str) -> Iterator[Advance]:
    """Yield ``advance(n)``; call it as each step (window, batch) completes.

    ``total=None`` when the number of steps is unknown. The closing line is printed only
    when the work completes (and progress was shown); an error stays the last line.
    """
    console = err_console()
    if console.is_terminal:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TimeElapsedColumn,
        )

        bar = Progress(
            SpinnerColumn(),
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            f"{escape(unit)}",
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        with bar:
            task = bar.add_task(escape(description), total=total)
            yield lambda n=1: bar.advance(task, n)
        return
    plain = _PlainProgress(description, total, unit)
    ticker = None
    if PLAIN_INTERVAL_S > 0:
        ticker = threading.Thread(target=plain.tick, name="progress", daemon=True)
        ticker.start()
    completed = False
    try:
        yield plain.advance
        completed = True
    finally:
        plain.stop(completed=completed)
        if ticker is not None:
            ticker.join()
