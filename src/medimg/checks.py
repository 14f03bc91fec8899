"""Which functions ran? Behavioural checks for the problem sets' "write it yourself" rule.

A problem set sometimes asks you to write a computation yourself instead of calling a
library function that already does it (or the course's own reference in :mod:`medimg`).
The tests check that rule by *watching what runs* while your function runs, never by
reading your source: comments, variable names, imports and where a helper is defined do
not matter, only which functions are actually called.

:func:`traced_call` calls a function and records the name ``"module.qualname"`` of every
function that ran during the call (Python functions, and C functions that belong to a
module). :func:`assert_own_implementation` fails when one of those names is on a list of
banned names.

Under the course's grader the test cells run in a separate checker process and your
function is a *remote* function that runs in your notebook's kernel; such a function
carries an attribute ``__medimg_traced_call__`` and the trace is then taken in the kernel,
by :func:`traced_call` itself.
"""

from __future__ import annotations

import importlib
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any

__all__ = ["Traced", "assert_own_implementation", "banned_names", "traced_call"]

#: Attribute of the grader's remote functions; calling it traces in the student's kernel.
REMOTE_HOOK = "__medimg_traced_call__"


@dataclass(frozen=True)
class Traced:
    """What :func:`traced_call` saw.

    Attributes
    ----------
    result : object
        What the function returned.
    calls : tuple of str
        ``"module.qualname"`` of every function that ran during the call, the function
        itself first, each name once, in the order of its first call. Python functions are
        named by the module their code was defined in (``frame.f_globals["__name__"]``) and
        the code's qualified name, so a function defined in a notebook is
        ``"__main__.name"``; C functions by their ``__module__`` and ``__qualname__``
        (C methods without a module, such as ``list.append``, are not listed).
    """

    result: object
    calls: tuple[str, ...]


def _frame_name(frame: FrameType) -> str:
    module = frame.f_globals.get("__name__", "?")
    return f"{module}.{frame.f_code.co_qualname}"


def _c_name(function: object) -> str | None:
    module = getattr(function, "__module__", None)
    qualname = getattr(function, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str):
        return None
    return f"{module}.{qualname}"


def _trace_here(func: Callable[..., Any], args: tuple, kwargs: dict) -> Traced:
    seen: dict[str, None] = {}
    recording = True

    def profiler(frame: FrameType, event: str, arg: object) -> None:
        if not recording:
            return
        if event == "call":
            seen.setdefault(_frame_name(frame))
        elif event == "c_call":
            name = _c_name(arg)
            if name is not None:
                seen.setdefault(name)

    # threading.getprofile exists from Python 3.12; 3.11 keeps the hook in a module global.
    old_thread_profiler = (
        threading.getprofile()
        if hasattr(threading, "getprofile")
        else getattr(threading, "_profile_hook", None)
    )
    old_profiler = sys.getprofile()
    threading.setprofile(profiler)
    sys.setprofile(profiler)
    try:
        result = func(*args, **kwargs)
    finally:
        recording = False
        sys.setprofile(old_profiler)
        threading.setprofile(old_thread_profiler)
    return Traced(result=result, calls=tuple(seen))


def traced_call(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Traced:
    """Call ``func(*args, **kwargs)`` and record which functions ran during the call.

    Parameters
    ----------
    func : callable
        The function to call, for example your solution of a problem-set part.
    *args, **kwargs
        Passed to ``func`` unchanged.

    Returns
    -------
    Traced
        The result and the names of the functions that ran (see :class:`Traced`).

    Raises
    ------
    TypeError
        If ``func`` is not callable.
    Exception
        Whatever ``func`` raises, after the previous profilers have been restored.

    Notes
    -----
    Tracing uses :func:`sys.setprofile` (and :func:`threading.setprofile` for threads
    started during the call) and puts the previous profilers back afterwards. numpy's
    ufuncs (``np.add``, ``np.sqrt``, ...) are not Python or C *functions* and are not
    listed. If ``func`` has an attribute ``__medimg_traced_call__`` (the grader's remote
    functions), that attribute is called instead and must return ``(result, calls)``.

    Examples
    --------
    >>> import numpy as np
    >>> def mean_of_squares(values):
    ...     return float(np.mean(np.square(values)))
    >>> traced = traced_call(mean_of_squares, [1, 2, 3])
    >>> round(traced.result, 4)
    4.6667
    >>> traced.calls[0]
    'medimg.checks.mean_of_squares'
    >>> [call for call in traced.calls if call.endswith(".mean")]  # defined in a private module
    ['numpy._core.fromnumeric.mean']
    """
    if not callable(func):
        raise TypeError(f"func must be callable, got {type(func).__name__}")
    remote = getattr(func, REMOTE_HOOK, None)
    if remote is not None:
        result, calls = remote(*args, **kwargs)
        return Traced(result=result, calls=tuple(calls))
    return _trace_here(func, args, kwargs)


def _resolve(entry: str) -> object | None:
    """Return the object a dotted name refers to (``"numpy.convolve"``), or None."""
    parts = entry.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        except Exception:  # a module that fails to import for another reason: name it only
            return None
        for attribute in parts[split:]:
            obj = getattr(obj, attribute, None)
            if obj is None:
                return None
        return obj
    return None


def banned_names(entry: str) -> tuple[str, ...]:
    """Every name under which a call of a banned entry shows up in :attr:`Traced.calls`.

    Libraries define many public functions in private modules (``numpy.convolve`` runs as
    ``numpy._core.numeric.convolve``), so a banned entry that names a function also bans
    the name of the code that actually runs.

    Parameters
    ----------
    entry : str
        A module (``"scipy.ndimage"``, ``"medimg"``) or a function
        (``"numpy.convolve"``, ``"skimage.filters.threshold_otsu"``).

    Returns
    -------
    tuple of str
        ``entry`` itself first, then the names of the code it refers to, if importable.

    Raises
    ------
    ValueError
        If ``entry`` is empty or not a dotted name.

    Examples
    --------
    >>> banned_names("numpy.convolve")
    ('numpy.convolve', 'numpy._core.numeric.convolve')
    >>> banned_names("scipy.ndimage")
    ('scipy.ndimage',)
    """
    if not isinstance(entry, str) or not entry or any(not part for part in entry.split(".")):
        raise ValueError(
            f"banned entries must be dotted names like 'numpy.convolve', got {entry!r}"
        )
    names = {entry: None}
    with warnings.catch_warnings():  # import-time warnings of a library are no test output
        warnings.simplefilter("ignore")
        obj = _resolve(entry)
    if obj is not None and not isinstance(obj, type(sys)):
        for candidate in (
            obj,
            getattr(obj, "__wrapped__", None),
            getattr(obj, "_implementation", None),
        ):
            code = getattr(candidate, "__code__", None)
            module_globals = getattr(candidate, "__globals__", None)
            if code is not None and isinstance(module_globals, dict):
                names.setdefault(f"{module_globals.get('__name__', '?')}.{code.co_qualname}")
            elif candidate is not None:
                c_name = _c_name(candidate)
                if c_name is not None:
                    names.setdefault(c_name)
    return tuple(names)


def _matches(call: str, name: str) -> bool:
    return call == name or call.startswith(name + ".")


def assert_own_implementation(
    func: Callable[..., Any],
    /,
    *args: Any,
    banned: Sequence[str],
    what: str = "",
    **kwargs: Any,
) -> object:
    """Call ``func`` and fail if it called a function the instructions ask you to write yourself.

    Parameters
    ----------
    func : callable
        Your function.
    *args, **kwargs
        Passed to ``func`` unchanged.
    banned : sequence of str
        Modules or functions that must not run during the call, as dotted names. A call is
        banned when its name equals an entry or starts with the entry followed by a dot
        (``"scipy.ndimage"`` bans every function of that package); a function entry also
        bans the code it refers to (see :func:`banned_names`).
    what : str, optional
        What the instructions ask you to write yourself, added to the failure message.

    Returns
    -------
    object
        What ``func`` returned, so that the same call can be checked further.

    Raises
    ------
    AssertionError
        Naming the first banned call and the others found.
    ValueError
        If ``banned`` is a single string or holds an entry that is not a dotted name.

    Examples
    --------
    >>> import numpy as np
    >>> def smooth(values):
    ...     return np.convolve(values, [0.5, 0.5], mode="valid")
    >>> assert_own_implementation(smooth, [1.0, 3.0, 5.0], banned=["scipy.ndimage"])
    array([2., 4.])
    >>> assert_own_implementation(smooth, [1.0, 3.0, 5.0], banned=["numpy.convolve"])
    Traceback (most recent call last):
    ...
    AssertionError: smooth called numpy._core.numeric.convolve (numpy.convolve), which the instructions ask you to write yourself. ...
    """
    if isinstance(banned, str):
        raise ValueError(f"banned must be a list of dotted names, got the string {banned!r}")
    names = {entry: banned_names(entry) for entry in banned}
    traced = traced_call(func, *args, **kwargs)
    found: list[tuple[str, str]] = []
    for call in traced.calls:
        for entry, aliases in names.items():
            if any(_matches(call, alias) for alias in aliases):
                found.append((call, entry))
                break
    if found:
        name = getattr(func, "__name__", "your function")
        call, entry = found[0]
        label = call if call == entry else f"{call} ({entry})"
        message = f"{name} called {label}, which the instructions ask you to write yourself"
        if what:
            message += f" ({what})"
        message += (
            ". Write this step with basic operations instead; comments and names never matter."
        )
        if len(found) > 1:
            message += " Other banned calls: " + ", ".join(c for c, _ in found[1:6])
            message += "." if len(found) <= 6 else ", ..."
        raise AssertionError(message)
    return traced.result
