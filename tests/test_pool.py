"""newsfacts.pool: results in task order, errors handed back, Arrow data through wide pipes."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from newsfacts.pool import PIPE_BYTES, Workers, _widen, map_ordered

F_GETPIPE_SZ = 1032


def test_results_come_in_task_order_whatever_finishes_first() -> None:
    tasks = [((3 - i % 3) * 0.02,) for i in range(12)]  # later tasks often finish first
    assert list(map_ordered("time:sleep", tasks, 3)) == [None] * 12
    assert list(map_ordered("builtins:divmod", [(i, 4) for i in range(9)], 2)) == [divmod(i, 4) for i in range(9)]


def test_workers_start_at_once_serve_several_maps_and_end_on_exit() -> None:
    with Workers("builtins:divmod", 2) as workers:
        processes = list(workers._workers)
        assert all(p.poll() is None for p in processes)  # running before any task
        assert list(workers.map([(i, 3) for i in range(5)])) == [divmod(i, 3) for i in range(5)]
        assert list(workers.map([(7, 2)])) == [(3, 1)]
    assert [p.returncode for p in processes] == [0, 0]


def test_a_task_that_raises_raises_in_the_caller() -> None:
    with pytest.raises(ZeroDivisionError):
        list(map_ordered("builtins:divmod", [(1, 1), (1, 0), (2, 1)], 2))


def test_arrow_tables_cross_intact() -> None:
    table = pa.table({"n": list(range(300_000)), "s": [str(i) for i in range(300_000)]})  # several MiB
    (back,) = map_ordered("pyarrow:concat_tables", [([table],)], 1)
    assert back.equals(table)


def test_tables_inside_results_cross_as_they_were() -> None:
    """Chunks, nested types, nulls, schema metadata and empty tables, wherever they sit in a result."""
    nested = pa.table(
        {"spans": [[{"start": 1, "text": "é"}], None, []], "tag": pa.array([0, None, 2], pa.int8())}
    ).replace_schema_metadata({b"huggingface": b"{}"})
    chunked = pa.concat_tables([nested, nested.slice(1)])
    empty = nested.schema.empty_table()
    result = {"tables": {"a": chunked, "b": empty}, "more": [nested, ("x", 1)]}
    (back,) = map_ordered("copy:copy", [(result,)], 1)
    assert back["more"][1] == ("x", 1)
    for sent, got in [(chunked, back["tables"]["a"]), (empty, back["tables"]["b"]), (nested, back["more"][0])]:
        assert got.equals(sent) and got.schema.metadata == sent.schema.metadata
        if len(sent):  # (an empty table may come back with no chunk at all)
            assert [c.num_chunks for c in got.columns] == [c.num_chunks for c in sent.columns]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="F_SETPIPE_SZ is Linux's")
def test_pipes_are_widened_where_the_system_allows() -> None:
    ceiling = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    proc = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        before = fcntl.fcntl(proc.stdin.fileno(), F_GETPIPE_SZ)
        _widen(proc.stdin)
        _widen(proc.stdout)
        after = [fcntl.fcntl(s.fileno(), F_GETPIPE_SZ) for s in (proc.stdin, proc.stdout)]
    finally:
        proc.stdin.close()
        proc.wait()
        proc.stdout.close()
    # widened, or (above pipe-max-size, or past the user's pipe quota) refused without an error
    assert all(size in (PIPE_BYTES, before) for size in after)
    if ceiling < PIPE_BYTES:
        assert after == [before, before]


def test_a_map_after_an_abandoned_one_gets_its_own_results() -> None:
    with Workers("builtins:divmod", 2) as workers:
        first = workers.map([(10, 3), (20, 3), (30, 3)])
        assert next(first) == (3, 1)
        first.close()  # abandoned with a task or two still out
        assert list(workers.map([(7, 2)])) == [(3, 1)]
        with pytest.raises(ZeroDivisionError):
            list(workers.map([(1, 0), (9, 4), (9, 5)]))
        assert list(workers.map([(9, 4)])) == [(2, 1)]


def test_a_worker_that_died_starting_up_is_reported_as_such() -> None:
    from newsfacts.pool import WorkerDied

    with Workers("no_such_module_here:f", 1) as workers:
        workers._workers[0].wait(timeout=30)  # its import failed: it is gone before any task
        with pytest.raises(WorkerDied, match="status 1"):
            list(workers.map([(1,)]))


def test_a_table_is_sent_as_one_buffer() -> None:
    import io
    import pickle

    from newsfacts.pool import _Pickler

    table = pa.table({"a": list(range(1000)), "b": [[str(i)] for i in range(1000)], "c": [{"x": 1.5}] * 1000})
    buffers: list[pickle.PickleBuffer] = []
    _Pickler(io.BytesIO(), protocol=5, buffer_callback=buffers.append).dump({"t": table, "u": [table.slice(3)]})
    assert len(buffers) == 2  # one Arrow IPC stream per table, not one per column buffer
