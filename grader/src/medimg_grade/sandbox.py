"""Execute a restored notebook inside a bubblewrap sandbox with resource limits.

The sandbox (``bwrap``) gets its own network, PID, IPC and UTS namespaces; it sees
read-only copies of ``/usr`` (and the ``/lib``, ``/bin`` links), the Python
installation, the virtual environment and the ``medimg`` sources, a process view of
its own, and two small private tmpfs directories (``/tmp`` and the working
directory). Nothing else of the host exists inside: not the course directory, the
gradebook, ``solutions/``, other students' submissions, nor the instructor's home.

The notebook goes in through an inherited file descriptor and the executed notebook
comes back through another one, opened by the grading process on a file the sandbox
cannot see. When the grader runs as root the sandboxed processes run under an
unprivileged user id with no capabilities, so that ``RLIMIT_NPROC`` applies.

Limits: ``RLIMIT_CPU``, ``RLIMIT_FSIZE`` (largest file), ``RLIMIT_CORE`` = 0 (set by
the zygote in the runner it forks, or by an exec wrapper, util-linux ``prlimit``, never
by ``preexec_fn``), ``RLIMIT_NPROC`` (processes and threads) and ``RLIMIT_AS`` (memory:
the runner's size when it forks the kernel plus :attr:`Limits.memory_mb`), set by the
runner itself before the kernel exists, plus a wall-clock timeout that kills the sandbox
(its PID namespace dies with it).

A :class:`Sandbox` can be started before its notebook is known: its kernel boots while
the grader is busy elsewhere, and it then runs exactly one notebook.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import medimg
from medimg_grade import zygote

#: Extra seconds the whole sandbox gets beyond the notebook's own time budget
#: (interpreter and kernel start-up, writing the result).
GRACE_S = 15.0
#: Largest file the sandbox may write and largest result the grader accepts (bytes).
MAX_FILE_BYTES = 64 * 2**20
#: Size of each private tmpfs inside the sandbox (bytes).
TMPFS_BYTES = 256 * 2**20
#: First unprivileged user id handed to sandboxes when the grader runs as root.
SANDBOX_UID_BASE = 61000
SLOT_DIR = Path(tempfile.gettempdir()) / "medimg-grade-slots"
#: Seconds an empty sandbox may take to start before the runner is started the slow way.
ZYGOTE_BOOT_S = 30.0


class ZygoteUnavailable(RuntimeError):
    """The zygote could not fork a runner into the sandbox (the runner is then exec'd)."""


def use_zygote() -> bool:
    """Return False when ``MEDIMG_GRADE_ZYGOTE=0`` asks to start every runner with ``exec``."""
    return os.environ.get("MEDIMG_GRADE_ZYGOTE", "1") != "0"


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass(frozen=True)
class Limits:
    """Resource limits for one notebook execution.

    Attributes
    ----------
    timeout_s : float
        Wall-clock seconds for all cells of a notebook (kernel start-up excluded).
    memory_mb : int
        Address space (MiB) each process of the sandbox may use beyond the modules
        imported for every notebook (IPython, numpy, SimpleITK, matplotlib, ...): the
        runner sets ``RLIMIT_AS`` to its own size plus this just before it forks the
        kernel, which inherits it.
    nproc : int
        Maximum processes plus threads of the sandbox user.
    max_output_bytes : int
        Output bytes kept per cell.

    Examples
    --------
    >>> Limits(timeout_s=30, memory_mb=1024).nproc
    128
    >>> Limits(timeout_s=0)
    Traceback (most recent call last):
    ...
    ValueError: timeout must be > 0 seconds, got 0
    """

    timeout_s: float = 120.0
    memory_mb: int = 2048
    nproc: int = 128
    max_output_bytes: int = 1_000_000

    def __post_init__(self) -> None:
        if self.timeout_s <= 0:
            raise ValueError(f"timeout must be > 0 seconds, got {self.timeout_s}")
        if self.memory_mb < 256:
            raise ValueError(f"memory limit must be >= 256 MiB, got {self.memory_mb}")
        if self.nproc < 16:
            raise ValueError(f"process limit must be >= 16, got {self.nproc}")


@dataclass
class Execution:
    """What came back from one sandboxed execution.

    Attributes
    ----------
    notebook : str or None
        The executed notebook as JSON text, or None when none came back.
    returncode : int or None
        Exit status of the sandbox (negative: killed by that signal).
    killed : str
        ``"timeout"`` when the wall clock killed the sandbox, else ``""``.
    sandboxed : bool
        False when bubblewrap was unavailable and only rlimits applied.
    stderr : str
        Last few kilobytes of the sandbox's standard error.
    seconds : float
        Wall-clock duration.
    """

    notebook: str | None
    returncode: int | None
    killed: str = ""
    sandboxed: bool = True
    stderr: str = ""
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


@functools.cache
def bwrap_path() -> str | None:
    """Return the path of a working ``bwrap``, or None."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    probe = subprocess.run(
        [path, "--unshare-net", "--ro-bind", "/", "/", "--dev", "/dev", "true"],
        capture_output=True,
        check=False,
    )
    return path if probe.returncode == 0 else None


def _read_only_paths() -> list[Path]:
    """Host paths the sandbox needs to read: system libraries, Python, venv, package sources."""
    paths = [
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(medimg.__file__).resolve().parents[1],
        Path(__file__).resolve().parents[1],
    ]
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        paths.append(Path(sysconfig.get_paths()[key]))
    exe = Path(sys.executable)
    paths.append(exe.resolve().parent)
    for etc in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "fonts", "mime.types"):
        paths.append(Path("/etc") / etc)
    unique: list[Path] = []
    for path in sorted({p.resolve() if p.exists() else p for p in paths if p.exists()}):
        if str(path).startswith("/usr/") or path == Path("/usr"):
            continue
        if any(path.is_relative_to(u) for u in unique):
            continue
        unique.append(path)
    return unique


def _dirs_for(path: Path, made: set[Path]) -> list[str]:
    """``--dir`` arguments creating the parents of ``path`` with mode 0755."""
    args: list[str] = []
    for parent in reversed(path.parents):
        if parent == Path("/") or parent in made:
            continue
        made.add(parent)
        args += ["--perms", "0755", "--dir", str(parent)]
    return args


def bwrap_command(bwrap: str, argv: list[str], *, uid: int | None) -> list[str]:
    """Build the ``bwrap`` command line that runs ``argv`` in the sandbox."""
    cmd = [
        bwrap,
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = Path("/") / name
        if host.is_symlink():
            cmd += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            cmd += ["--ro-bind", str(host), str(host)]
    # The scratch /tmp comes before the read-only binds: bwrap mounts in order, and a tmpfs
    # mounted later would hide a virtual environment or course that lives under /tmp.
    cmd += ["--proc", "/proc", "--dev", "/dev"]
    cmd += ["--perms", "1777", "--size", str(TMPFS_BYTES), "--tmpfs", "/tmp"]
    made: set[Path] = {Path("/tmp")}
    for path in _read_only_paths():
        cmd += _dirs_for(path, made)
        cmd += ["--ro-bind", str(path), str(path)]
    home = "/home/student"
    cmd += ["--perms", "0755", "--dir", "/home"]
    cmd += ["--perms", "0777", "--size", str(TMPFS_BYTES), "--tmpfs", home, "--chdir", home]
    if uid is not None:
        # Root outside: drop every capability except the two setpriv needs to become `uid`.
        cmd += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
        argv = [
            setpriv,
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
            *argv,
        ]
    return cmd + argv


def sandbox_env(home: str) -> dict[str, str]:
    """Minimal environment for the sandboxed runner and kernel."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": home,
        "USER": "student",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "agg",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "JUPYTER_RUNTIME_DIR": f"{home}/.runtime",
        "JUPYTER_PLATFORM_DIRS": "1",
        "IPYTHONDIR": f"{home}/.ipython",
        "MPLCONFIGDIR": f"{home}/.matplotlib",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "NBGRADER_EXECUTION": "autograde",
        # Which grading process started the sandbox (lets tests find leftover processes).
        "MEDIMG_GRADE_PARENT": str(os.getpid()),
    }


#: Exec wrapper used when util-linux's ``prlimit`` is missing: sets the limits, then execs.
_LIMIT_WRAPPER = (
    "import os, resource, sys\n"
    "for name, soft, hard in zip(*[iter(sys.argv[1].split(','))] * 3):\n"
    "    resource.setrlimit(getattr(resource, name), (int(soft), int(hard)))\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


def rlimits(cpu_s: int) -> list[tuple[str, int, int]]:
    """Return the ``(resource name, soft, hard)`` limits set before the runner starts.

    Examples
    --------
    >>> rlimits(60)[0]
    ('RLIMIT_CPU', 60, 65)
    """
    return [
        ("RLIMIT_CPU", cpu_s, cpu_s + 5),
        ("RLIMIT_FSIZE", MAX_FILE_BYTES, MAX_FILE_BYTES),
        ("RLIMIT_CORE", 0, 0),
    ]


def limit_command(argv: list[str], limits: Limits, *, cpu_s: int) -> list[str]:
    """Prefix ``argv`` with a wrapper that sets the resource limits, then execs it.

    The limits are set in the child itself before ``exec`` (no ``preexec_fn``, which is
    unsafe in a threaded grader): with util-linux's ``prlimit`` when available, else with
    a tiny Python wrapper.

    Parameters
    ----------
    argv : list of str
        The command to run under the limits.
    limits : Limits
        The limits (the memory limit is set later, by the runner).
    cpu_s : int
        ``RLIMIT_CPU`` soft limit in seconds (hard limit 5 s later).

    Returns
    -------
    list of str
        The wrapped command.

    Examples
    --------
    >>> cmd = limit_command(["/bin/true"], Limits(memory_mb=512), cpu_s=60)
    >>> cmd[-1], "60" in " ".join(cmd)
    ('/bin/true', True)
    """
    values = rlimits(cpu_s)
    prlimit = shutil.which("prlimit")
    if prlimit is not None:
        flags = {"RLIMIT_CPU": "--cpu", "RLIMIT_FSIZE": "--fsize", "RLIMIT_CORE": "--core"}
        return [prlimit, *(f"{flags[n]}={s}:{h}" for n, s, h in values), "--", *argv]
    spec = ",".join(f"{n},{s},{h}" for n, s, h in values)
    exe = shutil.which(argv[0]) or argv[0]
    return [sys.executable, "-I", "-c", _LIMIT_WRAPPER, spec, exe, *argv[1:]]


def _acquire_uid():
    """Reserve an unprivileged uid for one sandbox: ``(uid, lock)``; ``(None, None)`` unless root."""
    if os.geteuid() != 0:
        return None, None
    SLOT_DIR.mkdir(mode=0o700, exist_ok=True)
    for slot in range(1024):
        handle = open(SLOT_DIR / f"{slot}.lock", "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        return SANDBOX_UID_BASE + slot, handle
    raise RuntimeError("no free sandbox user id slot")


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        proc.kill()


class Sandbox:
    """One fresh sandbox: started ahead of time, used for exactly one notebook.

    :meth:`start` launches the sandbox; its runner boots the kernel and injects the
    agent while the grader is still busy with other submissions, then waits. :meth:`run`
    hands it the notebook and waits for the result; :meth:`discard` throws an unused one
    away. A sandbox never runs a second notebook.

    Parameters
    ----------
    limits : Limits
        Time, memory and process limits.
    require_sandbox : bool
        Raise instead of falling back to rlimits only when ``bwrap`` is unavailable.
    """

    def __init__(self, limits: Limits, *, require_sandbox: bool = False) -> None:
        from medimg_grade.execute import STARTUP_S

        self.limits = limits
        self.bwrap = bwrap_path()
        self.warnings: list[str] = []
        if self.bwrap is None:
            if require_sandbox:
                raise RuntimeError("bubblewrap (bwrap) is not available")
            self.warnings.append("UNSANDBOXED: bwrap unavailable, resource limits only")
            print(
                "medimg-grade: WARNING: bubblewrap (bwrap) is not available; the submission "
                "runs WITHOUT filesystem or network isolation (resource limits only)",
                file=sys.stderr,
            )
        self.startup_s = STARTUP_S
        self.started = time.monotonic()
        self.private = Path(tempfile.mkdtemp(prefix="medimg-grade-"))
        self.uid, self._uid_lock = _acquire_uid()
        self.src = self.private / "in.ipynb"
        self.src.write_text("", encoding="utf-8")
        self.dst = self.private / "out.ipynb"
        self.log = self.private / "stderr.log"
        in_fd = os.open(self.src, os.O_RDONLY)
        out_fd = os.open(self.dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err_fd = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        go_read, self._go = os.pipe()
        options = [
            "--timeout",
            f"{limits.timeout_s:g}",
            "--max-output-bytes",
            str(limits.max_output_bytes),
            "--nproc",
            str(limits.nproc),
            "--memory-mb",
            str(limits.memory_mb),
        ]
        self.forked = False
        try:
            if self.bwrap is not None and use_zygote() and zygote.usable():
                try:
                    self.proc = self._start_forked(options, [in_fd, out_fd, err_fd, go_read])
                    self.forked = True
                except ZygoteUnavailable as exc:
                    self.warnings.append(f"runner started without the zygote: {exc}")
            if not self.forked:
                self.proc = self._start_exec(options, [in_fd, out_fd, err_fd, go_read])
        except BaseException:
            os.close(self._go)
            self._cleanup()
            raise
        finally:
            for fd in (in_fd, out_fd, err_fd, go_read):
                os.close(fd)

    def _cpu_s(self) -> int:
        return int(self.startup_s + self.limits.timeout_s + GRACE_S) + 10

    def _start_exec(self, options: list[str], fds: list[int]) -> subprocess.Popen:
        """Start the runner as a new ``python -I -m medimg_grade.execute`` in the sandbox."""
        in_fd, out_fd, err_fd, go_read = fds
        runner = [
            sys.executable,
            "-I",
            "-m",
            "medimg_grade.execute",
            f"fd:{in_fd}",
            f"fd:{out_fd}",
            "--go",
            f"fd:{go_read}",
            *options,
        ]
        if self.bwrap is not None:
            home = "/home/student"
            argv = bwrap_command(self.bwrap, [*runner, "--fast-exit"], uid=self.uid)
            cwd = None
        else:
            home = str(self.private / "home")
            Path(home).mkdir()
            argv, cwd = runner, home
        return subprocess.Popen(
            limit_command(argv, self.limits, cpu_s=self._cpu_s()),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err_fd,
            env=sandbox_env(home),
            cwd=cwd,
            pass_fds=(in_fd, out_fd, go_read),
            start_new_session=True,  # own process group: the wall clock kills it all
        )

    def _start_forked(self, options: list[str], fds: list[int]) -> subprocess.Popen:
        """Start an empty sandbox and have the zygote fork a runner into it.

        The sandbox's only process waits on a pipe whose writing end only the runner
        holds: when the runner exits, the sandbox (and the kernel in it) ends.
        """
        in_fd, out_fd, err_fd, go_read = fds
        home = "/home/student"
        hold_read, hold_write = os.pipe()
        ready_read, ready_write = os.pipe()
        info_read, info_write = os.pipe()
        # The waiting process says it runs (a line on its standard output), then blocks.
        waiting = ["/bin/sh", "-c", "echo; exec head -c 1 >/dev/null"]
        argv = bwrap_command(self.bwrap, waiting, uid=self.uid)
        argv[1:1] = ["--info-fd", str(info_write)]
        opened: list[int] = []
        try:
            proc = subprocess.Popen(
                argv,
                stdin=hold_read,
                stdout=ready_write,
                stderr=err_fd,
                env=sandbox_env(home),
                pass_fds=(info_write,),
                start_new_session=True,  # own process group: the wall clock kills it all
            )
        except BaseException:
            for fd in (hold_write, ready_read, info_read):
                os.close(fd)
            raise
        finally:
            for fd in (hold_read, ready_write, info_write):
                os.close(fd)
        try:
            ready, _, _ = select.select([ready_read], [], [], ZYGOTE_BOOT_S)
            if not ready or not os.read(ready_read, 1):
                raise ZygoteUnavailable("the sandbox did not start")
            info = json.loads(_read_all(info_read))
            pid = int(info["child-pid"])
            names = [
                n for n in ("user", *zygote.NAMESPACES) if os.path.exists(f"/proc/{pid}/ns/{n}")
            ]
            for name in names:
                opened.append(os.open(f"/proc/{pid}/ns/{name}", os.O_RDONLY | os.O_CLOEXEC))
            opened.append(os.open(f"/proc/{pid}/root", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
            request = zygote.SpawnRequest(
                argv=options,
                env=sandbox_env(home),
                home=home,
                uid=self.uid,
                rlimits=[list(limit) for limit in rlimits(self._cpu_s())],
                namespaces=names,
            )
            server = zygote.shared(sandbox_env(home))
            server.spawn(request, [in_fd, out_fd, err_fd, go_read, hold_write, *opened])
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            _kill_group(proc)
            proc.wait()
            reason = (
                str(exc) if isinstance(exc, ZygoteUnavailable) else f"{type(exc).__name__}: {exc}"
            )
            zygote.give_up(reason)
            raise ZygoteUnavailable(reason) from None
        finally:
            for fd in (hold_write, ready_read, info_read, *opened):
                os.close(fd)
        return proc

    @classmethod
    def start(cls, limits: Limits, *, require_sandbox: bool = False) -> Sandbox:
        """Launch a sandbox that boots its kernel and waits for a notebook."""
        return cls(limits, require_sandbox=require_sandbox)

    def _cleanup(self) -> None:
        shutil.rmtree(self.private, ignore_errors=True)
        if self._uid_lock is not None:
            self._uid_lock.close()
            self._uid_lock = None

    def run(self, notebook_json: str) -> Execution:
        """Execute one restored notebook in this sandbox and return the result.

        Parameters
        ----------
        notebook_json : str
            The restored notebook (nbformat 4 JSON).

        Returns
        -------
        Execution
            The executed notebook text (if any) and how the sandbox ended.
        """
        self.src.write_text(notebook_json, encoding="utf-8")
        start = time.monotonic()
        booting = max(0.0, self.started + self.startup_s - start)
        wall = booting + self.limits.timeout_s + GRACE_S
        killed = ""
        with contextlib.suppress(BrokenPipeError):  # a runner that already died
            os.write(self._go, b"g")
        os.close(self._go)
        try:
            self.proc.wait(timeout=wall)
        except subprocess.TimeoutExpired:
            killed = "timeout"
            _kill_group(self.proc)
            self.proc.wait()
        finally:
            _kill_group(self.proc)
        try:
            with self.log.open("rb") as handle:
                handle.seek(max(0, self.log.stat().st_size - 4000))
                err = handle.read()
            text = None
            size = self.dst.stat().st_size
            if 0 < size <= MAX_FILE_BYTES:
                text = self.dst.read_text(encoding="utf-8", errors="replace")
        finally:
            self._cleanup()
        return Execution(
            notebook=text,
            returncode=self.proc.returncode,
            killed=killed,
            sandboxed=self.bwrap is not None,
            stderr=err.decode("utf-8", errors="replace"),
            seconds=time.monotonic() - start,
            warnings=self.warnings,
        )

    def discard(self, *, wait_s: float = 5.0) -> None:
        """Stop an unused sandbox (its runner sees no notebook and exits).

        Parameters
        ----------
        wait_s : float
            Seconds to let the runner exit by itself before the sandbox is killed
            (0: kill at once; nothing has run in an unused sandbox).
        """
        with contextlib.suppress(OSError):
            os.close(self._go)
        try:
            self.proc.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            pass
        _kill_group(self.proc)
        self.proc.wait()
        self._cleanup()


def execute(notebook_json: str, limits: Limits, *, require_sandbox: bool = False) -> Execution:
    """Execute a restored notebook in a fresh sandbox and return the result.

    Parameters
    ----------
    notebook_json : str
        The restored notebook (nbformat 4 JSON).
    limits : Limits
        Time, memory and process limits.
    require_sandbox : bool
        Raise instead of falling back to rlimits only when ``bwrap`` is unavailable.

    Returns
    -------
    Execution
        The executed notebook text (if any) and how the sandbox ended.
    """
    return Sandbox.start(limits, require_sandbox=require_sandbox).run(notebook_json)
