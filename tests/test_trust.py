"""A submission that rewrites the harness beside it cannot change its verdict.

The lab's harness runs in the submission's process, so the learner's code can
replace its functions, wrap what it saves, walk the calling frames and the
garbage collector. Every check is computed in the grading process from arrays
the learner's functions returned, so such tampering, added to a broken file,
leaves that file failing. One test per lab, graded as ``mllab submit`` grades it
(the lab's training seeds, fixed evaluation seeds so the run is deterministic).
"""

from __future__ import annotations

from pathlib import Path

from mllab import labs
from mllab.graders import Options, grade, sandbox

# Appended to a broken file: at import, before any of its functions is called, it
# rewrites what the harness does and what it returns to the grader.
TAMPERING = '''

# ---------------------------------------------------------------- tampering (test)
import gc as _gc
import sys as _sys

import numpy as _np


def _forged(key, value):
    """What the harness is made to return instead of ``value``."""
    value = value.detach().cpu().numpy() if hasattr(value, "detach") else _np.asarray(value)
    if key == "losses":
        return _np.zeros(len(value))  # a loss history that never diverged
    if key == "predictions":
        return _np.zeros(len(value), dtype=value.dtype)  # a fixed answer for every row
    return value


def _tamper():
    harness = _sys.modules.get("lab_harness")
    child = _sys.modules.get("mllab.graders.child")
    if harness is not None:  # the harness's helpers and globals, replaced
        harness.load_state_arrays = lambda *args, **kwargs: None
        vars(harness)["np"] = _np
    if child is not None:  # every array the harness hands back, rewritten on the way out
        save = child._save_outputs
        child._save_outputs = lambda outputs, folder: save(
            {key: _forged(key, value) for key, value in outputs.items()}, folder)
        child.seed_everything = lambda seed: None
    frame = _sys._getframe()
    while frame is not None:  # the calling frames: the inputs the grader chose
        inputs = frame.f_locals.get("inputs")
        if isinstance(inputs, dict) and "seed" in frame.f_locals.get("job", {}):
            frame.f_locals["job"]["seed"] = 0
        frame = frame.f_back
    for obj in _gc.get_objects():  # anything named like a check, made to agree
        if callable(obj) and getattr(obj, "__name__", "") in ("measure", "make_split"):
            obj.__code__ = (lambda *args, **kwargs: {}).__code__


_tamper()
'''


def _grade_tampered(lab_id: str, tmp_path):
    lab = labs.get(lab_id)
    file = tmp_path / f"{lab_id}.py"
    file.write_text(lab.broken_file.read_text() + TAMPERING)
    pairs = tuple((seed, 1_000_003 * (seed + 1)) for seed in lab.seeds)
    return grade(lab, file, Options(device="cpu", seed_pairs=pairs))


def test_non_converging_net_harness_tampering_leaves_the_broken_file_failing(tmp_path):
    report = _grade_tampered("non_converging_net", tmp_path)
    assert report.verdict == "fail", f"{report.verdict}: {report.reason}"
    assert all(run.metrics["accuracy"] < 0.75 for run in report.runs)


def test_exploding_gradients_harness_tampering_leaves_the_broken_file_failing(tmp_path):
    report = _grade_tampered("exploding_gradients", tmp_path)
    assert report.verdict == "fail", f"{report.verdict}: {report.reason}"
    assert all(run.metrics["mse"] > 0.4 for run in report.runs)



TRAIN_SERVE_SKEW_TAMPERING = '''

# ---- tampering: rewrite the harness's entries so each run hands its answers to the next
import json as _json
import os as _os
import sys as _sys

_PLACES = ("/dev/shm", "/tmp", "/var/tmp", _os.environ.get("HOME", "."))


def _carried_scores(requests, fallback):
    """Scores an earlier run left behind for these orders, else ``fallback``."""
    for folder in ("/dev/shm", "/tmp", "/var/tmp"):
        try:
            with open(folder + "/tss_scores.json") as fh:
                known = _json.load(fh)
            return [known.get(str(body.get("order_id")), p) for body, p in zip(requests, fallback)]
        except (OSError, ValueError):
            pass
    return fallback


def _remember(table, batch):
    """Leave the batch scores, by order id, wherever a later run might look."""
    known = {str(order): float(p) for order, p in zip(table["order_id"], batch)}
    for folder in _PLACES:
        try:
            with open(folder + "/tss_scores.json", "w") as fh:
                _json.dump(known, fh)
        except OSError:
            pass


# The two entries below run as the harness's own code (its globals: _loaded, _serve_one).
def _tampered_serve_each(submission, model, requests, notes, device, seed):
    import numpy
    model = _loaded(model)
    served = [_serve_one(submission, model, body, n, note)
              for n, (body, note) in enumerate(zip(requests, notes), start=1)]
    return {"served": numpy.array(submission.module._carried_scores(requests, served))}


def _tampered_score_table(submission, model, table, device, seed):
    batch = submission.call("predict_batch", _loaded(model), table.copy())
    submission.module._remember(table, batch)
    return {"batch": batch}


def _rewrite_harness():
    frame = _sys._getframe()
    while frame is not None:
        harness = frame.f_locals.get("harness")
        if getattr(harness, "__name__", "") == "lab_harness":
            harness.serve_each.__code__ = _tampered_serve_each.__code__
            harness.score_table.__code__ = _tampered_score_table.__code__
        frame = frame.f_back


_rewrite_harness()
'''


def test_train_serve_skew_harness_rewritten_to_carry_answers_between_runs_still_fails(tmp_path):
    """The batch run writes its (good) scores where a later serve run could read them.

    With the runs' files private (bubblewrap), the second grading's serve runs cannot
    find them and the live scores stay the broken service's: a verdict of fail.
    """
    lab = labs.get("train_serve_skew")
    tampered = tmp_path / "train_serve_skew.py"
    tampered.write_text(lab.broken_file.read_text() + TRAIN_SERVE_SKEW_TAMPERING)
    options = Options(device="cpu", seed_pairs=((0, 1_000_003),))
    gradings = 2 if "bwrap" in sandbox.available_isolation() else 1
    for _ in range(gradings):  # the second one could read what the first left behind
        report = grade(lab, tampered, options)
        assert report.verdict == "fail", f"{report.verdict}: {report.reason}"
        assert report.runs[0].metrics["live_auc"] < 0.75
    if gradings == 2:
        assert not Path("/dev/shm/tss_scores.json").exists()


def test_train_serve_skew_model_that_cannot_be_pickled_is_named(tmp_path):
    """The service loads the saved model: one that pickle cannot store is a clear learner error."""
    lab = labs.get("train_serve_skew")
    unpicklable = tmp_path / "lambda_model.py"
    unpicklable.write_text(lab.broken_file.read_text() + '''

_team_train = train


def train(orders, cfg):
    model = _team_train(orders, cfg)
    model.describe = lambda: "late-delivery risk"
    return model
''')
    report = grade(lab, unpicklable, Options(device="cpu", seed_pairs=((0, 1),)))
    assert report.verdict == "error"
    assert "cannot be saved with pickle" in report.reason
    assert "pickle" in report.hint


# Appended to a broken file: it replaces the harness's functions (found through the
# garbage collector), plants arrays named like metrics and labels among the outputs,
# and rewrites the calling frames' job and status.
PLANTING = '''

# ---- tampering with the harness that runs beside this file ----
import sys as _sys


def _forged(outputs):
    """What a harness-side check would have read: perfect metrics, a planted truth."""
    import numpy as _np

    planted = {name: _np.ones(1) for name in ("recall", "precision", "auprc", "flag_rate",
                                              "production_auc", "rank_agreement", "passed")}
    rows = max((_np.size(value) for value in outputs.values()), default=1)
    planted.update(truth=_np.ones(rows), estimate_gap=_np.zeros(1))
    return {**outputs, **planted}


def _tamper():
    import gc
    import types

    for harness in [m for m in gc.get_objects() if isinstance(m, types.ModuleType)
                    and m.__name__ == "lab_harness"]:  # found through the garbage collector
        for name, value in list(vars(harness).items()):
            if callable(value) and not name.startswith("__"):
                setattr(harness, name, lambda *args, **kwargs: _forged({}))
    child = _sys.modules.get("mllab.graders.child")
    if child is not None and hasattr(child, "_save_outputs"):
        save = child._save_outputs
        child._save_outputs = lambda outputs, folder: save(_forged(dict(outputs)), folder)
    frame = _sys._getframe(1)
    while frame is not None:  # the grader's frames: rewrite what a check might have kept
        for name in ("job", "status"):
            if isinstance(frame.f_locals.get(name), dict):
                frame.f_locals[name].update(kind="ok", verdict="pass")
        frame = frame.f_back


_tamper()
'''


def tampered_broken_file(lab: labs.Lab, tmp_path):
    """The lab's broken file with the tampering appended."""
    path = tmp_path / lab.broken_file.name
    path.write_text(lab.broken_file.read_text() + PLANTING)
    return path


def assert_tampering_changes_nothing(lab_id: str, tmp_path, pairs):
    lab = labs.get(lab_id)
    options = Options(device="cpu", seed_pairs=pairs)
    broken = grade(lab, lab.broken_file, options)
    tampered = grade(lab, tampered_broken_file(lab, tmp_path), options)
    assert broken.verdict == "fail", broken.reason
    assert tampered.verdict == broken.verdict, tampered.reason
    assert [run.metrics for run in tampered.runs] == [run.metrics for run in broken.runs]


def test_imbalanced_fraud_tampering_with_the_harness_cannot_change_the_verdict(tmp_path):
    assert_tampering_changes_nothing("imbalanced_fraud", tmp_path, ((0, 7),))


def test_data_leakage_tampering_with_the_harness_cannot_change_the_verdict(tmp_path):
    assert_tampering_changes_nothing("data_leakage", tmp_path, ((0, 7),))


def test_noisy_labels_tampering_with_the_harness_cannot_change_the_verdict(tmp_path):
    assert_tampering_changes_nothing("noisy_labels", tmp_path, ((0, 7),))
