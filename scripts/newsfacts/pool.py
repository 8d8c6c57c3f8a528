"""A small pool of worker processes that map a function over tasks, results in order.

Each worker is ``python -m newsfacts.pool``, fed pickled tasks on its stdin and answering on its
stdout (length-prefixed pickles). Unlike ``multiprocessing`` with spawn or forkserver, nothing
re-imports the caller's ``__main__`` (a script without an ``if __name__ == "__main__"`` guard
works), and unlike fork, no thread of the parent is copied into a child. A worker holds one task
at a time: the parent sends the next task to a worker as soon as it has read its result, before
handling that result, so the workers stay busy while the parent writes.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import pickle
import signal
import struct
import subprocess
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from typing import IO, Any

try:
    import fcntl
except ImportError:  # not POSIX: pipes keep their size
    fcntl = None  # type: ignore[assignment]

_HEADER = struct.Struct("<QQ")  # pickle size, number of out-of-band buffers
_SIZE = struct.Struct("<Q")
#: Pipe buffer asked for (Linux ``F_SETPIPE_SZ``): the default 64 KiB makes the two processes take
#: turns every 64 KiB; 1 MiB (the default ceiling for unprivileged processes) halves the CPU time
#: a batch's Arrow data costs in the pipe.
PIPE_BYTES = 1 << 20
_F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ, named there from Python 3.10 on Linux only


def _widen(stream: IO[bytes] | None) -> None:
    """Ask for a ``PIPE_BYTES`` buffer on a pipe; where the system refuses, the pipe stays as it is."""
    if stream is None or fcntl is None or not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError):  # above /proc/sys/fs/pipe-max-size, or the user's pipe quota
        fcntl.fcntl(stream.fileno(), _F_SETPIPE_SZ, PIPE_BYTES)


class _Pickler(pickle.Pickler):
    """Pickles an Arrow table as one Arrow IPC stream, out of band: one buffer to send and to
    read, instead of one per column buffer (a batch of the build's rows has some 550), and
    read back without a copy. Other objects pickle as usual."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj).__name__ == "Table" and type(obj).__module__ == "pyarrow.lib":
            import pyarrow as pa

            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, obj.schema) as writer:
                writer.write_table(obj)
            return _arrow_table, (pickle.PickleBuffer(sink.getvalue()),)
        return NotImplemented


def _arrow_table(data: Any) -> Any:
    import pyarrow as pa

    return pa.ipc.open_stream(data).read_all()


def _send(stream: IO[bytes], obj: Any) -> None:
    """The sizes, a pickle, then its out-of-band buffers (protocol 5: buffers are written from
    where they lie, not copied into the pickle; an Arrow table is one buffer, ``_Pickler``)."""
    buffers: list[pickle.PickleBuffer] = []
    pickled = io.BytesIO()
    _Pickler(pickled, protocol=5, buffer_callback=buffers.append).dump(obj)
    data = pickled.getbuffer()
    raws = [buffer.raw() for buffer in buffers]
    stream.write(_HEADER.pack(len(data), len(raws)) + b"".join(_SIZE.pack(raw.nbytes) for raw in raws))
    stream.write(data)
    for raw in raws:
        stream.write(raw)
    stream.flush()


def _read(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return data


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    size, count = _HEADER.unpack(header)
    block = _read(stream, _SIZE.size * count)
    sizes = [_SIZE.unpack_from(block, i * _SIZE.size)[0] for i in range(count)]
    data = _read(stream, size)
    return pickle.loads(data, buffers=[_read(stream, n) for n in sizes])


class WorkerDied(RuntimeError):
    """A worker process exited before answering."""


def _died(worker: subprocess.Popen) -> WorkerDied:
    return WorkerDied(f"a worker process exited with status {worker.wait()}")


class Workers:
    """``jobs`` worker processes serving ``module:function``, started at once: they start up and
    import while the caller goes on preparing its tasks. Use as a context manager."""

    def __init__(self, function: str, jobs: int) -> None:
        self._workers: list[subprocess.Popen] = []
        try:
            for _ in range(jobs):
                self._workers.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "newsfacts.pool", function],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                    )
                )
        except BaseException:
            self.close(busy=True)
            raise
        for worker in self._workers:
            _widen(worker.stdin)
            _widen(worker.stdout)
        self._busy: deque[subprocess.Popen] = deque()  # workers holding a task, oldest task first

    def map(self, tasks: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        """The function applied to each task's arguments, results in task order. What a map
        left unread (abandoned, or ended by a task's error) is read and dropped first."""
        busy = self._busy
        while busy:
            worker = busy.popleft()
            try:
                _receive(worker.stdout)
            except EOFError:
                raise _died(worker) from None
        idle = list(self._workers)
        for task in tasks:
            if idle:
                worker = idle.pop()
                _give(worker, task)
                busy.append(worker)
                continue
            worker = busy.popleft()
            result = _result(worker)
            _give(worker, task)  # the freed worker starts on the next task at once
            busy.append(worker)
            yield result
        while busy:
            yield _result(busy.popleft())

    def close(self, busy: bool | None = None) -> None:
        """End the workers: each gets the end of its input, and is killed if it does not exit
        soon (at once when it still holds a task)."""
        busy = bool(self._busy) if busy is None else busy
        for worker in self._workers:
            if worker.stdin:
                with contextlib.suppress(BrokenPipeError):  # what it could not take is dropped
                    worker.stdin.close()
        for worker in self._workers:
            try:
                worker.wait(timeout=10 if not busy else 0.1)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            if worker.stdout:
                worker.stdout.close()
        self._workers = []

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def map_ordered(function: str, tasks: Iterable[tuple[Any, ...]], jobs: int) -> Iterator[Any]:
    """``module:function`` applied to each task's arguments on ``jobs`` processes, in task order."""
    with Workers(function, jobs) as workers:
        yield from workers.map(tasks)


def _give(worker: subprocess.Popen, task: tuple[Any, ...]) -> None:
    """Send ``task`` to ``worker``; ``WorkerDied`` if it has exited (say, while starting up)."""
    try:
        _send(worker.stdin, task)
    except BrokenPipeError:
        raise _died(worker) from None


def _result(worker: subprocess.Popen) -> Any:
    try:
        kind, value = _receive(worker.stdout)
    except EOFError:
        raise _died(worker) from None
    if kind == "error":
        raise value
    return value


def _serve(function: str) -> None:
    # Ctrl-C reaches the whole process group: the parent handles it and ends the workers (their
    # input closes), so a worker has no traceback to print of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    module, name = function.split(":")
    target = getattr(importlib.import_module(module), name)
    stdin = sys.stdin.buffer
    stdout = os.fdopen(os.dup(1), "wb")  # the answers' channel; stray prints go to stderr
    os.dup2(2, 1)
    while True:
        try:
            task = _receive(stdin)
        except EOFError:
            return
        try:
            answer = ("ok", target(*task))
        except Exception as exc:  # handed to the parent, which raises it
            answer = ("error", exc)
        _send(stdout, answer)


if __name__ == "__main__":  # served by the module under its own name, so what it pickles names it
    importlib.import_module("newsfacts.pool")._serve(sys.argv[1])
