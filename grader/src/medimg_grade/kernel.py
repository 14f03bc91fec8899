"""The notebook's kernel, forked from a process that has already imported what it needs.

A kernel started the usual way (``python -m ipykernel_launcher``) spends most of its
start-up importing IPython, ipykernel, numpy, SimpleITK and matplotlib, and every
notebook pays that again. Here the runner (:mod:`medimg_grade.execute`), itself forked
from a zygote that imported :data:`PRELOAD` once (:mod:`medimg_grade.zygote`), forks
the kernel: the child starts with those modules in memory and runs ``IPKernelApp``.

The kernel is forked before the runner reads a notebook, so nothing of the notebook
(and none of its hidden tests) is in the kernel's memory; no kernel that ran student code
is ever reused, because each runner forks exactly one kernel and each sandbox gets a
fresh runner.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import os
import resource
import secrets
import signal
import socket
import sys

from jupyter_client.connect import write_connection_file
from jupyter_client.manager import AsyncKernelManager

#: Modules imported before the kernel is forked (see :func:`preload`): what the course's
#: notebooks and the kernel itself import, so that no notebook pays for importing them.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "IPython",
    "numpy",
    "scipy.ndimage",
    "SimpleITK",
    "matplotlib",
    "matplotlib.pyplot",
    "medimg",
    "medimg.checks",
    "medimg.data",
    "nbformat",
    "nbclient",
    "jupyter_client",
    "medimg_grade.agent",
    "medimg_grade.channel",
    "medimg_grade.checker",
)


def preload() -> None:
    """Import :data:`PRELOAD` (those that are installed) without creating any thread.

    Called in the runner (or the zygote it is forked from) before the kernel is forked;
    nothing here runs code of a notebook.
    """
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # an optional module the course does not use
            continue


def _reseed() -> None:
    """Give a forked process its own random state (the stdlib reseeds itself at fork)."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


#: ``prctl`` option: whether other processes of the same user may ptrace this one.
PR_SET_DUMPABLE = 4


def set_dumpable(dumpable: bool) -> None:
    """Allow or forbid other processes of this user to ptrace this one or open its fds."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, int(dumpable), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def keep_only_descriptors(keep: set[int]) -> None:
    """Point standard input and output at ``/dev/null``; close every descriptor above 2 but ``keep``."""
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    low = 3
    for fd in sorted(keep):
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1
    os.closerange(low, 65536)


def _kernel_child(connection_file: str, keep_fd: int) -> None:
    """Become the notebook's IPython kernel (in the child of :func:`fork_kernel`); never returns."""
    status = 1
    try:
        os.setsid()  # as jupyter_client starts kernels: a session of its own
        set_dumpable(True)  # a normal process (the runner is not)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        # Nothing of the runner (notebook, result, go and hold descriptors) stays open.
        keep_only_descriptors({keep_fd})
        _reseed()
        from ipykernel.kernelapp import IPKernelApp

        sys.argv = [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file]
        app = IPKernelApp.instance()
        app.initialize(["-f", connection_file, "--HistoryManager.hist_file=:memory:"])
        app.start()
        status = 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(status)


#: ``mallopt`` parameter: the most malloc arenas glibc creates.
M_ARENA_MAX = -8


def _address_space() -> int:
    """Return this process's virtual memory size in bytes (``VmSize``)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmSize in /proc/self/status")


def fork_kernel(*, memory_mb: int = 0):
    """Fork this process into a fresh IPython kernel; return ``(manager, our_socket)``.

    The kernel is a child of the runner: it starts with the modules the runner imported
    (:func:`preload`) and nothing of a notebook (the runner forks it before it reads
    one). It listens on 127.0.0.1 (inside the sandbox: the sandbox's own network) and
    keeps the other end of a private socket pair on which the agent answers requests.

    Parameters
    ----------
    memory_mb : int
        Address space (MiB) this process and the kernel may each add to this process's
        current size (``RLIMIT_AS``, set here, before the fork); 0 sets no limit. The
        modules imported for every notebook therefore do not count against it.

    Returns
    -------
    manager : ForkedKernelManager
        A ``jupyter_client`` kernel manager for the forked kernel.
    sock : socket.socket
        The runner's end of the agent's socket; :attr:`ForkedKernelManager.agent_fd` is
        the kernel's descriptor number for the other end.
    """
    runtime = os.environ.get("JUPYTER_RUNTIME_DIR") or os.path.join(os.getcwd(), ".runtime")
    os.makedirs(runtime, exist_ok=True)
    connection_file, _ = write_connection_file(
        os.path.join(runtime, f"kernel-{os.getpid()}.json"),
        ip="127.0.0.1",
        key=secrets.token_hex(32).encode("ascii"),
    )
    ours, theirs = socket.socketpair()
    if memory_mb > 0:
        # glibc reserves 64 MiB of address space per thread's malloc arena; the kernel's
        # threads (ZeroMQ, heartbeat, control) would spend the budget on reservations.
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, 2)
        limit = _address_space() + memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    gc.freeze()  # the kernel's collections never touch (and so copy) the runner's objects
    pid = os.fork()
    if pid == 0:
        _kernel_child(connection_file, theirs.fileno())
    agent_fd = theirs.fileno()
    theirs.detach()  # the number stays meaningful in the kernel; close our copy only
    os.close(agent_fd)
    return ForkedKernelManager.attach(pid, connection_file, agent_fd=agent_fd), ours


class ForkedKernelManager(AsyncKernelManager):
    """A ``jupyter_client`` kernel manager for a kernel this process forked.

    Liveness comes from ``waitpid`` on the child, shutting down is ``SIGKILL``; see
    :func:`fork_kernel`.
    """

    pid: int = 0
    agent_fd: int = -1
    exit_status: int | None = None

    @classmethod
    def attach(cls, pid: int, connection_file: str, *, agent_fd: int) -> ForkedKernelManager:
        """Return a manager for the forked kernel ``pid`` listening as ``connection_file``."""
        manager = cls(kernel_name="python3")
        manager.load_connection_file(connection_file)
        manager.pid, manager.agent_fd = pid, agent_fd
        return manager

    @property
    def has_kernel(self) -> bool:
        """Always True: the kernel exists before its manager."""
        return True

    async def _async_is_alive(self) -> bool:
        if self.exit_status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = self.pid, -1
            if pid:
                self.exit_status = status
        return self.exit_status is None

    is_alive = _async_is_alive

    async def _async_interrupt_kernel(self) -> None:
        if await self._async_is_alive():
            os.kill(self.pid, signal.SIGINT)

    interrupt_kernel = _async_interrupt_kernel

    async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        if await self._async_is_alive():
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.exit_status = -signal.SIGKILL

    shutdown_kernel = _async_shutdown_kernel

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        self.cleanup_connection_file()

    cleanup_resources = _async_cleanup_resources
