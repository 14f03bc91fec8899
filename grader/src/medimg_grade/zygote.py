"""A fork server for sandboxed runners: import once, fork a fresh runner into each sandbox.

Starting a runner and its kernel the usual way costs about a second of CPU per
notebook, nearly all of it importing Python modules (IPython, ipykernel, numpy,
SimpleITK, matplotlib, nbclient). The zygote is one process per grading process that
imports them once (:data:`medimg_grade.kernel.PRELOAD`) and then only forks. It never
runs student code, never reads a notebook and never sees the course: it receives open
file descriptors and a few limits.

For each sandbox (:class:`medimg_grade.sandbox.Sandbox`) the grader starts a fresh
``bwrap`` whose only process waits, then asks the zygote to fork a runner into it:

1. the zygote forks a child that joins the sandbox's namespaces (user, mount, PID,
   network, IPC, UTS, cgroup) with ``setns`` and changes its root to the sandbox's root,
   so it sees exactly what the sandbox sees;
2. that child forks the runner (the first process it creates is inside the sandbox's
   PID namespace) and exits;
3. the runner starts a new session, drops every privilege (supplementary groups,
   capability bounding set, capabilities, the sandbox user id when the grader runs as
   root, ``no_new_privs``), sets its resource limits and runs
   :func:`medimg_grade.execute.run_sandboxed`, which forks the notebook's kernel.

The sandbox's waiting process exits when the runner's end of a pipe closes, and the
whole PID namespace (runner and kernel) dies with it, exactly as when the runner was
started by ``bwrap`` itself. A runner that cannot drop a privilege exits before running
anything.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass

#: Namespaces a runner joins, in order (the user namespace is handled first, see below).
NAMESPACES = ("mnt", "pid", "net", "ipc", "uts", "cgroup")
#: ``ioctl`` request returning a user namespace's parent (``NS_GET_PARENT``).
NS_GET_PARENT = 0xB702
#: Exit status of a zygote child that could not enter the sandbox.
ENTER_FAILED = 71
#: Seconds the zygote may take to import its modules, and to answer a request.
BOOT_S = 60.0

_PR_SET_NO_NEW_PRIVS = 38
_PR_CAPBSET_DROP = 24
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
_CAPABILITY_VERSION_3 = 0x20080522


@dataclass(frozen=True)
class SpawnRequest:
    """What the zygote needs to fork one runner (sent as JSON with the descriptors).

    Attributes
    ----------
    argv : list of str
        Options for :func:`medimg_grade.execute.run_sandboxed` (``--timeout`` and so on).
    env : dict
        The runner's (and kernel's) complete environment.
    home : str
        Working directory of the runner, as seen inside the sandbox.
    uid : int or None
        Unprivileged user id to become (the grader runs as root), else None.
    rlimits : list of [name, soft, hard]
        ``resource`` limits of the runner and its kernel.
    namespaces : list of str
        Names of the namespace descriptors sent after the five fixed ones, then the
        sandbox's root directory (empty: no sandbox, rlimits only).
    """

    argv: list
    env: dict
    home: str
    uid: int | None
    rlimits: list
    namespaces: list


# ---------------------------------------------------------------------- grader side
class Zygote:
    """The grader's handle on its fork server (one per grading process, see :func:`shared`)."""

    def __init__(self, env: dict[str, str]) -> None:
        self._lock = threading.Lock()
        self._scratch = tempfile.TemporaryDirectory(prefix="medimg-grade-zygote-")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(env, MPLCONFIGDIR=os.path.join(self._scratch.name, "matplotlib"))
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-m", "medimg_grade.zygote"],
                stdin=theirs,
                stdout=subprocess.DEVNULL,
                cwd=self._scratch.name,
                env=env,
                start_new_session=True,
            )
        finally:
            theirs.close()
        self._sock = ours
        ours.settimeout(BOOT_S)
        try:
            ready = ours.recv(64)
        except OSError:
            ready = b""
        if ready != b"ready":
            self.close()
            raise RuntimeError("the grader's zygote did not start")

    def spawn(self, request: SpawnRequest, fds: list[int]) -> None:
        """Fork a runner into a sandbox (see the module docstring); raise if it failed.

        Parameters
        ----------
        request : SpawnRequest
            Options, environment, limits and the names of the namespace descriptors.
        fds : list of int
            Notebook in, result out, standard error, go, hold; then one descriptor per
            name in ``request.namespaces`` and the sandbox's root directory (if any).
        """
        message = json.dumps(request.__dict__).encode()
        with self._lock:
            try:
                socket.send_fds(self._sock, [message], fds)
                reply = self._sock.recv(4096)
            except OSError as exc:  # a time-out included: the zygote is stuck
                self.proc.kill()
                raise RuntimeError(f"the grader's zygote failed ({exc})") from None
        if not reply:
            raise RuntimeError("the grader's zygote exited")
        status = json.loads(reply).get("status")
        if status != 0:
            raise RuntimeError(f"the zygote could not start a runner in the sandbox ({status})")

    def alive(self) -> bool:
        """Return True while the zygote process runs."""
        return self.proc.poll() is None

    def close(self) -> None:
        """Stop the zygote (it exits at end of file on its control socket)."""
        with contextlib.suppress(OSError):
            self._sock.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._scratch.cleanup()


_shared: Zygote | None = None
_shared_lock = threading.Lock()
#: Why the zygote could not be started in this process (no second attempt), or None.
_failed: str | None = None


def shared(env: dict[str, str]) -> Zygote:
    """Return this process's zygote, starting it (again) if needed.

    Parameters
    ----------
    env : dict
        Environment of the zygote (the sandbox's: thread counts, matplotlib back end).
    """
    global _shared
    with _shared_lock:
        if _failed is not None:
            raise RuntimeError(_failed)
        if _shared is None or not _shared.alive():
            try:
                _shared = Zygote(env)
            except (OSError, RuntimeError) as exc:
                _give_up(f"{type(exc).__name__}: {exc}")
                raise
        return _shared


def usable() -> bool:
    """Return False once this process gave up on the zygote (see :func:`give_up`)."""
    return _failed is None


def give_up(reason: str) -> None:
    """Stop using the zygote in this process (say why once, on stderr)."""
    with _shared_lock:
        _give_up(reason)


def _give_up(reason: str) -> None:
    global _failed
    if _failed is None:
        _failed = reason
        print(
            f"medimg-grade: WARNING: no runner is forked by the zygote ({reason}); runners are "
            "started one by one with exec instead, which is slower",
            file=sys.stderr,
        )


def close_shared() -> None:
    """Stop this process's zygote, if one runs."""
    global _shared
    with _shared_lock:
        if _shared is not None:
            _shared.close()
            _shared = None


# ---------------------------------------------------------------------- zygote side
def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _same(fd: int, path: str) -> bool:
    a, b = os.fstat(fd), os.stat(path)
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _enter(namespaces: dict[str, int], root: int) -> None:
    """Join the sandbox's namespaces and root (in the zygote's single-threaded child)."""
    import fcntl

    libc = _libc()
    own = {name: f"/proc/self/ns/{name}" for name in ("user", *NAMESPACES)}
    skip = {name for name, fd in namespaces.items() if _same(fd, own[name])}
    target = namespaces.get("user")
    joined = target is None or "user" in skip
    if not joined:
        # bwrap may nest a second user namespace inside the one owning its mounts: join
        # the owner first (we have every capability there), the inner one last.
        parent = fcntl.ioctl(target, NS_GET_PARENT)
        if _same(parent, own["user"]):
            _check(libc.setns(target, 0), "setns(user)")
            joined = True
        else:
            _check(libc.setns(parent, 0), "setns(parent user)")
        os.close(parent)
    for name in NAMESPACES:
        if name in namespaces and name not in skip:
            _check(libc.setns(namespaces[name], 0), f"setns({name})")
    if not joined:
        _check(libc.setns(target, 0), "setns(user)")
    os.fchdir(root)
    os.chroot(".")


def _drop_privileges(uid: int | None) -> None:
    """Leave no capability, no way to regain one, and (as root) the sandbox's user id."""
    libc = _libc()
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    for cap in range(last + 1):
        libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0)  # EINVAL for unknown ones is fine
    libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    header = (ctypes.c_uint32 * 2)(_CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()
    _check(libc.capset(header, data), "capset")
    _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    status = open("/proc/self/status").read()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    for key in ("CapEff", "CapPrm", "CapInh", "CapAmb"):
        if int(fields[key].strip(), 16) != 0:
            raise OSError(f"{key} is not empty after dropping privileges")
    if uid is not None and (os.getuid() != uid or os.geteuid() != uid):
        raise OSError("the sandbox user id did not take")


def _runner(request: dict, fds: list[int]) -> None:
    """Become the sandbox's runner (the zygote's grandchild); never returns."""
    status = 70
    try:
        from medimg_grade.kernel import keep_only_descriptors

        in_fd, out_fd, err_fd, go_fd, hold_fd = fds[:5]
        os.dup2(err_fd, 2)
        keep_only_descriptors({in_fd, out_fd, go_fd, hold_fd})
        os.setsid()
        _drop_privileges(request["uid"])
        import resource

        for name, soft, hard in request["rlimits"]:
            resource.setrlimit(getattr(resource, name), (soft, hard))
        os.environ.clear()
        os.environ.update(request["env"], PWD=request["home"])
        os.chdir(request["home"])
        matplotlib = sys.modules.get("matplotlib")
        if matplotlib is not None:  # its configuration folder was chosen in the zygote
            with contextlib.suppress(OSError):
                os.makedirs(matplotlib.get_configdir(), exist_ok=True)
        from medimg_grade import execute

        execute.run_sandboxed(in_fd, out_fd, go_fd, request["argv"])
        status = 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(status)


def _child(request: dict, fds: list[int], control: socket.socket) -> None:
    """Enter the sandbox, fork the runner into it, exit (the zygote's child); never returns."""
    status = ENTER_FAILED
    try:
        control.close()
        names = request["namespaces"]
        fixed, ns_fds = fds[:5], fds[5:]
        if names:
            _enter(dict(zip(names, ns_fds[:-1], strict=True)), ns_fds[-1])
        for fd in ns_fds:
            os.close(fd)
        pid = os.fork()
        if pid == 0:
            _runner(request, fixed)
        status = 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(status)


def main() -> int:
    """Run the fork server on the control socket given as standard input."""
    import gc

    from medimg_grade import kernel

    gc.disable()  # no holes in the pages the children share (see gc.freeze)
    kernel.preload()
    import medimg_grade.execute  # noqa: F401  (the runner's own code)

    gc.freeze()  # the children's collections never touch (and so copy) these objects
    gc.enable()

    control = socket.socket(fileno=os.dup(0))
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    control.send(b"ready")
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1 << 20, 32)
        except OSError:
            return 0
        if not message:
            return 0
        try:
            request = json.loads(message)
        except ValueError:
            request = None
        if not isinstance(request, dict):
            for fd in fds:
                os.close(fd)
            control.send(json.dumps({"status": "malformed request"}).encode())
            continue
        pid = os.fork()
        if pid == 0:
            _child(request, fds, control)
        for fd in fds:
            os.close(fd)
        _, status = os.waitpid(pid, 0)
        control.send(json.dumps({"status": os.waitstatus_to_exitcode(status)}).encode())


if __name__ == "__main__":
    sys.exit(main())
