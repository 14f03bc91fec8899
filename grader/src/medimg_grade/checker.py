"""Run autograded test cells in the grader's own process, never in the student's kernel.

The runner (:mod:`medimg_grade.execute`) executes given code and answers in the
student's kernel, and hands every autograded test cell to :class:`Checker`, which runs
the cell's code in a fresh namespace of the runner's own clean interpreter. Names the
cell uses but does not define are looked up in the kernel through the agent
(:mod:`medimg_grade.agent`) at that moment:

* a module -> the checker imports the module of that name itself;
* a callable -> a :class:`RemoteFunction`: each call sends its (plain) arguments to the
  kernel, runs the function there and decodes the (plain) result;
* anything else -> its value, copied as plain data.

Builtin names always mean the checker's own builtins. Only plain data crosses
(:mod:`medimg_grade.plain`); a student's function returning anything else fails the test
with a clear message. Exceptions raised by the student's function come back as the same
builtin exception type (others as :class:`RuntimeError`). What the cell prints, its
error and its last expression's value become the cell's outputs exactly as a kernel
would have produced them, so nbgrader scores them unchanged.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import importlib
import linecache
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from medimg_grade import plain

#: Modules a notebook name may not make the checker import (side effects, or the kernel's
#: own main module).
REFUSED_MODULES = frozenset({"__main__", "antigravity", "this", "idlelib", "tkinter", "turtle"})

#: ``ask(request) -> (reply or None, stream outputs)``: one round trip to the agent.
Ask = Callable[[dict], tuple[dict | None, list[dict]]]


class ChannelError(BaseException):
    """The kernel gave no usable answer (killed, timed out, or its agent was disabled).

    Derives from :class:`BaseException` so that ``except Exception`` in a test cell
    cannot turn a broken channel into a pass.
    """


class NotPlainResult(BaseException):
    """A student's function returned something that is not plain data (test fails)."""


@dataclass
class CellResult:
    """Outputs and findings of one test cell run by the checker.

    Attributes
    ----------
    outputs : list of dict
        nbformat outputs (``stream``, ``execute_result``, ``error``).
    tamper : list of str
        What the agent reported as patched in the kernel.
    no_reply : bool
        True when the kernel did not answer a request (its execution was tampered with).
    fatal : BaseException or None
        A dead kernel or exhausted time budget seen during the cell.
    """

    outputs: list[dict] = field(default_factory=list)
    tamper: list[str] = field(default_factory=list)
    no_reply: bool = False
    fatal: BaseException | None = None


def free_names(source: str) -> list[str]:
    r"""Return the names a cell reads but never binds, minus builtins (those stay the checker's).

    Parameters
    ----------
    source : str
        Python source of a test cell.

    Returns
    -------
    list of str
        Sorted names to look up in the student's kernel.

    Examples
    --------
    >>> free_names("import numpy as np\nresult = square(np.arange(3))\nassert len(result) == 3")
    ['square']
    >>> free_names("assert [f(x) for x in xs] == expected")
    ['expected', 'f', 'xs']
    """
    tree = ast.parse(source)
    loaded: set[str] = set()
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
    return sorted(n for n in loaded - bound if not hasattr(builtins, n))


class RemoteFunction:
    """A function of the student's notebook, called in the student's kernel.

    Calling it sends the plain arguments, runs the function in the kernel and returns its
    decoded plain result. ``__medimg_traced_call__`` runs ``medimg.checks.traced_call``
    in the kernel and returns ``(result, calls)``.
    """

    def __init__(self, checker: Checker, name: str) -> None:
        self._checker = checker
        self.__name__ = self.__qualname__ = name

    def __repr__(self) -> str:
        return f"<function {self.__name__} of the notebook>"

    def __call__(self, *args, **kwargs):
        """Call the function in the kernel; return its plain result."""
        return self._checker.call(self.__name__, args, kwargs, traced=False)

    def __medimg_traced_call__(self, *args, **kwargs):
        result = self._checker.call(self.__name__, args, kwargs, traced=True)
        if (
            type(result) is not tuple
            or len(result) != 2
            or type(result[1]) is not tuple
            or not all(type(c) is str for c in result[1])
        ):
            raise NotPlainResult(f"{self.__name__}: the kernel returned a malformed trace")
        return result


class _Streams:
    """A ``sys.stdout``/``sys.stderr`` replacement collecting nbformat stream outputs."""

    def __init__(self, outputs: list[dict], name: str) -> None:
        self.outputs, self.name = outputs, name

    def write(self, text: str) -> int:
        _append_stream(self.outputs, self.name, str(text))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _append_stream(outputs: list[dict], name: str, text: str) -> None:
    if not text:
        return
    last = outputs[-1] if outputs else None
    if last is not None and last["output_type"] == "stream" and last["name"] == name:
        last["text"] += text
    else:
        outputs.append({"output_type": "stream", "name": name, "text": text})


def _write_back(args: tuple, kwargs: dict, mutated: dict) -> None:
    """Apply in-place changes the kernel made to array, list and dict arguments.

    A kernel function gets copies of its arguments; writing the changes back keeps the
    semantics of a call in the kernel (a test can check that an input was not modified).
    """
    for key, text in mutated.items():
        if type(key) is not str or type(text) is not str:
            continue
        if key.startswith("k:"):
            target = kwargs.get(key[2:])
        elif key.isdigit() and int(key) < len(args):
            target = args[int(key)]
        else:
            continue
        try:
            new = plain.decode(text)
        except plain.PlainDataError:
            continue
        if type(target) is list and type(new) is list:
            target[:] = new
        elif type(target) is dict and type(new) is dict:
            target.clear()
            target.update(new)
        elif (
            isinstance(target, np.ndarray)
            and type(new) is np.ndarray
            and (target.shape, target.dtype) == (new.shape, new.dtype)
            and target.flags.writeable
        ):
            target[...] = new


def _exception_type(name: str, builtin: bool) -> type[Exception]:
    kind = getattr(builtins, name, None) if builtin else None
    if isinstance(kind, type) and issubclass(kind, Exception):
        return kind
    return RuntimeError


class Checker:
    """Runs test cells in this process, resolving notebook names through ``ask``.

    Parameters
    ----------
    ask : callable
        ``ask(request) -> (reply or None, stream outputs)``: one round trip to the agent
        in the student's kernel (see :mod:`medimg_grade.execute`).
    """

    def __init__(self, ask: Ask) -> None:
        self._ask = ask
        self._current: CellResult | None = None

    # ------------------------------------------------------------------ channel
    def request(self, request: dict) -> dict:
        """Send one request to the agent; return its reply (raises :class:`ChannelError`)."""
        nonce = uuid.uuid4().hex
        try:
            reply, streams = self._ask({**request, "nonce": nonce})
        except ChannelError:
            raise
        except Exception as exc:  # nbclient: dead kernel, time-out
            if self._current is not None:
                self._current.fatal = exc
            raise ChannelError(f"the notebook's kernel stopped ({type(exc).__name__})") from None
        if self._current is not None:
            for out in streams:
                _append_stream(self._current.outputs, out["name"], out["text"])
        if reply is None:
            if self._current is not None:
                self._current.no_reply = True
            raise ChannelError(
                "the notebook's kernel did not answer the grader (its execution was tampered with)"
            )
        return reply

    def call(self, name: str, args: tuple, kwargs: dict, *, traced: bool):
        """Call the notebook's function ``name`` in the kernel with plain arguments."""
        try:
            request = {
                "op": "traced" if traced else "call",
                "name": name,
                "args": plain.encode(tuple(args)),
                "kwargs": plain.encode(dict(kwargs)),
            }
        except plain.NotPlainError as exc:
            raise TypeError(
                f"{name}: a test can pass only plain data to a notebook function ({exc})"
            ) from None
        reply = self.request(request)
        if type(reply.get("mutated")) is dict:
            _write_back(args, kwargs, reply["mutated"])
        if type(reply.get("ok")) is str:
            try:
                return plain.decode(reply["ok"])
            except plain.PlainDataError as exc:
                raise NotPlainResult(f"{name} returned unreadable data: {exc}") from None
        raised = reply.get("raised")
        if type(raised) is list and len(raised) == 3 and type(raised[2]) is str:
            kind = _exception_type(str(raised[0]), raised[1] is True)
            message = raised[2]
            if kind is RuntimeError and raised[0] != "RuntimeError":
                message = f"{str(raised[0])[:100]}: {message}"
            raise kind(message)
        if type(reply.get("not_plain")) is str:
            text = reply["not_plain"].replace("\n", " ")[:500]
            raise NotPlainResult(f"{name} {text}")
        raise ChannelError(f"malformed answer from the notebook's kernel for {name}")

    # ------------------------------------------------------------------ namespace
    def _namespace(self, names: list[str], result: CellResult) -> tuple[dict, dict[str, str]]:
        namespace: dict = {"__name__": "__main__", "__builtins__": builtins}
        unusable: dict[str, str] = {}
        if not names:
            reply = self.request({"op": "resolve", "names": []})
        else:
            reply = self.request({"op": "resolve", "names": names})
        tamper = reply.get("tamper")
        if type(tamper) is list:
            result.tamper = [str(t)[:200] for t in tamper[:200]]
        described = reply.get("names")
        if type(described) is not dict:
            raise ChannelError("malformed answer from the notebook's kernel")
        for name in names:
            entry = described.get(name)
            if type(entry) is not list or not entry:
                continue
            kind = entry[0]
            if kind == "module" and len(entry) == 2 and type(entry[1]) is str:
                module = entry[1]
                if module.split(".")[0] in REFUSED_MODULES or not module:
                    unusable[name] = f"module {module[:100]!r}"
                    continue
                try:
                    namespace[name] = importlib.import_module(module)
                except Exception:
                    unusable[name] = f"module {module[:100]!r} (not importable by the grader)"
            elif kind == "function":
                namespace[name] = RemoteFunction(self, name)
            elif kind == "value" and len(entry) == 2 and type(entry[1]) is str:
                try:
                    namespace[name] = plain.decode(entry[1])
                except plain.PlainDataError:
                    unusable[name] = "value that could not be read"
            elif kind == "unsupported" and len(entry) == 2:
                unusable[name] = f"object of type {str(entry[1])[:100]}"
        return namespace, unusable

    # ------------------------------------------------------------------ running
    def run_cell(self, source: str, *, label: str = "<test cell>") -> CellResult:
        """Run one test cell; return its outputs as a kernel would have produced them.

        Parameters
        ----------
        source : str
            The test cell's code (from the grader's restored notebook).
        label : str
            File name shown in tracebacks.

        Returns
        -------
        CellResult
            Outputs and findings.
        """
        result = CellResult()
        self._current = result
        linecache.cache[label] = (len(source), None, source.splitlines(True), label)
        outputs = result.outputs
        try:
            try:
                tree = ast.parse(source, filename=label)
                names = free_names(source)
            except SyntaxError as exc:
                _error(outputs, exc, label)
                return result
            try:
                namespace, unusable = self._namespace(names, result)
            except ChannelError as exc:
                _error(outputs, exc, label, ename="GradingChannelError")
                return result
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            stdout, stderr = _Streams(outputs, "stdout"), _Streams(outputs, "stderr")
            try:
                with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                    exec(compile(tree, label, "exec"), namespace)
                    value = None
                    if last is not None:
                        value = eval(compile(last, label, "eval"), namespace)
                if value is not None:
                    outputs.append(
                        {
                            "output_type": "execute_result",
                            "execution_count": None,
                            "metadata": {},
                            "data": {"text/plain": repr(value)},
                        }
                    )
            except ChannelError as exc:
                _error(outputs, exc, label, ename="GradingChannelError")
            except NotPlainResult as exc:
                _error(outputs, exc, label, ename="NotPlainData")
            except NameError as exc:
                name = getattr(exc, "name", None)
                if name in unusable:
                    exc = NameError(
                        f"name {name!r} is a {unusable[name]} in the notebook; tests can use "
                        "only plain data (numbers, strings, arrays, images, ...) from it"
                    )
                _error(outputs, exc, label)
            except Exception as exc:
                _error(outputs, exc, label)
            return result
        finally:
            self._current = None


def _error(outputs: list[dict], exc: BaseException, label: str, ename: str = "") -> None:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == label]
    lines = ["Traceback (most recent call last):"]
    lines += [f"  Cell {label}, line {f.lineno}\n    {f.line or ''}" for f in frames]
    name = ename or type(exc).__name__
    message = str(exc)
    lines.append(f"{name}: {message}" if message else name)
    outputs.append({"output_type": "error", "ename": name, "evalue": message, "traceback": lines})


__all__ = [
    "CellResult",
    "ChannelError",
    "Checker",
    "NotPlainResult",
    "RemoteFunction",
    "free_names",
]
