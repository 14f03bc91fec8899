"""The grader's agent inside the student's kernel: answers the checker's requests.

The checker (:mod:`medimg_grade.checker`, in the runner process) never runs student
code. When a test cell uses a name defined by the notebook, the checker asks this agent
through the kernel's ordinary execute requests; the agent looks the name up in the
kernel, calls the student's function there, and answers with plain data
(:mod:`medimg_grade.plain`) in a ``display_data`` message of type :data:`MIME`.

Nothing here is trusted. A submission can read, patch or replace this module; that can
only change what the notebook answers about its own names and functions, and the
checker decodes every answer strictly. The agent also reports, where it can see it,
that the submission patched ``numpy``, ``numpy.testing``, ``math``, ``builtins``,
IPython's execution hooks or installed a trace function: such rows are flagged, but no
grade depends on this report.
"""

from __future__ import annotations

import base64
import builtins
import json
import sys

#: MIME type of the agent's answers.
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


def handle(request_b64: str) -> None:
    """Answer one request of the checker (called by the code the checker executes)."""
    from IPython import get_ipython
    from IPython.display import publish_display_data

    request = json.loads(base64.b64decode(request_b64))
    shell = get_ipython()
    op = request["op"]
    if op == "resolve":
        names = {}
        for name in request["names"]:
            if name in shell.user_ns:
                names[name] = _describe(shell.user_ns[name])
            else:
                names[name] = ["absent"]
        reply = {"names": names, "tamper": tampering()}
    elif op in ("call", "traced"):
        reply = _call(shell, request, traced=op == "traced")
    else:
        reply = {"raised": ["ValueError", True, f"unknown request {op!r}"]}
    publish_display_data({MIME: {"nonce": request["nonce"], "reply": json.dumps(reply)}})
