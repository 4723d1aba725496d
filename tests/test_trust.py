"""The trust boundary, per lab: a submission that rewrites the harness beside it cannot buy a verdict.

Each case is a lab's broken file plus tampering (the harness's functions rewritten,
its frames walked, values carried between runs), graded for real: the verdict stays
the broken file's.
"""

from __future__ import annotations

from pathlib import Path

from mllab import labs
from mllab.graders import Options, grade, sandbox

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
