"""The socket channel between the checker and the agent: framing, both ends, strictness.

The agent's serve loop runs in a thread with a fake shell (a ``user_ns`` dict, the
attributes :func:`medimg_grade.agent.install` reads); forged kernels are threads that
write raw bytes on their end of a :func:`socket.socketpair`.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time

import numpy as np
import pytest
from medimg_grade import agent, channel, plain
from medimg_grade.channel import ChannelTimeout, DeadChannel, SocketChannel
from medimg_grade.checker import ChannelError, Checker


class FakeShell:
    def __init__(self, user_ns: dict) -> None:
        self.user_ns = user_ns
        self.input_transformers_cleanup: list = []
        self.input_transformers_post: list = []
        self.ast_transformers: list = []
        self.custom_exceptions = ()


def _shout(*words):
    print("first", words[0])
    print("warning", file=__import__("sys").stderr)
    print("last")
    return len(words)


def _picky(x):
    if x < 0:
        raise ValueError("x must be >= 0")

    class Oops(Exception):
        pass

    raise Oops("custom failure")


def _fill(array):
    array[...] = 7


def _user_ns() -> dict:
    ns = {
        "np": np,
        "square": lambda x: x * x,
        "ramp": lambda n: np.arange(n, dtype=np.float32),
        "shout": _shout,
        "picky": _picky,
        "fill": _fill,
        "figure": object(),
        "make_figure": object,
        "blur": lambda v: np.convolve(v, [0.5, 0.5], mode="same"),
        "expected": [2.0, 8.0],
        "big": lambda n: "x" * n,
    }
    ns["keep"] = lambda value: ns.__setitem__("kept", value)
    return ns


def _deadline(seconds: float = 10.0):
    end = time.monotonic() + seconds
    return lambda: end


@pytest.fixture
def kernel():
    """A serving agent in a thread; yields (channel, thread)."""
    shell = FakeShell(_user_ns())
    agent.install(shell)
    ours, theirs = socket.socketpair()
    thread = threading.Thread(target=agent.serve, args=(theirs.fileno(),), kwargs={"shell": shell})
    thread.start()
    link = SocketChannel(ours, deadline=_deadline())
    yield link, thread
    link.end()
    thread.join(5)
    assert not thread.is_alive()
    ours.close()
    theirs.close()


def _forged(*frames: bytes, close: bool = False):
    """A kernel that reads one request, then writes ``frames`` (raw bytes) and maybe closes."""
    ours, theirs = socket.socketpair()
    seen: list[dict] = []

    def run():
        seen.append(channel.read_frame(theirs))
        for frame in frames:
            theirs.sendall(frame)
        if close:
            theirs.close()

    thread = threading.Thread(target=run)
    thread.start()
    return ours, theirs, thread, seen


def _frame(message) -> bytes:
    payload = json.dumps(message).encode()
    return channel.HEADER.pack(len(payload)) + payload


def _deep(depth: int) -> bytes:
    payload = b'{"nonce": "1", "reply": {"x": ' + b"[" * depth + b"]" * depth + b"}}"
    return channel.HEADER.pack(len(payload)) + payload


def _call(link: SocketChannel, name: str, *args, op: str = "call", nonce: str = "n1"):
    request = {
        "op": op,
        "name": name,
        "args": plain.encode(args),
        "kwargs": plain.encode({}),
        "nonce": nonce,
    }
    return link.ask(request)


# ---------------------------------------------------------------------- the agent's end
def test_resolve_describes_the_notebook_names(kernel):
    link, _ = kernel
    names = ["square", "expected", "np", "figure", "missing"]
    reply, streams = link.ask({"op": "resolve", "names": names, "nonce": "r"})
    assert streams == []
    assert reply["tamper"] == []
    described = reply["names"]
    assert described["square"] == ["function"]
    assert plain.decode(described["expected"][1]) == [2.0, 8.0]
    assert described["np"] == ["module", "numpy"]
    assert described["figure"] == ["unsupported", "object"]
    assert described["missing"] == ["absent"]


def test_a_call_returns_an_array(kernel):
    link, _ = kernel
    reply, streams = _call(link, "ramp", 4)
    value = plain.decode(reply["ok"])
    assert value.dtype == np.float32 and value.tolist() == [0, 1, 2, 3]
    assert streams == []


def test_what_the_function_prints_comes_back_in_order(kernel):
    link, _ = kernel
    reply, streams = _call(link, "shout", "a", "b")
    assert plain.decode(reply["ok"]) == 2
    assert "streams" not in reply
    assert streams == [
        {"name": "stdout", "text": "first a\n"},
        {"name": "stderr", "text": "warning\n"},
        {"name": "stdout", "text": "last\n"},
    ]


def test_exceptions_come_back_with_name_and_message(kernel):
    link, _ = kernel
    reply, _ = _call(link, "picky", -1)
    assert reply == {"raised": ["ValueError", True, "x must be >= 0"]}
    reply, _ = _call(link, "picky", 1, nonce="n2")
    assert reply == {"raised": ["Oops", False, "custom failure"]}
    reply, _ = _call(link, "nothing", nonce="n3")
    assert reply["raised"][0] == "NameError"


def test_results_that_are_not_plain_are_named(kernel):
    link, _ = kernel
    reply, streams = _call(link, "make_figure")
    assert reply.keys() == {"not_plain"} and "object" in reply["not_plain"]
    assert streams == []
    result = Checker(link.ask).run_cell("make_figure()")
    (error,) = result.outputs
    assert error["ename"] == "NotPlainData" and "make_figure" in error["evalue"]


def test_in_place_changes_are_reported(kernel):
    link, _ = kernel
    reply, _ = _call(link, "fill", np.zeros(3))
    assert plain.decode(reply["mutated"]["0"]).tolist() == [7.0, 7.0, 7.0]


def test_traced_call_returns_result_and_calls(kernel):
    link, _ = kernel
    reply, _ = _call(link, "blur", [1.0, 2.0, 3.0], op="traced")
    result, calls = plain.decode(reply["ok"])
    assert result.tolist() == [0.5, 1.5, 2.5]
    assert any("convolve" in c for c in calls), calls


def test_end_stops_the_loop_and_leaves_the_fd_open():
    ours, theirs = socket.socketpair()
    thread = threading.Thread(
        target=agent.serve, args=(theirs.fileno(),), kwargs={"shell": FakeShell({})}
    )
    thread.start()
    link = SocketChannel(ours, deadline=_deadline())
    assert link.ask({"op": "resolve", "names": [], "nonce": "1"})[0]["names"] == {}
    link.end()
    thread.join(5)
    assert not thread.is_alive()
    os.fstat(theirs.fileno())  # still open: serve closed only its duplicate
    theirs.sendall(b"still usable")
    assert ours.recv(100) == b"still usable"
    ours.close()
    theirs.close()


def test_the_loop_returns_when_the_checker_closes_its_end():
    ours, theirs = socket.socketpair()
    thread = threading.Thread(
        target=agent.serve, args=(theirs.fileno(),), kwargs={"shell": FakeShell({})}
    )
    thread.start()
    ours.close()
    thread.join(5)
    assert not thread.is_alive()
    theirs.close()


def test_a_malformed_request_gets_an_unusable_reply(kernel):
    link, _ = kernel
    reply, _ = link.ask({"op": "resolve", "nonce": "no-names"})
    assert reply.keys() == {"error"} and "KeyError" in reply["error"]
    checker = Checker(lambda request: link.ask({**request, "args": "garbage"}))
    with pytest.raises(ChannelError, match="malformed answer"):
        checker.call("square", (1,), {}, traced=False)


def test_a_reply_too_large_for_a_frame_becomes_a_clear_refusal(kernel, monkeypatch):
    link, _ = kernel
    monkeypatch.setattr(channel, "MAX_FRAME_BYTES", 5000)
    reply, _ = _call(link, "big", 100_000)
    assert "more data than" in reply["not_plain"]


def test_names_too_large_for_a_frame_become_unsupported(kernel, monkeypatch):
    link, _ = kernel
    _call(link, "keep", np.zeros(5000))  # the notebook now holds a 40 kB array "kept"
    monkeypatch.setattr(channel, "MAX_FRAME_BYTES", 20_000)
    reply, _ = link.ask({"op": "resolve", "names": ["kept", "expected"], "nonce": "r"})
    assert reply["names"]["kept"][0] == "unsupported" and "limit" in reply["names"]["kept"][1]
    assert reply["names"]["expected"][0] == "value"
    monkeypatch.undo()
    reply, _ = _call(link, "square", 5, nonce="after")
    assert plain.decode(reply["ok"]) == 25


def test_printed_output_is_bounded(kernel, monkeypatch):
    link, _ = kernel
    monkeypatch.setattr(channel, "MAX_STREAM_CHARS", 10)
    _, streams = _call(link, "shout", "abcdefgh")
    assert streams == [{"name": "stdout", "text": "first abcd"}]


# ---------------------------------------------------------------------- the checker's end
def test_eof_from_the_kernel_is_a_dead_channel():
    ours, _, thread, _ = _forged(close=True)
    link = SocketChannel(ours, deadline=_deadline())
    with pytest.raises(DeadChannel):
        link.ask({"op": "resolve", "names": [], "nonce": "1"})
    thread.join(5)
    ours.close()


def test_eof_in_the_middle_of_a_frame_is_a_dead_channel():
    ours, _, thread, _ = _forged(_frame({"nonce": "1", "reply": {}})[:-3], close=True)
    with pytest.raises(DeadChannel):
        SocketChannel(ours, deadline=_deadline()).ask({"op": "resolve", "nonce": "1"})
    thread.join(5)
    ours.close()


@pytest.mark.parametrize(
    "garbage",
    [
        channel.HEADER.pack(channel.MAX_FRAME_BYTES + 1) + b"{}",
        channel.HEADER.pack(2**64 - 1),
        channel.HEADER.pack(9) + b"not json!",
        channel.HEADER.pack(3) + b"\xff\xfe{",
        _frame([{"nonce": "1", "reply": {}}]),
        _frame("a string"),
        _deep(100_000),
    ],
    ids=["oversized", "huge-length", "not-json", "not-utf8", "list", "string", "deep"],
)
def test_garbage_frames_are_no_reply_and_break_the_channel(garbage):
    ours, theirs, thread, seen = _forged(garbage)
    link = SocketChannel(ours, deadline=_deadline())
    assert link.ask({"op": "resolve", "names": [], "nonce": "1"}) == (None, [])
    assert link.broken
    thread.join(5)
    # Nothing is sent or read any more: a kernel that answered now would not be heard.
    theirs.sendall(_frame({"nonce": "2", "reply": {"names": {}}}))
    assert link.ask({"op": "resolve", "names": [], "nonce": "2"}) == (None, [])
    assert len(seen) == 1
    ours.close()
    theirs.close()


def test_the_checker_sees_no_reply_for_garbage():
    ours, theirs, thread, _ = _forged(channel.HEADER.pack(5) + b"12345")
    result = Checker(SocketChannel(ours, deadline=_deadline()).ask).run_cell("square(3)")
    assert result.no_reply and result.fatal is None
    assert result.outputs[-1]["ename"] == "GradingChannelError"
    thread.join(5)
    ours.close()
    theirs.close()


def test_replies_with_another_nonce_or_malformed_are_skipped():
    frames = [
        _frame({"nonce": "old", "reply": {"names": {"x": ["absent"]}}}),
        _frame({"nonce": "1", "reply": "a string"}),
        _frame({"reply": {}}),
        _frame(
            {
                "nonce": "1",
                "reply": {
                    "names": {},
                    "streams": [
                        {"name": "stdout", "text": "a"},
                        {"name": "stdin", "text": "forged"},
                        {"name": "stdout", "text": 5},
                        "junk",
                        {"name": "stderr", "text": "b"},
                    ],
                },
            }
        ),
    ]
    ours, theirs, thread, _ = _forged(*frames)
    link = SocketChannel(ours, deadline=_deadline())
    reply, streams = link.ask({"op": "resolve", "names": [], "nonce": "1"})
    assert reply == {"names": {}}
    assert streams == [{"name": "stdout", "text": "a"}, {"name": "stderr", "text": "b"}]
    assert not link.broken
    thread.join(5)
    ours.close()
    theirs.close()


def test_too_many_foreign_frames_are_no_reply():
    junk = _frame({"nonce": "other", "reply": {}})
    good = _frame({"nonce": "1", "reply": {"names": {}}})
    ours, theirs, thread, _ = _forged(*[junk] * (channel.MAX_SKIPPED_FRAMES + 1), good)
    link = SocketChannel(ours, deadline=_deadline())
    assert link.ask({"op": "resolve", "names": [], "nonce": "1"}) == (None, [])
    assert link.broken
    thread.join(5)
    ours.close()
    theirs.close()


def test_a_silent_kernel_times_out_at_the_deadline():
    ours, theirs, thread, seen = _forged()
    link = SocketChannel(ours, deadline=_deadline(0.3))
    started = time.monotonic()
    with pytest.raises(ChannelTimeout):
        link.ask({"op": "resolve", "names": [], "nonce": "1"})
    assert 0.25 < time.monotonic() - started < 3
    thread.join(5)
    assert seen == [{"op": "resolve", "names": [], "nonce": "1"}]
    ours.close()
    theirs.close()


def test_a_passed_deadline_sends_nothing():
    ours, theirs = socket.socketpair()
    link = SocketChannel(ours, deadline=lambda: time.monotonic() - 1)
    with pytest.raises(ChannelTimeout):
        link.ask({"op": "resolve", "names": [], "nonce": "1"})
    theirs.setblocking(False)
    with pytest.raises(BlockingIOError):
        theirs.recv(10)
    ours.close()
    theirs.close()


def test_a_timeout_is_fatal_for_the_checker():
    ours, theirs, thread, _ = _forged()
    result = Checker(SocketChannel(ours, deadline=_deadline(0.2)).ask).run_cell("square(3)")
    assert isinstance(result.fatal, ChannelTimeout)
    thread.join(5)
    ours.close()
    theirs.close()


def test_a_request_too_large_fails_the_test_only(kernel, monkeypatch):
    link, _ = kernel
    monkeypatch.setattr(channel, "MAX_FRAME_BYTES", 1000)
    result = Checker(link.ask).run_cell("square(np.zeros(1000))")
    assert result.fatal is None and not result.no_reply
    assert result.outputs[-1]["ename"] == "GradingChannelError"
    assert "limit" in result.outputs[-1]["evalue"]
    assert Checker(link.ask).run_cell("assert square(3) == 9").outputs == []


def test_end_does_not_wait_for_a_kernel_that_never_reads():
    ours, theirs = socket.socketpair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    ours.setblocking(False)
    try:
        while True:
            ours.send(b"x" * 4096)
    except BlockingIOError:
        pass
    started = time.monotonic()
    SocketChannel(ours, deadline=_deadline()).end()
    assert time.monotonic() - started < channel.END_TIMEOUT_S + 1
    ours.close()
    theirs.close()


# ---------------------------------------------------------------------- end to end
def test_a_test_cell_runs_end_to_end_over_the_socket(kernel):
    link, _ = kernel
    checker = Checker(link.ask)
    result = checker.run_cell("assert square(3) == 9\nnp.testing.assert_allclose(ramp(2), [0, 1])")
    assert result.outputs == [] and not result.no_reply and result.fatal is None
    result = checker.run_cell("shout('x')\nprint('test')\nsquare(4)")
    assert result.outputs == [
        {"output_type": "stream", "name": "stdout", "text": "first x\n"},
        {"output_type": "stream", "name": "stderr", "text": "warning\n"},
        {"output_type": "stream", "name": "stdout", "text": "last\ntest\n"},
        {
            "output_type": "execute_result",
            "execution_count": None,
            "metadata": {},
            "data": {"text/plain": "16"},
        },
    ]
    result = checker.run_cell(
        "values = np.zeros(2)\nfill(values)\nassert values.tolist() == [7.0, 7.0]\npicky(-1)"
    )
    (error,) = result.outputs
    assert error["ename"] == "ValueError" and error["evalue"] == "x must be >= 0"


def test_a_kernel_dying_during_a_call_is_fatal_for_the_checker():
    ours, _, thread, _ = _forged(close=True)
    result = Checker(SocketChannel(ours, deadline=_deadline()).ask).run_cell("square(3)")
    assert isinstance(result.fatal, DeadChannel)
    thread.join(5)
    ours.close()
