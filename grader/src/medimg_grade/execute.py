"""Run one restored submission notebook; meant to run inside the grading sandbox.

Usage::

    python -m medimg_grade.execute IN OUT [--timeout S] [--max-output-bytes B]

``IN`` and ``OUT`` are notebook paths or ``fd:N`` (an inherited file descriptor). The
notebook is executed cell by cell with :mod:`nbclient` against a fresh IPython kernel
(which, inside the sandbox, listens on 127.0.0.1 of the sandbox's own network
namespace). Before every autograded test cell an integrity guard restores what a
submission could have monkey-patched (``numpy.testing``, ``builtins``, IPython's
execution hooks, ...) and a canary cell checks that a failing assertion is still
reported as an error. The executed notebook is written to ``OUT`` with a
``metadata.medimg_grading`` record: the outcome (``ok``, ``timeout``, ``crash``),
the cell where it stopped, what the guard restored and which canaries failed.

Nothing here decides a grade: the grading process reads the result, checks it against
the notebook it sent, and scores it.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import sys
import time
import uuid

# jsonschema (via nbformat) imports rfc3987_syntax when installed, which builds a parser
# for seconds at import time; the runner never validates IRIs, so it is skipped here.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

#: Seconds allowed for the kernel to start (not part of the notebook's time budget).
STARTUP_S = 60

PROLOGUE = r"""
def _medimg_grading_prologue():
    import builtins, sys, types
    state = types.ModuleType("_medimg_grading_state")
    sys.modules["_medimg_grading_state"] = state
    state.builtins = dict(vars(builtins))
    state.modules = {}
    state.codes = {}
    for name in ("numpy", "numpy.testing", "math"):
        try:
            module = __import__(name, fromlist=["_"])
        except Exception:
            continue
        attrs = {k: v for k, v in vars(module).items() if not k.startswith("_")}
        state.modules[name] = (module, attrs)
        for key, value in attrs.items():
            code = getattr(value, "__code__", None)
            if code is not None:
                state.codes[(name, key)] = (value, code)
    shell = get_ipython()
    state.shell_cls = {}
    for cls in type(shell).__mro__:
        if cls.__module__.startswith(("IPython", "ipykernel")):
            state.shell_cls[cls] = dict(vars(cls))
    state.transformers = (
        list(shell.input_transformers_cleanup),
        list(shell.input_transformers_post),
        list(shell.ast_transformers),
    )
    state.shell_attrs = {k: v for k, v in vars(shell).items() if callable(v)}
_medimg_grading_prologue()
del _medimg_grading_prologue
"""

GUARD = r"""
def _medimg_grading_guard():
    import builtins, sys
    state = sys.modules["_medimg_grading_state"]
    restored = []
    for key, value in state.builtins.items():
        if key.startswith("_") or key in ("input", "raw_input", "exit", "quit"):
            continue
        if vars(builtins).get(key, state) is not value:
            setattr(builtins, key, value)
            restored.append("builtins." + key)
    for name, (module, attrs) in state.modules.items():
        if sys.modules.get(name) is not module:
            sys.modules[name] = module
            restored.append("sys.modules[%r]" % name)
        for key, value in attrs.items():
            if vars(module).get(key, state) is not value:
                setattr(module, key, value)
                restored.append(name + "." + key)
    for (name, key), (func, code) in state.codes.items():
        if func.__code__ is not code:
            func.__code__ = code
            restored.append(name + "." + key + ".__code__")
    aliases = {"np": "numpy", "numpy": "numpy", "math": "math"}
    user_ns = get_ipython().user_ns
    for alias, name in aliases.items():
        if alias in user_ns and name in state.modules:
            module = state.modules[name][0]
            if user_ns[alias] is not module:
                user_ns[alias] = module
                restored.append("global " + alias)
    shell = get_ipython()
    for cls, attrs in state.shell_cls.items():
        for key in [k for k in vars(cls) if k not in attrs]:
            delattr(cls, key)
            restored.append(cls.__name__ + "." + key)
        for key, value in attrs.items():
            if vars(cls).get(key, state) is not value:
                try:
                    setattr(cls, key, value)
                except (AttributeError, TypeError):
                    continue
                restored.append(cls.__name__ + "." + key)
    for key, value in state.shell_attrs.items():
        if vars(shell).get(key, state) is not value:
            vars(shell)[key] = value
            restored.append("shell." + key)
    for key in [k for k in vars(shell) if k not in state.shell_attrs and callable(vars(shell)[k])]:
        del vars(shell)[key]
        restored.append("shell." + key)
    cleanup, post, ast = state.transformers
    if (list(shell.input_transformers_cleanup), list(shell.input_transformers_post),
            list(shell.ast_transformers)) != (cleanup, post, ast):
        shell.input_transformers_cleanup[:] = cleanup
        shell.input_transformers_post[:] = post
        shell.ast_transformers[:] = ast
        restored.append("input/ast transformers")
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.settrace(None)
        sys.setprofile(None)
        restored.append("sys.settrace/setprofile")
    return restored
_medimg_grading_restored = _medimg_grading_guard()
del _medimg_grading_guard
"""

REPORT = "print('{marker}' + __import__('json').dumps(_medimg_grading_restored))"

CANARY = "assert False, '{marker}'"


def _is_test_cell(cell: dict) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return (
        cell.get("cell_type") == "code"
        and bool(meta.get("grade"))
        and not bool(meta.get("solution"))
    )


def _no_dump() -> None:
    """Forbid other processes of the sandbox user (the kernel) to ptrace us or open our fds."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


def _open(spec: str, mode: str):
    if spec.startswith("fd:"):
        return os.fdopen(int(spec[3:]), mode, closefd=True)
    return open(spec, mode)


def run(nb, *, timeout: float, max_output_bytes: int, emit=None):
    """Execute ``nb`` in place and return it with a ``medimg_grading`` record.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        Restored notebook (nbformat 4).
    timeout : float
        Wall-clock budget in seconds for all cells (kernel start-up has its own
        ``STARTUP_S``).
    max_output_bytes : int
        Outputs of one cell beyond this many bytes are dropped (a note says so).
    emit : callable, optional
        Called with the finished notebook while the kernel still runs (the sandbox is
        thrown away afterwards, so there is no need to wait for a clean shutdown).

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbformat.v4 import new_code_cell, new_output

    deadline = time.monotonic() + STARTUP_S + timeout  # reset once the kernel is up
    marker = "medimg-grading-" + uuid.uuid4().hex
    record = {
        "status": "ok",
        "cell": None,
        "message": "",
        "guard": {},
        "canary_failed": [],
        "reply_error": [],
        "truncated": [],
    }
    sizes: dict[int, int] = {}

    class CappedClient(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            before = sizes.get(cell_index, 0)
            size = len(json.dumps(content))
            sizes[cell_index] = before + size
            if before + size <= max_output_bytes:
                return super().output(outs, msg, display_id, cell_index)
            if cell_index not in record["truncated"]:
                record["truncated"].append(cell_index)
            room = max_output_bytes - before
            if msg.get("msg_type") == "stream" and room > 0:
                content["text"] = str(content.get("text", ""))[:room]
                return super().output(outs, msg, display_id, cell_index)
            return None

    replies: dict[int, dict] = {}

    def on_executed(cell, cell_index, execute_reply):
        replies[cell_index] = execute_reply.get("content", {}) if execute_reply else {}

    client = CappedClient(
        nb,
        kernel_name="python3",
        timeout=max(1, int(timeout)),
        startup_timeout=STARTUP_S,
        allow_errors=True,
        interrupt_on_timeout=False,
        record_timing=False,
        iopub_timeout=4,
        on_cell_executed=on_executed,
    )
    cells = list(nb.cells)
    # nbclient stores each executed cell at nb.cells[index]: the cells the runner adds all
    # use one extra slot at the end, removed again before the notebook is returned.
    nb.cells.append(new_code_cell(""))
    hidden = len(nb.cells) - 1

    def remaining() -> float:
        return deadline - time.monotonic()

    def run_hidden(source: str):
        cell = new_code_cell(source)
        client.timeout = max(1, int(remaining()))
        replies.pop(hidden, None)
        sizes.pop(hidden, None)
        client.execute_cell(cell, hidden, store_history=False)
        return cell, replies.get(hidden, {})

    index = None

    def finish():
        nb.cells = cells
        nb.metadata["medimg_grading"] = record
        if emit is not None:
            emit(nb)

    try:
        with client.setup_kernel():
            try:
                run_hidden(PROLOGUE)
                deadline = time.monotonic() + timeout
                for index, cell in enumerate(cells):
                    if cell.cell_type != "code":
                        continue
                    if remaining() <= 0:
                        raise CellTimeoutError("notebook time budget exhausted")
                    if _is_test_cell(cell):
                        guard_cell, _ = run_hidden(GUARD + REPORT.format(marker=marker))
                        text = "".join(
                            o.get("text", "")
                            for o in guard_cell.outputs
                            if o.output_type == "stream"
                        )
                        restored = None
                        if marker in text:
                            try:
                                restored = json.loads(text.split(marker, 1)[1].splitlines()[0])
                            except ValueError:
                                restored = None
                        if restored is None:
                            record["guard"][str(index)] = ["integrity guard did not report"]
                        elif restored:
                            record["guard"][str(index)] = restored
                        canary, reply = run_hidden(CANARY.format(marker=marker))
                        errors = [o for o in canary.outputs if o.output_type == "error"]
                        if reply.get("status") != "error" or not any(
                            marker in o.get("evalue", "") for o in errors
                        ):
                            record["canary_failed"].append(index)
                    client.timeout = max(1, int(remaining()))
                    client.execute_cell(cell, index)
                    reply = replies.get(index, {})
                    if reply.get("status") == "error" and not any(
                        o.output_type == "error" for o in cell.outputs
                    ):
                        record["reply_error"].append(index)
                    if index in record["truncated"]:
                        cell.outputs.append(
                            new_output(
                                "stream",
                                name="stdout",
                                text=f"\n... output truncated at {max_output_bytes} bytes ...\n",
                            )
                        )
            except CellTimeoutError:
                record.update(status="timeout", cell=index, message=f"time limit of {timeout:g} s")
            except DeadKernelError:
                record.update(status="crash", cell=index, message="the kernel died")
            finish()
    except CellTimeoutError:
        record.update(status="timeout", cell=index, message=f"time limit of {timeout:g} s")
        finish()
    except DeadKernelError:
        record.update(status="crash", cell=index, message="the kernel died")
        finish()
    except Exception as exc:  # the kernel misbehaved in a way nbclient did not expect
        record.update(status="crash", cell=index, message=f"{type(exc).__name__}: {exc}"[:300])
        finish()
    return nb


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    _no_dump()
    parser = argparse.ArgumentParser(prog="python -m medimg_grade.execute")
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--max-output-bytes", type=int, default=1_000_000)
    parser.add_argument("--nproc", type=int, default=0, help="RLIMIT_NPROC for runner and kernel")
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
    import nbformat

    with _open(args.input, "r") as handle:
        nb = nbformat.read(handle, as_version=4)

    def emit(result) -> None:
        with out:
            out.write(nbformat.writes(result))
        if args.fast_exit:
            sys.stdout.flush()
            os._exit(0)  # the sandbox and the kernel in it are discarded

    run(nb, timeout=args.timeout, max_output_bytes=args.max_output_bytes, emit=emit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
