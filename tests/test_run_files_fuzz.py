"""Every file a run writes and the grading process parses, fuzzed: no bytes a run can write
give a traceback or an internal-error, only a learner-side verdict or nothing at all.

The parsers: ``status.json`` (``read_status``), the returned arrays (``read_outputs``,
``.npy`` headers through ``Outputs``), the training progress line (``_training_shown``),
the clock's pipe (``Clock``) and the log's tail (``tail_of``). Bounded examples, fast.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from mllab.graders.engine import _problem, _training_shown
from mllab.graders.outputs import (InvalidOutput, Outputs, read_outputs, read_regular_file,
                                   read_status)
from mllab.graders.sandbox.budget import ChildRun, Limits
from mllab.graders.sandbox.clock import Clock
from mllab.graders.sandbox.logs import tail_of

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
LIMITS = Limits(timeout_s=10, memory_mb=100)
OK_RUN = ChildRun(returncode=0, signal_name=None, stopped_for=None, log="", seconds=0.1,
                  peak_memory_mb=1.0, isolation="bwrap")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20)


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.unlink(missing_ok=True)
    path.write_bytes(data)
    return path


@settings(FAST, max_examples=60)
@given(data=st.binary(max_size=600) | st.builds(lambda v: json.dumps(v).encode(), json_values)
       | st.builds(lambda d: json.dumps({"kind": "ok", **d}).encode(),
                   st.dictionaries(st.sampled_from(["message", "hint", "device", "kind"]),
                                   json_values, max_size=4)))
def test_any_status_file_gives_a_verdict_or_none(tmp_path, data):
    status = read_status(_write(tmp_path, "status.json", data))
    assert status is None or isinstance(status["kind"], str)
    problem = _problem(OK_RUN, status, LIMITS)  # never raises, whatever the status says
    assert problem is None or problem[0] != "internal-error" or status["kind"] == "internal-error"


def test_a_deeply_nested_status_is_no_status(tmp_path):
    assert read_status(_write(tmp_path, "status.json", b"[" * 60_000)) is None


def _npy(shape, dtype: str, body: bytes, version=(1, 0)) -> bytes:
    stream = io.BytesIO()
    header = {"descr": dtype, "fortran_order": False, "shape": shape}
    writer = (np.lib.format.write_array_header_1_0 if version == (1, 0) else
              np.lib.format.write_array_header_2_0)
    stream.write(np.lib.format.magic(*version))
    writer(stream, header)
    return stream.getvalue() + body


npy_files = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda head, tail: np.lib.format.magic(1, 0) + head + tail,
              st.binary(min_size=2, max_size=4), st.binary(max_size=200)),
    st.builds(_npy, st.lists(st.integers(-2**70, 2**70), max_size=3).map(tuple),
              st.sampled_from(["<f8", ">f4", "|b1", "<i8", "|O", "<U3", "V8", "<c16", "xx"]),
              st.binary(max_size=64), st.sampled_from([(1, 0), (2, 0)])),
)


@FAST
@given(raw=npy_files)
def test_any_npy_file_is_an_array_or_invalid_output(tmp_path, raw):
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    _write(out, "pred.npy", raw)
    kept = read_outputs(out, None)
    try:
        values = Outputs(kept).array("pred", None, finite=False)
    except InvalidOutput:
        return
    assert values.ndim == 1


@FAST
@given(raw=st.binary(max_size=64) | st.builds(
    lambda step, loss, pad: f"step {step} loss {loss}".encode() + b" " * pad,
    st.integers(0, 10**13), st.text("0123456789.e+-naif", max_size=17), st.integers(0, 40)))
def test_any_progress_line_is_shown_or_ignored(tmp_path, raw):
    path = _write(tmp_path, "progress", raw)
    shown = []
    _training_shown(path, shown.append)()
    assert all(line.startswith("step ") for line in shown)


def test_a_progress_line_with_a_bare_minus_is_ignored(tmp_path):
    shown = []
    _training_shown(_write(tmp_path, "progress", b"step 1 loss -".ljust(48)), shown.append)()
    assert shown == []
    _training_shown(_write(tmp_path, "progress", b"step 7 loss 0.25".ljust(48)), shown.append)()
    assert shown == ["step 7, loss 0.25"]  # a real line, as the run writes it, is shown


@FAST
@given(data=st.binary(max_size=8))
def test_any_clock_signal_is_a_time_or_none(data):
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)
    clock = Clock(read)
    clock.start()
    clock.join(5)
    assert (clock.at is not None) == bool(data)


@FAST
@given(data=st.binary(max_size=2000))
def test_any_log_has_a_text_tail(tmp_path, data):
    assert isinstance(tail_of(_write(tmp_path, "run.log", data), keep=100), str)


def test_outputs_through_a_link_are_refused(tmp_path):
    """``out/`` a link to a folder of the host's (or one file a link): nothing is read."""
    host = tmp_path / "host"
    host.mkdir()
    np.save(host / "pred.npy", np.arange(7.0))
    (tmp_path / "out").symlink_to(host)
    with pytest.raises(InvalidOutput, match="not a folder"):
        read_outputs(tmp_path / "out", ("pred",))
    real = tmp_path / "real"
    real.mkdir()
    (real / "pred.npy").symlink_to(host / "pred.npy")
    with pytest.raises(InvalidOutput, match="not a regular file"):
        read_outputs(real, ("pred",))


def test_sparse_and_oversized_outputs_are_refused_unread(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with open(out / "pred.npy", "wb") as fh:
        fh.write(_npy((2**25,), "<f8", b""))
        fh.truncate(2**28)  # a 256 MiB file of holes: nothing on disk
    with pytest.raises(InvalidOutput, match="sparse"):
        read_outputs(out, ("pred",))
    (out / "pred.npy").unlink()
    for index in range(3):
        np.save(out / f"part{index}.npy", np.zeros(2**17))  # 1 MiB each
    with pytest.raises(InvalidOutput, match="together"):
        read_outputs(out, None, max_total=2**21 + 2**20 // 2)
    assert len(read_outputs(out, None, max_total=2**22)) == 3
    with pytest.raises(InvalidOutput, match="over"):
        read_regular_file(out / "part0.npy", 100)


def test_an_out_folder_of_many_files_is_refused_without_reading_them(tmp_path):
    """Empty files cost a run only inodes: 300,000 in ``out/`` took the grading from 2 s
    to 51 s and 224 MiB. Past ``MAX_OUTPUT_FILES`` entries the folder is refused."""
    from mllab.graders.outputs import MAX_OUTPUT_FILES

    out = tmp_path / "out"
    out.mkdir()
    np.save(out / "pred.npy", np.arange(7.0))
    for index in range(MAX_OUTPUT_FILES):
        (out / f"{index}.npy").touch()
    with pytest.raises(InvalidOutput, match="more than"):
        read_outputs(out, None)
    assert list(read_outputs(out, ("pred",))) == ["pred"]  # named outputs: opened by name


# ---------------------------------------------------------------- the traced run's trace.json

finite_or_not = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-2**70, 2**70)
snapshot_rows = st.lists(
    st.lists(finite_or_not, min_size=2, max_size=2) | json_values, max_size=40)
snapshots = st.lists(
    st.tuples(st.integers(-5, 2**60) | json_values, snapshot_rows).map(list) | json_values,
    max_size=40)


@settings(FAST, max_examples=60)
@given(samples=snapshots | json_values,
       rest=st.dictionaries(st.sampled_from(["losses", "loss_optimizers", "grad_norms",
                                             "n_classes", "relu_zero"]), json_values,
                            max_size=3))
def test_any_snapshots_in_a_trace_give_bounded_finite_points_or_none(samples, rest):
    """The traced run's samples over training (``observe._traced``): whatever the child
    wrote, at most MAX_SNAPSHOTS snapshots at increasing steps, each of finite (n, 2)
    positions; and the curves and finding made from them never raise."""
    from mllab.graders import curves as c
    from mllab.graders.diagnose import diagnose
    from mllab.graders.observe import MAX_SNAPSHOTS, SNAPSHOT_POINTS, _traced

    record = _traced({**rest, "samples": samples})
    assert len(record.snapshots) <= MAX_SNAPSHOTS
    steps = [step for step, _ in record.snapshots]
    assert steps == sorted(set(steps)) and all(isinstance(s, int) and s >= 0 for s in steps)
    for _, points in record.snapshots:
        assert points.ndim == 2 and points.shape[1] == 2 and 1 <= len(points) <= SNAPSHOT_POINTS
        assert np.isfinite(points).all()
    record.mode_centres = np.array([[1.0, 0.0], [-1.0, 0.0]])
    record.mode_radius = 0.3
    record.modes = (np.array([0.5, 0.5]), np.array([1.0, 0.0]))
    made = c.samples(record)
    assert made is None or len(made) == 1 + min(len(record.snapshots), 3)
    diagnose(record)  # the finding that quotes the snapshots says nothing odd, or nothing
