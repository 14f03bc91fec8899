"""Run one restored submission notebook; meant to run inside the grading sandbox.

Usage::

    python -I -m medimg_grade.execute IN OUT [--go fd:N] [--timeout S] [--max-output-bytes B]

``IN`` and ``OUT`` are notebook paths or ``fd:N`` (an inherited file descriptor). With
``--go``, the runner boots the kernel first and then waits for one byte on that
descriptor before reading ``IN`` (end of file: exit without running anything), so the
grader can start a sandbox ahead of time (:class:`medimg_grade.sandbox.Sandbox`).

This process is the *checker*. Before it reads the notebook it forks a fresh IPython
kernel (:mod:`medimg_grade.kernel`; inside the sandbox the kernel listens on 127.0.0.1
of the sandbox's own network namespace) and injects the agent
(:mod:`medimg_grade.agent`) before any student code runs. Given code and answer cells
run in the kernel, cell by cell, with :mod:`nbclient`; autograded test cells never do:
:class:`medimg_grade.checker.Checker` runs them here, in this process's own clean
interpreter, asking the kernel only for the values of notebook names and for calls of
the student's functions, and accepting only plain data back. For each test cell one
execute request starts the agent's serve loop, and the requests travel over a private
socket pair (:mod:`medimg_grade.channel`).

The runner is started either by ``bwrap`` running this module, or forked into the
sandbox by the grader's zygote (:mod:`medimg_grade.zygote`), which then calls
:func:`run_sandboxed`.

Why the kernel cannot alter this process: it is a separate process that makes itself
non-dumpable (no ``ptrace``, no ``/proc/<pid>/mem`` or ``/proc/<pid>/fd`` for the
kernel, which runs as the same user inside the sandbox); it is started with ``-I``, so it
imports only from the read-only Python installation, virtual environment and sources,
never from the kernel-writable working directory, ``$HOME`` or ``PYTHONPATH``; it writes
the executed notebook to a descriptor the kernel never inherits; and the kernel's only
way in is the answers it sends, which are decoded as plain data. The kernel can still
kill or stop this process (same user): the notebook then ends as ``crash`` or
``timeout`` and the tests not run score 0.

The executed notebook is written to ``OUT`` with a ``metadata.medimg_grading`` record:
the outcome (``ok``, ``timeout``, ``crash``), the cell where it stopped, what the agent
reported as patched, and the test cells during which the kernel stopped answering.
Nothing here decides a grade: the grading process reads the result, checks it against
the notebook it sent, and scores it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid

# jsonschema (via nbformat) imports rfc3987_syntax when installed, which builds a parser
# for seconds at import time; the runner never validates IRIs.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

#: Seconds allowed for the kernel to start (not part of the notebook's time budget).
STARTUP_S = 60

#: Code run in the fresh kernel before any cell: the agent remembers the clean state.
INSTALL_AGENT = "__import__('medimg_grade.agent', fromlist=['_']).install(get_ipython())"
#: Code run in the kernel once per test cell: the agent answers on the private socket.
SERVE_AGENT = "__import__('medimg_grade.agent', fromlist=['_']).serve({fd}, hello={hello!r})"
#: Seconds between checks that a kernel which has not started answering is still there.
POLL_S = 0.2


def _is_test_cell(cell: dict) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return (
        cell.get("cell_type") == "code"
        and bool(meta.get("grade"))
        and not bool(meta.get("solution"))
    )


def _open(spec: str, mode: str):
    if spec.startswith("fd:"):
        fd = int(spec[3:])
        os.set_inheritable(fd, False)  # never handed on to the kernel
        return os.fdopen(fd, mode, closefd=True)
    return open(spec, mode)


class Runner:
    """Execute one restored notebook: kernel for given code and answers, checker for tests.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        Restored notebook (nbformat 4); executed in place.
    timeout : float
        Wall-clock budget in seconds for all cells (kernel start-up has its own
        ``STARTUP_S``).
    max_output_bytes : int
        Outputs of one cell beyond this many bytes are dropped (a note says so).
    memory_mb : int
        Address space (MiB) the runner and the kernel may add to the runner's size at
        the moment it forks the kernel (``RLIMIT_AS``); 0: no limit.
    emit : callable, optional
        Called with the finished notebook while the kernel still runs (the sandbox is
        thrown away afterwards, so there is no need to wait for a clean shutdown).
    load : callable, optional
        Called once the kernel is up and the agent injected; returns the notebook to run
        (replacing ``nb``), or None to stop without running anything (a sandbox that was
        started ahead of time and not needed).
    """

    def __init__(
        self,
        nb=None,
        *,
        timeout: float,
        max_output_bytes: int,
        memory_mb: int = 0,
        emit=None,
        load=None,
    ) -> None:
        from nbformat.v4 import new_notebook

        self.load = load
        self.nb = nb if nb is not None else new_notebook()
        self.timeout = timeout
        self.max_output_bytes = max_output_bytes
        self.memory_mb = memory_mb
        self.emit = emit
        self.record: dict = {
            "status": "ok",
            "cell": None,
            "message": "",
            "tamper": {},
            "no_reply": [],
            "truncated": [],
            "seconds": {"start-up": 0.0, "kernel": 0.0, "checker": 0.0, "requests": 0},
        }
        self.started = time.monotonic()
        self.deadline = self.started + STARTUP_S + timeout  # reset once the kernel is up
        self.cells = list(self.nb.cells)
        self.client = None
        self.km = None
        self.sock = None
        self.channel = None
        self.hidden = -1
        self.replies: dict[int, dict] = {}
        self.sizes: dict[int, int] = {}

    # ------------------------------------------------------------------ kernel
    def _make_client(self):
        from nbclient import NotebookClient

        runner = self

        class CappedClient(NotebookClient):
            def output(self, outs, msg, display_id, cell_index):
                content = msg.get("content", {})
                before = runner.sizes.get(cell_index, 0)
                size = len(json.dumps(content))
                runner.sizes[cell_index] = before + size
                if before + size <= runner.max_output_bytes:
                    return super().output(outs, msg, display_id, cell_index)
                if cell_index not in runner.record["truncated"]:
                    runner.record["truncated"].append(cell_index)
                room = runner.max_output_bytes - before
                if msg.get("msg_type") == "stream" and room > 0:
                    content["text"] = str(content.get("text", ""))[:room]
                    return super().output(outs, msg, display_id, cell_index)
                return None

        def on_executed(cell, cell_index, execute_reply):
            self.replies[cell_index] = execute_reply.get("content", {}) if execute_reply else {}

        return CappedClient(
            self.nb,
            km=self.km,
            kernel_name="python3",
            timeout=max(1, int(self.timeout)),
            startup_timeout=STARTUP_S,
            allow_errors=True,
            interrupt_on_timeout=False,
            record_timing=False,
            iopub_timeout=4,
            on_cell_executed=on_executed,
        )

    def remaining(self) -> float:
        """Seconds left of the notebook's budget."""
        return self.deadline - time.monotonic()

    def run_hidden(self, source: str):
        """Execute code the notebook does not contain (the agent's installation) in the kernel."""
        from nbclient.exceptions import CellTimeoutError
        from nbformat.v4 import new_code_cell

        if self.remaining() <= 0:
            raise CellTimeoutError("notebook time budget exhausted")
        cell = new_code_cell(source)
        self.client.timeout = max(1, int(self.remaining()))
        self.replies.pop(self.hidden, None)
        self.sizes.pop(self.hidden, None)
        self.client.execute_cell(cell, self.hidden, store_history=False)
        return cell, self.replies.get(self.hidden, {})

    def ask(self, request: dict):
        """One round trip to the agent: (reply or None, what the call printed).

        Raises :class:`nbclient.exceptions.CellTimeoutError` when the notebook's time is
        up and :class:`nbclient.exceptions.DeadKernelError` when the kernel is gone.
        """
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        from medimg_grade.channel import ChannelTimeout, DeadChannel

        self.record["seconds"]["requests"] += 1
        if self.channel is None:  # the agent's serve loop did not start: no answer
            return None, []
        try:
            return self.channel.ask(request)
        except ChannelTimeout:
            raise CellTimeoutError("notebook time budget exhausted") from None
        except DeadChannel:
            raise DeadKernelError("the kernel closed the grader's channel") from None

    def _serve(self) -> str | None:
        """Start the agent's serve loop in the kernel; return the execute request's id.

        Returns None when the kernel has already answered that request (it did not
        serve).

        :attr:`channel` is set once the loop has said hello on the private socket, and
        stays None when the kernel finished the request without serving (its agent was
        replaced): every request of this test cell then has no answer.
        """
        from medimg_grade.channel import ChannelTimeout, FrameError, SocketChannel, read_frame

        hello = uuid.uuid4().hex
        code = SERVE_AGENT.format(fd=self.km.agent_fd, hello=hello)
        msg_id = self.client.kc.execute(code, store_history=False, allow_stdin=False)
        self.channel = None
        for _ in range(10_000):
            if self.remaining() <= 0:
                break
            try:
                message = read_frame(
                    self.sock, deadline=time.monotonic() + min(POLL_S, self.remaining())
                )
            except ChannelTimeout:
                if self._reply(msg_id, wait=False) is not None:
                    return None  # the request ended without serving
                continue
            except FrameError:
                break
            except Exception:  # DeadChannel: the kernel is gone
                break
            if message.get("nonce") == hello:
                self.channel = SocketChannel(self.sock, deadline=lambda: self.deadline)
                break
        return msg_id

    def _reply(self, msg_id: str, *, wait: bool):
        """Return the kernel's execute reply to ``msg_id`` (``wait``: until it comes, else None)."""
        from queue import Empty

        from jupyter_core.utils import run_sync
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        get = run_sync(self.client.kc.get_shell_msg)
        while True:
            timeout = min(1.0, max(0.0, self.remaining())) if wait else 0.0
            try:
                message = get(timeout=timeout)
            except Empty:
                if not run_sync(self.km.is_alive)():
                    raise DeadKernelError("the kernel died") from None
                if not wait:
                    return None
                if self.remaining() <= 0:
                    raise CellTimeoutError("notebook time budget exhausted") from None
                continue
            if message.get("parent_header", {}).get("msg_id") == msg_id:
                return message

    # ------------------------------------------------------------------ cells
    def _test_cell(self, index: int, cell, checker) -> None:
        from nbformat import from_dict

        started = time.monotonic()
        msg_id = self._serve()
        try:
            result = checker.run_cell(cell.source, label=f"<test cell {index + 1}>")
        finally:
            if self.channel is not None and not self.channel.broken:
                self.channel.end()
            self.channel = None
        if result.fatal is None and msg_id is not None:
            self._reply(msg_id, wait=True)
        self.record["seconds"]["checker"] += time.monotonic() - started
        outputs = result.outputs
        size = len(json.dumps(outputs))
        if size > self.max_output_bytes:
            self.record["truncated"].append(index)
            room = self.max_output_bytes
            kept = []
            for out in outputs:
                if out["output_type"] == "stream":
                    out["text"] = out["text"][: max(0, room)]
                    room -= len(out["text"])
                kept.append(out)
            outputs = kept
        cell.outputs = [from_dict(o) for o in outputs]
        if result.tamper:
            self.record["tamper"][str(index)] = result.tamper
        if result.no_reply:
            self.record["no_reply"].append(index)
        if result.fatal is not None:
            raise result.fatal

    def _code_cell(self, index: int, cell) -> None:
        from nbformat.v4 import new_output

        self.client.timeout = max(1, int(self.remaining()))
        started = time.monotonic()
        self.client.execute_cell(cell, index)
        self.record["seconds"]["kernel"] += time.monotonic() - started
        if index in self.record["truncated"]:
            cell.outputs.append(
                new_output(
                    "stream",
                    name="stdout",
                    text=f"\n... output truncated at {self.max_output_bytes} bytes ...\n",
                )
            )

    def _add_hidden_slot(self) -> None:
        from nbformat.v4 import new_code_cell

        # nbclient stores each executed cell at nb.cells[index]: the cells the runner adds
        # all use one extra slot at the end, removed again before the notebook is returned.
        self.nb.cells.append(new_code_cell(""))
        self.hidden = len(self.nb.cells) - 1

    def _finish(self):
        self.record["seconds"] = {k: round(v, 3) for k, v in self.record["seconds"].items()}
        self.nb.cells = self.cells
        self.nb.metadata["medimg_grading"] = self.record
        if self.emit is not None:
            self.emit(self.nb)

    def _stop(self, status: str, index, message: str) -> None:
        self.record.update(status=status, cell=index, message=message)

    def run(self):
        """Execute the notebook and return it with its ``medimg_grading`` record."""
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        from medimg_grade.kernel import fork_kernel

        self.km, self.sock = fork_kernel(memory_mb=self.memory_mb)
        self.client = client = self._make_client()
        self._add_hidden_slot()
        index = None
        limit = f"time limit of {self.timeout:g} s"
        try:
            # Imported while the kernel starts: the checker's own clean modules.
            from medimg_grade.checker import Checker

            checker = Checker(self.ask)
            with client.setup_kernel():
                try:
                    _, reply = self.run_hidden(INSTALL_AGENT)
                    if reply.get("status") != "ok":
                        raise RuntimeError("the grader's agent did not start in the kernel")
                    if self.load is not None:
                        nb = self.load()
                        if nb is None:
                            return None
                        self.nb = client.nb = nb
                        self.cells = list(nb.cells)
                        self._add_hidden_slot()
                    self.record["seconds"]["start-up"] = time.monotonic() - self.started
                    self.deadline = time.monotonic() + self.timeout
                    for index, cell in enumerate(self.cells):
                        if cell.cell_type != "code":
                            continue
                        if self.remaining() <= 0:
                            raise CellTimeoutError("notebook time budget exhausted")
                        if _is_test_cell(cell):
                            self._test_cell(index, cell, checker)
                        else:
                            self._code_cell(index, cell)
                except CellTimeoutError:
                    self._stop("timeout", index, limit)
                except DeadKernelError:
                    self._stop("crash", index, "the kernel died")
                self._finish()
        except CellTimeoutError:
            self._stop("timeout", index, limit)
            self._finish()
        except DeadKernelError:
            self._stop("crash", index, "the kernel died")
            self._finish()
        except Exception as exc:  # the kernel misbehaved in a way nbclient did not expect
            self._stop("crash", index, f"{type(exc).__name__}: {exc}"[:300])
            self._finish()
        return self.nb


def run_sandboxed(in_fd: int, out_fd: int, go_fd: int, options: list[str]) -> int:
    """Run as a sandbox's runner forked by the zygote (:mod:`medimg_grade.zygote`).

    Parameters
    ----------
    in_fd, out_fd, go_fd : int
        Inherited descriptors: the notebook, the result, the go signal.
    options : list of str
        Further options of :func:`main` (``--timeout``, ``--max-output-bytes``, ...).
    """
    return main([f"fd:{in_fd}", f"fd:{out_fd}", "--go", f"fd:{go_fd}", "--fast-exit", *options])


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    from medimg_grade.kernel import preload, set_dumpable

    # Other processes of the sandbox user (the kernel) may not ptrace us or open our fds.
    set_dumpable(False)
    parser = argparse.ArgumentParser(prog="python -m medimg_grade.execute")
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--max-output-bytes", type=int, default=1_000_000)
    parser.add_argument("--nproc", type=int, default=0, help="RLIMIT_NPROC for runner and kernel")
    parser.add_argument(
        "--memory-mb",
        type=int,
        default=0,
        help="address space (MiB) runner and kernel may add once the kernel is forked",
    )
    parser.add_argument(
        "--go",
        default=None,
        help="fd:N to wait on after the kernel is up: one byte means run IN, end of file quit",
    )
    parser.add_argument(
        "--fast-exit",
        action="store_true",
        help="exit without shutting the kernel down (the sandbox around it is discarded)",
    )
    args = parser.parse_args(argv)
    if args.nproc > 0:
        import resource

        resource.setrlimit(resource.RLIMIT_NPROC, (args.nproc, args.nproc))
    out = _open(args.output, "w")
    preload()  # before the kernel is forked: it starts with these modules
    import nbformat

    def load():
        if args.go is not None:
            with _open(args.go, "rb") as go:
                if not go.read(1):  # not needed: the grader discarded this sandbox
                    if args.fast_exit:
                        os._exit(0)  # the sandbox and the kernel in it are discarded
                    return None
        with _open(args.input, "r") as handle:
            return nbformat.read(handle, as_version=4)

    def emit(result) -> None:
        with out:
            out.write(nbformat.writes(result))
        if args.fast_exit:
            sys.stdout.flush()
            os._exit(0)  # the sandbox and the kernel in it are discarded

    runner = Runner(
        timeout=args.timeout,
        max_output_bytes=args.max_output_bytes,
        memory_mb=args.memory_mb,
        emit=emit,
        load=load,
    )
    if runner.run() is None and args.fast_exit:
        os._exit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
