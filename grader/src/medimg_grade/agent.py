"""The grader's agent inside the student's kernel: answers the checker's requests.

The checker (:mod:`medimg_grade.checker`, in the runner process) never runs student
code. When a test cell uses a name defined by the notebook, the checker asks this agent
through the kernel's ordinary execute requests; the agent looks the name up in the
kernel, calls the student's function there, and answers with plain data
(:mod:`medimg_grade.plain`). Requests and answers travel on a private socket pair
(:mod:`medimg_grade.channel`), served by :func:`serve` during one execute request per
test cell; :func:`answer` answers each, and what the student's function prints comes
back with its reply.

Nothing here is trusted. A submission can read, patch or replace this module; that can
only change what the notebook answers about its own names and functions, and the
checker decodes every answer strictly. The agent also reports, where it can see it,
that the submission patched ``numpy``, ``numpy.testing``, ``math``, ``builtins``,
IPython's execution hooks or installed a trace function: such rows are flagged, but no
grade depends on this report.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import os
import socket
import sys

from medimg_grade import channel
from medimg_grade.channel import append_stream

#: MIME type of the answers of earlier versions of the agent; a submission that
#: publishes it is trying to forge an answer (:mod:`medimg_grade.score` flags it).
MIME = "application/vnd.medimg.reply+json"
#: Modules whose public attributes (and functions' code) are watched for patching.
WATCHED = ("numpy", "numpy.testing", "math")
_IGNORED_BUILTINS = ("input", "raw_input", "exit", "quit", "display", "get_ipython")

_snapshot: dict = {}


def install(shell) -> None:
    """Remember the state of the watched modules and IPython hooks (before student code)."""
    _snapshot.clear()
    _snapshot["builtins"] = dict(vars(builtins))
    modules = {}
    codes = {}
    for name in WATCHED:
        try:
            module = __import__(name, fromlist=["_"])
        except Exception:
            continue
        attrs = {k: v for k, v in vars(module).items() if not k.startswith("_")}
        modules[name] = (module, attrs)
        for key, value in attrs.items():
            code = getattr(value, "__code__", None)
            if code is not None:
                codes[(name, key)] = (value, code)
    _snapshot["modules"] = modules
    _snapshot["codes"] = codes
    _snapshot["shell_cls"] = {
        cls: dict(vars(cls))
        for cls in type(shell).__mro__
        if cls.__module__.startswith(("IPython", "ipykernel"))
    }
    _snapshot["transformers"] = _transformers(shell)
    _snapshot["shell_attrs"] = {k: v for k, v in vars(shell).items() if callable(v)}
    _snapshot["custom_exceptions"] = tuple(getattr(shell, "custom_exceptions", ()))
    _snapshot["shell"] = shell


def _transformers(shell) -> tuple:
    return (
        list(shell.input_transformers_cleanup),
        list(shell.input_transformers_post),
        list(shell.ast_transformers),
    )


def tampering() -> list[str]:
    """Names of what changed since :func:`install` (report only; nothing is restored)."""
    if not _snapshot:
        return ["the grader's agent state"]
    found = []
    for key, value in _snapshot["builtins"].items():
        if key.startswith("_") or key in _IGNORED_BUILTINS:
            continue
        if vars(builtins).get(key, _snapshot) is not value:
            found.append("builtins." + key)
    for name, (module, attrs) in _snapshot["modules"].items():
        if sys.modules.get(name) is not module:
            found.append(f"sys.modules[{name!r}]")
        for key, value in attrs.items():
            if vars(module).get(key, _snapshot) is not value:
                found.append(name + "." + key)
    for (name, key), (func, code) in _snapshot["codes"].items():
        if getattr(func, "__code__", code) is not code:
            found.append(name + "." + key + ".__code__")
    shell = _snapshot["shell"]
    for cls, attrs in _snapshot["shell_cls"].items():
        current = vars(cls)
        for key in current:
            if key not in attrs or current[key] is not attrs[key]:
                found.append(cls.__name__ + "." + key)
        for key in attrs:
            if key not in current:
                found.append(cls.__name__ + "." + key)
    for key, value in vars(shell).items():
        if callable(value) and _snapshot["shell_attrs"].get(key, _snapshot) is not value:
            found.append("shell." + key)
    if _transformers(shell) != _snapshot["transformers"]:
        found.append("IPython input/ast transformers")
    if tuple(getattr(shell, "custom_exceptions", ())) != _snapshot["custom_exceptions"]:
        found.append("IPython custom exception handlers")
    if sys.gettrace() is not None or sys.getprofile() is not None:
        found.append("sys.settrace/setprofile")
    return sorted(set(found))


def _describe(value) -> list:
    from medimg_grade import plain

    if isinstance(value, type(sys)):
        return ["module", str(getattr(value, "__name__", ""))]
    if callable(value):
        return ["function"]
    try:
        return ["value", plain.encode(value)]
    except plain.NotPlainError:
        return ["unsupported", type(value).__name__]


def _raised(exc: BaseException) -> dict:
    kind = type(exc)
    builtin = (
        kind.__module__ == "builtins"
        and issubclass(kind, Exception)
        and getattr(builtins, kind.__name__, None) is kind
    )
    try:
        message = str(exc)
    except Exception:
        message = ""
    return {"raised": [kind.__name__, builtin, message[:10000]]}


def _call(shell, request: dict, traced: bool) -> dict:
    from medimg_grade import plain

    func = shell.user_ns.get(request["name"])
    if func is None or not callable(func):
        return {"raised": ["NameError", True, f"name {request['name']!r} is not defined"]}
    args = plain.decode(request["args"])
    kwargs = plain.decode(request["kwargs"])
    watched = {str(i): a for i, a in enumerate(args)}
    watched.update({"k:" + k: v for k, v in kwargs.items()})
    before = {key: _fingerprint(value) for key, value in watched.items()}
    try:
        if traced:
            from medimg.checks import traced_call

            record = traced_call(func, *args, **kwargs)
            result = (record.result, tuple(str(c) for c in record.calls))
        else:
            result = func(*args, **kwargs)
    except BaseException as exc:  # the student's exception goes back to the checker
        return _raised(exc)
    try:
        reply = {"ok": plain.encode(result)}
    except plain.NotPlainError as exc:
        return {"not_plain": str(exc)}
    mutated = {}
    for key, value in watched.items():
        if before[key] is not None and _fingerprint(value) != before[key]:
            try:
                mutated[key] = plain.encode(value)
            except plain.NotPlainError:
                continue
    if mutated:
        reply["mutated"] = mutated
    return reply


def _fingerprint(value):
    """Return a comparable snapshot of a mutable argument (array, list, dict), else None."""
    from medimg_grade import plain

    if type(value).__name__ == "ndarray" and type(value).__module__ == "numpy":
        return (value.shape, str(value.dtype), value.tobytes())
    if type(value) in (list, dict):
        try:
            return plain.encode(value)
        except plain.NotPlainError:
            return None
    return None


class _Capture:
    """What the student's code prints during a request, in order, bounded in size."""

    def __init__(self) -> None:
        self.streams: list[dict] = []
        self.room = channel.MAX_STREAM_CHARS

    def writer(self, name: str) -> _Writer:
        return _Writer(self, name)

    def add(self, name: str, text: str) -> None:
        text = text[: self.room]
        if not text:
            return
        self.room -= len(text)
        append_stream(self.streams, name, text)


class _Writer(io.TextIOBase):
    """A ``sys.stdout``/``sys.stderr`` replacement feeding a :class:`_Capture`."""

    def __init__(self, capture: _Capture, name: str) -> None:
        self._capture, self.name = capture, name

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        self._capture.add(self.name, text)
        return len(text)


def answer(request: dict, shell, *, capture: bool = True) -> dict:
    r"""Return the reply to one request of the checker (the one logic of both channels).

    Parameters
    ----------
    request : dict
        ``{"op": "resolve", "names": [...]}``, or ``{"op": "call" | "traced", "name": ...,
        "args": ..., "kwargs": ...}`` (plain-encoded), plus the checker's ``"nonce"``.
    shell : IPython.core.interactiveshell.InteractiveShell
        The kernel's shell (anything with a ``user_ns`` dict will do).
    capture : bool
        Collect what the code prints to ``sys.stdout``/``sys.stderr`` while answering and
        return it as ``"streams"`` (``[{"name": "stdout" | "stderr", "text": ...}]``, in
        order); otherwise it is printed as usual.

    Returns
    -------
    dict
        The reply (JSON-serializable).

    Examples
    --------
    >>> class Shell:
    ...     user_ns = {"shout": lambda word: print(word.upper()) or len(word)}
    >>> from medimg_grade import plain
    >>> args = plain.encode(("hello",))
    >>> reply = answer({"op": "call", "name": "shout", "args": args,
    ...                 "kwargs": plain.encode({})}, Shell())
    >>> plain.decode(reply["ok"]), reply["streams"]
    (5, [{'name': 'stdout', 'text': 'HELLO\n'}])
    """
    op = request.get("op")
    if not capture:
        return _answer(request, shell, op)
    collected = _Capture()
    with (
        contextlib.redirect_stdout(collected.writer("stdout")),
        contextlib.redirect_stderr(collected.writer("stderr")),
    ):
        reply = _answer(request, shell, op)
    if collected.streams:
        reply["streams"] = collected.streams
    return reply


def _answer(request: dict, shell, op) -> dict:
    if op == "resolve":
        names = {}
        for name in request["names"]:
            if name in shell.user_ns:
                names[name] = _describe(shell.user_ns[name])
            else:
                names[name] = ["absent"]
        return {"names": names, "tamper": tampering()}
    if op in ("call", "traced"):
        return _call(shell, request, traced=op == "traced")
    return {"raised": ["ValueError", True, f"unknown request {op!r}"]}


def _too_large(request: dict, reply: dict) -> dict:
    """Return a reply that fits in a frame in place of ``reply`` (which does not)."""
    from medimg_grade.channel import MAX_FRAME_BYTES

    limit = f"the grader's limit of {MAX_FRAME_BYTES // 2**20} MiB"
    if request.get("op") != "resolve":
        smaller = {"not_plain": f"returned more data than {limit}"}
        if "streams" in reply:
            smaller["streams"] = reply["streams"]
        return smaller
    names = dict(reply.get("names", {}))
    room = MAX_FRAME_BYTES // 2
    for name in sorted(names, key=lambda key: -len(json.dumps(names[key]))):
        if len(json.dumps(names)) <= room:
            break
        names[name] = ["unsupported", f"value larger than {limit}"]
    return {"names": names, "tamper": reply.get("tamper", [])}


def serve(fd: int, shell=None, *, hello: str | None = None) -> None:
    """Answer the checker's requests on the socket ``fd`` until it says ``end``.

    The runner executes ``__import__('medimg_grade.agent', fromlist=['_']).serve(FD)``
    in the kernel once per test cell; requests and replies are frames of
    :mod:`medimg_grade.channel`. Each request is answered by :func:`answer` as
    ``{"nonce": ..., "reply": {...}}``, with what the student's code printed in the
    reply's ``"streams"``. The loop returns on the frame ``{"op": "end"}`` (not
    answered), at end of file, or when the socket fails or a frame is malformed.

    Parameters
    ----------
    fd : int
        An open stream socket; it is duplicated, and ``fd`` itself stays open.
    shell : IPython.core.interactiveshell.InteractiveShell, optional
        The kernel's shell; :func:`IPython.get_ipython` when None.
    hello : str, optional
        Sent first as ``{"nonce": hello, "reply": {}}``, so that the runner knows the
        loop runs (and is not waiting for a loop that a submission replaced).
    """
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    sock = socket.socket(fileno=os.dup(fd))
    try:
        if hello is not None:
            try:
                channel.write_frame(sock, {"nonce": str(hello), "reply": {}})
            except (channel.FrameError, channel.DeadChannel):
                return
        while True:
            try:
                request = channel.read_frame(sock)
            except (channel.FrameError, channel.DeadChannel):
                return
            if request.get("op") == "end":
                return
            try:
                reply = answer(request, shell)
            except Exception as exc:  # a malformed request: the checker sees no usable reply
                reply = {"error": f"{type(exc).__name__}: {exc}"[:1000]}
            try:
                _reply(sock, request, reply)
            except (channel.FrameError, channel.DeadChannel):
                return
    finally:
        sock.close()


def _reply(sock: socket.socket, request: dict, reply: dict) -> None:
    """Send ``reply``; if it is too large for a frame, a smaller one (the checker waits)."""
    nonce = request.get("nonce")
    try:
        channel.write_frame(sock, {"nonce": nonce, "reply": reply})
        return
    except channel.FrameError:
        pass
    try:
        channel.write_frame(sock, {"nonce": nonce, "reply": _too_large(request, reply)})
    except channel.FrameError:
        channel.write_frame(sock, {"nonce": nonce, "reply": {"error": "reply too large"}})
