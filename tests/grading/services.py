"""Real services for the grading tests: a PostgreSQL server and a Dask cluster.

Both are started as separate processes from their real command-line tools, listen only on
a Unix socket or 127.0.0.1, and are stopped (by the process ids started here) when the
context manager exits, even after a failure.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: Local socket only, trusted; no fsync (a throw-away test server).
INITDB_OPTIONS = ("-A", "trust", "--no-sync", "-E", "UTF8")


def postgres_bin() -> Path | None:
    """Directory of Debian's PostgreSQL server programs (``initdb``, ``pg_ctl``), if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    found += [p for p in [shutil.which("initdb")] if p]
    return Path(found[-1]).parent if found else None


def _as_user() -> tuple[list[str], str | None]:
    """Command prefix that drops root (PostgreSQL refuses to run as root) and the user name."""
    if os.geteuid() != 0:
        return [], None
    user = pwd.getpwnam("nobody")
    prefix = [
        shutil.which("setpriv") or "setpriv",
        f"--reuid={user.pw_uid}",
        f"--regid={user.pw_gid}",
        "--clear-groups",
    ]
    return prefix, user.pw_name


@dataclass
class Postgres:
    """A running PostgreSQL server on a Unix socket in a temporary directory."""

    root: Path
    socket_dir: Path
    port: int
    pid: int = 0

    def url(self, database: str = "gradebook") -> str:
        """SQLAlchemy URL of a database on this server (psycopg 3 driver)."""
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def createdb(self, name: str) -> None:
        """Create a database."""
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), port=self.port, user="postgres", dbname="postgres"
        ) as conn:
            conn.autocommit = True
            conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def postgres(timeout: float = 60.0) -> Iterator[Postgres]:
    """Start a throw-away PostgreSQL server (``initdb`` + ``pg_ctl``), stop it on exit.

    The server listens on no TCP address at all, only on a Unix socket in its own
    temporary directory; authentication is ``trust`` (local socket only).
    """
    bindir = postgres_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    prefix, user = _as_user()
    root = Path(tempfile.mkdtemp(prefix="medimg-pg-"))
    data, sockets = root / "data", root / "socket"
    sockets.mkdir()
    if user is not None:
        entry = pwd.getpwnam(user)
        for path in (root, sockets):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": str(root), "TZ": "UTC"}
    port = free_port()
    server = Postgres(root, sockets, port)
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", *INITDB_OPTIONS],
        check=True,
        capture_output=True,
        env=env,
        timeout=timeout,
    )
    options = f"-k {sockets} -p {port} -c listen_addresses='' -c fsync=off -c max_connections=60"
    log = root / "server.log"
    wait = ["-w", "-t", str(int(timeout)), "start"]
    started = False
    try:
        subprocess.run(
            [
                *prefix,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(log),
                *wait,
            ],
            check=True,
            capture_output=True,
            env=env,
            timeout=timeout + 10,
        )
        started = True
        server.pid = int((data / "postmaster.pid").read_text(encoding="utf-8").split()[0])
        yield server
    finally:
        pidfile = data / "postmaster.pid"
        if started or pidfile.exists():  # also a server whose start timed out
            if not server.pid:
                with contextlib.suppress(ValueError, IndexError, OSError):
                    server.pid = int(pidfile.read_text(encoding="utf-8").split()[0])
            subprocess.run(
                [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True,
                env=env,
                timeout=60,
                check=False,
            )
            with contextlib.suppress(ProcessLookupError):
                if server.pid:
                    os.kill(server.pid, 0)
                    os.kill(server.pid, signal.SIGKILL)  # pg_ctl stop failed: kill our server
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class DaskCluster:
    """A ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1."""

    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen] = field(default_factory=list)
    logs: Path | None = None


def _bin(name: str) -> str:
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else name


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@contextlib.contextmanager
def dask_cluster(n_workers: int = 2, timeout: float = 60.0) -> Iterator[DaskCluster]:
    """Start ``dask scheduler`` and ``n_workers`` single-threaded ``dask worker`` processes.

    Everything binds to 127.0.0.1 on free ports, without dashboards. The worker
    processes run with this interpreter's environment (they import ``medimg_grade``).
    """
    from distributed import Client

    logs = Path(tempfile.mkdtemp(prefix="medimg-dask-"))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    handles = []

    def start(args: list[str], name: str) -> subprocess.Popen:
        handle = open(logs / f"{name}.log", "wb")
        handles.append(handle)
        return subprocess.Popen(
            [_bin("dask"), *args],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )

    scheduler = start(
        ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], "scheduler"
    )
    cluster = DaskCluster(address, scheduler, logs=logs)
    try:
        for i in range(n_workers):
            cluster.workers.append(
                start(
                    [
                        "worker",
                        address,
                        "--host",
                        "127.0.0.1",
                        "--nthreads",
                        "1",
                        "--no-nanny",
                        "--no-dashboard",
                        "--name",
                        f"w{i}",
                        "--local-directory",
                        str(logs / f"w{i}"),
                    ],
                    f"worker{i}",
                )
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                with Client(address, timeout=5) as client:
                    client.wait_for_workers(n_workers, timeout=max(1, deadline - time.monotonic()))
                break
            except (OSError, TimeoutError):
                if time.monotonic() > deadline or scheduler.poll() is not None:
                    raise RuntimeError(
                        "Dask cluster did not start: "
                        + (logs / "scheduler.log").read_text(encoding="utf-8")[-2000:]
                    ) from None
                time.sleep(0.5)
        yield cluster
    finally:
        for worker in cluster.workers:
            _stop(worker)
        _stop(scheduler)
        for handle in handles:
            handle.close()
        shutil.rmtree(logs, ignore_errors=True)
