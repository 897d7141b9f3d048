"""Work a store must finish before it closes, and the report of what could not be.

A store's ``close()`` runs every registered close hook first, so work queued against the
store in this process (for example a debounced background memory capture, registered by
:mod:`langmem_extract.capture`) lands before the connection goes away. The store does
not know what the hooks do; a hook flushes its own work for that store within the
given time and returns a :class:`CloseReport`. ``close()`` returns the merged report.

Hooks are plain callables ``hook(store, timeout) -> CloseReport`` registered once per
process with :func:`register_close_hook`; a hook that raises is logged and reported as a
failure, and the store still closes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_CLOSE_TIMEOUT",
    "CloseFailure",
    "CloseReport",
    "register_close_hook",
    "run_close_hooks",
]

#: Seconds ``close()`` waits, over all hooks, for pending work to land.
DEFAULT_CLOSE_TIMEOUT = 10.0


@dataclass(frozen=True)
class CloseFailure:
    """Work that was pending at close and was not written."""

    source: str
    """What queued it, e.g. ``"capture"``."""
    label: str
    """Which unit of work, e.g. the capture session."""
    error: BaseException
    """Why: the exception the work raised, or a ``TimeoutError`` if time ran out."""
    count: int = 0
    """How many items (for a capture: messages) it covered."""


@dataclass
class CloseReport:
    """What ``close()`` (or a flush) did with the work pending against a store."""

    flushed: int = 0
    """Units of pending work that were written."""
    failures: list[CloseFailure] = field(default_factory=list)
    """Pending work that could not be written (each also went to ``on_error`` and the log)."""

    @property
    def ok(self) -> bool:
        return not self.failures

    def merge(self, other: CloseReport) -> CloseReport:
        self.flushed += other.flushed
        self.failures.extend(other.failures)
        return self


CloseHook = Callable[[Any, "float | None"], CloseReport]

_hooks: list[CloseHook] = []
_hooks_lock = threading.Lock()


def register_close_hook(hook: CloseHook) -> CloseHook:
    """Run ``hook(store, timeout)`` on every store ``close()``; registering twice is a no-op."""
    with _hooks_lock:
        if hook not in _hooks:
            _hooks.append(hook)
    return hook


def run_close_hooks(store: Any, timeout: float | None = DEFAULT_CLOSE_TIMEOUT) -> CloseReport:
    """Run every hook for ``store`` within ``timeout`` seconds in all; merge their reports."""
    with _hooks_lock:
        hooks = list(_hooks)
    end = None if timeout is None else time.monotonic() + timeout
    report = CloseReport()
    for hook in hooks:
        remaining = None if end is None else max(0.0, end - time.monotonic())
        try:
            report.merge(hook(store, remaining))
        except Exception as exc:
            logger.error("close hook %r failed: %s", getattr(hook, "__qualname__", hook), exc)
            report.failures.append(CloseFailure("close-hook", repr(hook), exc))
    return report
