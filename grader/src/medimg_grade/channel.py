"""The private socket between the checker and the grader's agent in the student's kernel.

Once per test cell the runner (:mod:`medimg_grade.execute`) starts the agent's serve loop
(:func:`medimg_grade.agent.serve`) with one execute request; the checker's requests and
the agent's answers then travel over a stream socket inherited by the kernel, instead of
one Jupyter execute round trip each.

Framing, the same in both directions: an 8-byte big-endian unsigned length followed by
that many bytes of UTF-8 JSON whose top level is an object. Frames longer than
:data:`MAX_FRAME_BYTES` are refused. Requests are the checker's (``{"op": ...,
"nonce": ...}``, see :mod:`medimg_grade.checker`); an answer is ``{"nonce": ...,
"reply": {...}}``, where the reply may carry ``"streams"``, what the student's function
printed (``[{"name": "stdout" | "stderr", "text": ...}, ...]``, in order). The frame
``{"op": "end"}`` ends the serve loop (it is not answered).

The reading on the trusted side (:class:`SocketChannel`) is strict: a frame that is too
long, not UTF-8 JSON or not an object is no answer at all, and so is a reply with
another nonce or a malformed one; the only exceptions that leave :meth:`SocketChannel.ask`
are the ones defined here (plus :class:`medimg_grade.checker.ChannelError` for a
request too large to send), whatever the kernel writes.

This module is imported by both ends (the agent in the kernel and the checker), so it
depends on the standard library only.

Examples
--------
>>> import socket
>>> checker_end, kernel_end = socket.socketpair()
>>> write_frame(kernel_end, {"nonce": "1", "reply": {"ok": "..."}})
>>> read_frame(checker_end)
{'nonce': '1', 'reply': {'ok': '...'}}
>>> decode_frame(encode_frame({"op": "end"})[HEADER.size :])
{'op': 'end'}
>>> checker_end.close(), kernel_end.close()
(None, None)
"""

from __future__ import annotations

import json
import socket
import struct
import time
from collections.abc import Callable

#: Longest frame accepted or sent, in bytes (the sandbox's largest file, ``MAX_FILE_BYTES``).
MAX_FRAME_BYTES = 64 * 2**20
#: Most characters of printed output returned with one reply (the rest is dropped).
MAX_STREAM_CHARS = 4 * 2**20
#: Frames that are not the awaited answer skipped by one :meth:`SocketChannel.ask`.
MAX_SKIPPED_FRAMES = 32
#: Seconds :meth:`SocketChannel.end` may wait for room to send its frame.
END_TIMEOUT_S = 1.0
#: The length prefix of a frame: 8 bytes, big-endian, unsigned.
HEADER = struct.Struct(">Q")


class FrameError(ValueError):
    """A frame that is too long, not UTF-8 JSON or not a JSON object."""


class DeadChannel(Exception):
    """The other end closed the socket (or it failed): end of file, reset, broken pipe."""


class ChannelTimeout(TimeoutError):
    """The deadline passed before the other end answered (or took the request)."""


def encode_frame(message: dict) -> bytes:
    """Return ``message`` as one frame: length prefix and UTF-8 JSON.

    Parameters
    ----------
    message : dict
        A JSON-serializable object.

    Returns
    -------
    bytes
        The frame.

    Raises
    ------
    FrameError
        If the JSON text is longer than :data:`MAX_FRAME_BYTES`.

    Examples
    --------
    >>> frame = encode_frame({"op": "end"})
    >>> HEADER.unpack(frame[: HEADER.size]), frame[HEADER.size :]
    ((13,), b'{"op": "end"}')
    """
    payload = json.dumps(message).encode("utf-8")
    if len(payload) > MAX_FRAME_BYTES:
        raise FrameError(f"frame of {len(payload)} bytes; the limit is {MAX_FRAME_BYTES}")
    return HEADER.pack(len(payload)) + payload


def decode_frame(payload: bytes) -> dict:
    """Return the JSON object of a frame's payload (the bytes after the length prefix).

    Parameters
    ----------
    payload : bytes
        UTF-8 JSON text.

    Returns
    -------
    dict
        The decoded object.

    Raises
    ------
    FrameError
        If the payload is too long, not UTF-8, not JSON, nested too deeply, or its top
        level is not an object.

    Examples
    --------
    >>> decode_frame(b'{"nonce": "7", "reply": {}}')
    {'nonce': '7', 'reply': {}}
    >>> decode_frame(b"[1, 2]")
    Traceback (most recent call last):
    ...
    medimg_grade.channel.FrameError: a frame must hold a JSON object, not list
    """
    if len(payload) > MAX_FRAME_BYTES:
        raise FrameError(f"frame of {len(payload)} bytes; the limit is {MAX_FRAME_BYTES}")
    try:
        message = json.loads(payload.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise FrameError(f"a frame must hold UTF-8 JSON ({type(exc).__name__})") from None
    if type(message) is not dict:
        raise FrameError(f"a frame must hold a JSON object, not {type(message).__name__}")
    return message


def _timeout(deadline: float | None) -> float | None:
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise ChannelTimeout("the deadline passed")
    return left


def _read_exact(sock: socket.socket, size: int, deadline: float | None) -> bytearray:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    try:
        while got < size:
            sock.settimeout(_timeout(deadline))
            count = sock.recv_into(view[got:])
            if count == 0:
                raise DeadChannel("end of file on the channel")
            got += count
    except TimeoutError:  # socket.timeout, or our own ChannelTimeout
        raise ChannelTimeout("no answer before the deadline") from None
    except OSError as exc:
        raise DeadChannel(f"the channel failed ({type(exc).__name__})") from None
    finally:
        view.release()
    return buffer


def read_frame(sock: socket.socket, *, deadline: float | None = None) -> dict:
    """Read one frame from ``sock`` and return its JSON object.

    Parameters
    ----------
    sock : socket.socket
        A connected stream socket (its timeout is changed).
    deadline : float, optional
        :func:`time.monotonic` time by which the whole frame must have arrived; None
        waits for ever.

    Returns
    -------
    dict
        The frame's object.

    Raises
    ------
    FrameError
        If the announced length exceeds :data:`MAX_FRAME_BYTES` (nothing more is read: the
        stream can no longer be trusted) or the payload is not a JSON object.
    DeadChannel
        On end of file (also in the middle of a frame) or a socket error.
    ChannelTimeout
        If ``deadline`` passes first.

    Examples
    --------
    >>> import socket
    >>> a, b = socket.socketpair()
    >>> _ = b.sendall(HEADER.pack(MAX_FRAME_BYTES + 1))
    >>> read_frame(a)
    Traceback (most recent call last):
    ...
    medimg_grade.channel.FrameError: frame of 67108865 bytes announced; the limit is 67108864
    >>> b.close()
    >>> read_frame(a)
    Traceback (most recent call last):
    ...
    medimg_grade.channel.DeadChannel: end of file on the channel
    >>> a.close()
    """
    (size,) = HEADER.unpack(_read_exact(sock, HEADER.size, deadline))
    if size > MAX_FRAME_BYTES:
        raise FrameError(f"frame of {size} bytes announced; the limit is {MAX_FRAME_BYTES}")
    return decode_frame(bytes(_read_exact(sock, size, deadline)))


def write_frame(sock: socket.socket, message: dict, *, deadline: float | None = None) -> None:
    """Send ``message`` as one frame on ``sock``.

    Parameters
    ----------
    sock : socket.socket
        A connected stream socket (its timeout is changed).
    message : dict
        A JSON-serializable object.
    deadline : float, optional
        :func:`time.monotonic` time by which the other end must have taken the whole
        frame; None waits for ever.

    Raises
    ------
    FrameError
        If the frame would exceed :data:`MAX_FRAME_BYTES` (nothing is sent).
    DeadChannel
        If the other end is gone.
    ChannelTimeout
        If ``deadline`` passes first.
    """
    _send(sock, encode_frame(message), deadline)


def _send(sock: socket.socket, frame: bytes, deadline: float | None) -> None:
    try:
        sock.settimeout(_timeout(deadline))
        sock.sendall(frame)
    except TimeoutError:
        raise ChannelTimeout("the other end did not take the frame before the deadline") from None
    except OSError as exc:
        raise DeadChannel(f"the channel failed ({type(exc).__name__})") from None


def clean_streams(streams) -> list[dict]:
    """Return the valid stream outputs of an untrusted ``streams`` value, bounded in size.

    Entries that are not ``{"name": "stdout" | "stderr", "text": str}`` are dropped,
    consecutive texts of one stream are joined, and the texts are cut after
    :data:`MAX_STREAM_CHARS` characters in all.

    Parameters
    ----------
    streams : object
        The ``"streams"`` entry of a reply, as decoded from JSON.

    Returns
    -------
    list of dict
        ``{"name": ..., "text": ...}`` outputs, in order.

    Examples
    --------
    >>> clean_streams([{"name": "stdout", "text": "a"}, {"name": "stdout", "text": "b"},
    ...                {"name": "stdin", "text": "?"}, 42, {"name": "stderr", "text": "!"}])
    [{'name': 'stdout', 'text': 'ab'}, {'name': 'stderr', 'text': '!'}]
    >>> clean_streams("not a list")
    []
    """
    if type(streams) is not list:
        return []
    cleaned: list[dict] = []
    room = MAX_STREAM_CHARS
    for entry in streams:
        if room <= 0:
            break
        if type(entry) is not dict:
            continue
        name, text = entry.get("name"), entry.get("text")
        if name not in ("stdout", "stderr") or type(text) is not str or not text:
            continue
        text = text[:room]
        room -= len(text)
        append_stream(cleaned, str(name), text)
    return cleaned


def append_stream(streams: list[dict], name: str, text: str) -> None:
    """Append ``text`` of stream ``name``, joined to the last entry when it is the same stream.

    Examples
    --------
    >>> streams = []
    >>> for name, text in [("stdout", "a"), ("stdout", "b"), ("stderr", "!")]:
    ...     append_stream(streams, name, text)
    >>> streams
    [{'name': 'stdout', 'text': 'ab'}, {'name': 'stderr', 'text': '!'}]
    """
    if streams and streams[-1]["name"] == name:
        streams[-1]["text"] += text
    else:
        streams.append({"name": name, "text": text})


class SocketChannel:
    """The checker's end of the channel: one :meth:`ask` per request to the agent.

    :meth:`ask` has the signature of :data:`medimg_grade.checker.Ask`, so
    ``Checker(channel.ask)`` runs test cells over this socket.

    Parameters
    ----------
    sock : socket.socket
        The checker's end of a connected stream socket (for example one half of
        :func:`socket.socketpair`, the other half inherited by the kernel, which runs
        :func:`medimg_grade.agent.serve` on it). The channel sets its timeout.
    deadline : callable
        Returns the :func:`time.monotonic` time by which each answer must have come (read
        at every request, so the notebook's budget may change between requests).

    Attributes
    ----------
    broken : bool
        True once the kernel sent something that is not a well-formed answer (a bad frame
        or too many frames that are not the awaited answer): the stream can no longer be
        trusted, and every later :meth:`ask` returns ``(None, [])`` at once.

    Examples
    --------
    >>> import socket, threading, time
    >>> from medimg_grade import agent
    >>> class Shell:
    ...     user_ns = {"answer": 42}
    >>> ours, theirs = socket.socketpair()
    >>> kernel = threading.Thread(target=agent.serve, args=(theirs.fileno(),),
    ...                           kwargs={"shell": Shell()})
    >>> kernel.start()
    >>> channel = SocketChannel(ours, deadline=lambda: time.monotonic() + 10)
    >>> reply, streams = channel.ask({"op": "resolve", "names": ["answer"], "nonce": "1"})
    >>> reply["names"], streams
    ({'answer': ['value', '["i", "42"]']}, [])
    >>> channel.end()
    >>> kernel.join()
    >>> ours.close(), theirs.close()
    (None, None)
    """

    def __init__(self, sock: socket.socket, *, deadline: Callable[[], float]) -> None:
        self._sock = sock
        self._deadline = deadline
        self.broken = False

    def ask(self, request: dict) -> tuple[dict | None, list[dict]]:
        """Send one request; return the agent's reply and what the student's code printed.

        Parameters
        ----------
        request : dict
            The checker's request, with its ``"nonce"`` (a str).

        Returns
        -------
        reply : dict or None
            The reply (without its ``"streams"``), or None when the kernel gave no
            well-formed answer (see :attr:`broken`); the checker turns None into
            :class:`medimg_grade.checker.ChannelError`.
        streams : list of dict
            ``{"name": "stdout" | "stderr", "text": ...}`` outputs (:func:`clean_streams`).

        Raises
        ------
        ChannelTimeout
            If the deadline passes before the answer (the kernel is busy or stopped).
        DeadChannel
            If the kernel's end is closed (the kernel died, or closed the socket).
        medimg_grade.checker.ChannelError
            If the request is larger than :data:`MAX_FRAME_BYTES` (the test fails).
        """
        if self.broken:
            return None, []
        nonce = request.get("nonce")
        try:
            frame = encode_frame(request)
        except FrameError:
            from medimg_grade.checker import ChannelError

            raise ChannelError(
                f"the test's request is larger than the grader's limit of "
                f"{MAX_FRAME_BYTES // 2**20} MiB"
            ) from None
        _send(self._sock, frame, self._deadline())
        for _ in range(MAX_SKIPPED_FRAMES + 1):
            try:
                message = read_frame(self._sock, deadline=self._deadline())
            except FrameError:
                self.broken = True
                return None, []
            reply = message.get("reply")
            if type(nonce) is str and message.get("nonce") == nonce and type(reply) is dict:
                streams = clean_streams(reply.pop("streams", None))
                return reply, streams
        self.broken = True
        return None, []

    def end(self) -> None:
        """Tell the agent's serve loop to return; wait at most :data:`END_TIMEOUT_S`.

        Never raises: a kernel that is gone or not reading has ended its loop anyway (or
        is stopped by the runner's own deadline).
        """
        try:
            self._sock.settimeout(END_TIMEOUT_S)
            self._sock.sendall(encode_frame({"op": "end"}))
        except OSError:  # socket.timeout is an OSError too
            pass


__all__ = [
    "END_TIMEOUT_S",
    "HEADER",
    "MAX_FRAME_BYTES",
    "MAX_SKIPPED_FRAMES",
    "MAX_STREAM_CHARS",
    "ChannelTimeout",
    "DeadChannel",
    "FrameError",
    "SocketChannel",
    "append_stream",
    "clean_streams",
    "decode_frame",
    "encode_frame",
    "read_frame",
    "write_frame",
]
