"""``mllab diagnose``: each detector fires on a planted case and stays quiet on a healthy one;
each lab's broken file triggers its finding and the reference fixes do not; learner text
is shown inert; a broken file ends in one line."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

from mllab import labs
from mllab.cli import main
from mllab.graders import diagnose as d
from mllab.graders.diagnose import RunRecord

RNG = np.random.default_rng(0)


def falling(steps: int = 200, start: float = 2.3, end: float = 0.2) -> list[tuple[int, float]]:
    noise = RNG.normal(0, 0.02, steps)
    return [(i, float(v)) for i, v in enumerate(np.linspace(start, end, steps) + noise)]


def names(record: RunRecord) -> set[str]:
    return {f.name for f in d.diagnose(record)}


# ---------------------------------------------------------------- each detector

HEALTHY = RunRecord(losses=falling(), n_classes=10, grad_norms=[(0.5, 1.0)] * 20,
                    relu_zero=0.45)
PLANTED = {
    "non-finite loss": RunRecord(losses=falling()[:5] + [(5, math.nan), (6, math.inf)]),
    "exploding gradients": RunRecord(grad_norms=[(500.0, 1.0)] * 20),
    "vanishing gradients": RunRecord(grad_norms=[(1e-6, 1.0)] * 20),
    "dying ReLU": RunRecord(relu_zero=0.85),
    "probabilities fed to a loss on logits": RunRecord(probabilities_to_loss=1.0),
    "identical hidden units": RunRecord(duplicate_units=1.0),
    "loss flat at chance": RunRecord(losses=[(i, math.log(10) + float(RNG.normal(0, 0.01)))
                                             for i in range(200)], n_classes=10),
    "loss below its floor": RunRecord(losses=falling(end=-0.5)),
    "oscillating loss": RunRecord(losses=[(i, 1.0 + 0.5 * (-1) ** (i // 20)) for i in range(200)]),
    "validation score suspiciously high": RunRecord(claimed_score=("AUC", 0.99)),
    "validation score not borne out": RunRecord(claimed_score=("AUC", 0.85), fresh_score=0.6),
    "validation above training": RunRecord(claimed_score=("accuracy", 0.9), train_score=0.8),
    "class imbalance hidden by accuracy": RunRecord(
        train_labels=np.r_[np.ones(20), np.zeros(9980)], decisions=np.zeros(10_000),
        decision_truth=np.r_[np.ones(20), np.zeros(9980)]),
    "training labels unlike fresh data": RunRecord(
        train_labels=np.r_[np.ones(33), np.zeros(67)], decisions=np.r_[np.ones(30), np.zeros(70)],
        decision_truth=np.r_[np.ones(50), np.zeros(50)]),
    "predictions change between calls": RunRecord(repeated=(np.arange(100) % 10,
                                                            np.arange(100) % 7)),
    "training-mode layers at prediction time": RunRecord(stochastic_at_inference=["Dropout"]),
    "drift between two paths": RunRecord(paths=("a", RNG.normal(0, 1, 500), "b",
                                                RNG.normal(1, 1, 500))),
    "train/validation duplicates": RunRecord(train_rows=np.arange(200).reshape(100, 2),
                                             validation_rows=np.arange(40).reshape(20, 2)),
    "barely better than a constant guess": RunRecord(train_score=0.35, baseline_score=0.0,
                                                     fresh_score=0.34),
    "training score far above fresh data": RunRecord(train_score=1.0, fresh_score=0.55),
    "modes missing from the samples": RunRecord(modes=(np.full(8, 0.125),
                                                       np.r_[0.6, 0.3, np.zeros(6)])),
}
QUIET = [
    RunRecord(train_score=0.95, fresh_score=0.89),
    RunRecord(train_score=0.94, baseline_score=-0.001, fresh_score=0.88),
    RunRecord(duplicate_units=0.02),
    RunRecord(probabilities_to_loss=0.0),
    RunRecord(claimed_score=("AUC", 0.81), fresh_score=0.80, train_score=0.83),
    RunRecord(train_labels=np.r_[np.ones(20), np.zeros(9980)],
              decisions=np.r_[np.ones(15), np.zeros(9985)],
              decision_truth=np.r_[np.ones(20), np.zeros(9980)]),
    RunRecord(train_labels=np.r_[np.ones(3000), np.zeros(7000)], decisions=np.zeros(100),
              decision_truth=np.r_[np.ones(30), np.zeros(70)]),  # balanced enough
    RunRecord(train_labels=np.r_[np.ones(33), np.zeros(67)],  # labels off, decisions right
              decisions=np.r_[np.ones(47), np.zeros(53)],
              decision_truth=np.r_[np.ones(50), np.zeros(50)]),
    RunRecord(repeated=(np.arange(100) % 10, np.arange(100) % 10)),
    RunRecord(paths=("a", np.linspace(0, 1, 300), "b", np.linspace(0, 1, 300))),
    RunRecord(train_rows=np.arange(200).reshape(100, 2),
              validation_rows=np.arange(1000, 1040).reshape(20, 2)),
    RunRecord(modes=(np.full(8, 0.125), np.r_[0.2, 0.15, 0.1, 0.1, 0.1, 0.08, 0.05, 0.0])),
]


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_each_detector_fires_on_its_planted_case(name):
    assert name in names(PLANTED[name])


@pytest.mark.parametrize("record", [HEALTHY, RunRecord(), *QUIET])
def test_detectors_stay_quiet_on_healthy_runs(record):
    assert d.diagnose(record) == []


def test_every_detector_has_a_planted_case():
    fired = {d.diagnose(r)[0].name for r in PLANTED.values()}
    assert len(fired) == len(PLANTED)
    assert {f.__name__ for f in d.DETECTORS} and len(PLANTED) >= len(d.DETECTORS)


def test_a_training_loss_below_the_datas_entropy_is_a_leak():
    leaked = RunRecord(losses=falling(start=3.0, end=0.1), loss_floor=1.43)
    honest = RunRecord(losses=falling(start=3.0, end=1.5), loss_floor=1.43)
    assert names(leaked) == {"loss below its floor"}
    assert "1.43" in d.diagnose(leaked)[0].measured
    assert names(honest) == set()


def test_a_detector_that_trips_on_odd_arrays_says_nothing():
    odd = RunRecord(repeated=(np.array(["x"], dtype=object), None), paths=("a", "b", "c", "d"))
    assert d.diagnose(odd) == []


# ---------------------------------------------------------------- each lab

RELEVANT = {  # the finding the lab's broken file must show, and its fixes must not
    "non_converging_net": "loss flat at chance",
    "exploding_gradients": "non-finite loss",
    "imbalanced_fraud": "class imbalance hidden by accuracy",
    "data_leakage": "validation score suspiciously high",
    "train_serve_skew": "drift between two paths",
    "eval_mode_forgotten": "training-mode layers at prediction time",
    "underfitting": "barely better than a constant guess",
    "zero_init": "identical hidden units",
    "vanishing_gradients": "vanishing gradients",
    "slow_inference": "training-mode layers at prediction time",
    "overfitting": "training score far above fresh data",
    "timeseries_cv": "validation score not borne out",
    "gan_mode_collapse": "modes missing from the samples",
    "production_drift": "training score far above fresh data",
    "resample_before_split": "validation score suspiciously high",
    "noisy_labels": "training labels unlike fresh data",
    "softmax_before_ce": "probabilities fed to a loss on logits",
    "dying_relu": "dying ReLU",
    "causal_mask_leak": "loss below its floor",
    "padding_mask_ignored": "predictions change between calls",
}


@pytest.fixture
def mllab(tmp_path, monkeypatch):
    monkeypatch.setenv("MLLAB_WORKSPACE", str(tmp_path / "ws"))
    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


def diagnosed(mllab, lab_id: str, file) -> dict:
    result = mllab("diagnose", lab_id, "--file", str(file), "--device", "cpu", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def found(report: dict) -> set[str]:
    return {f["name"] for f in report["findings"]}


def cases(fixes: slice) -> list:
    return list(_cases(fixes))


def _cases(fixes: slice):
    for lab_id in RELEVANT:
        lab = labs.get(lab_id)
        yield pytest.param(lab_id, lab.broken_file, True, id=f"{lab_id}-broken")
        for fix in lab.fixes()[fixes]:
            yield pytest.param(lab_id, fix, False, id=f"{lab_id}-{fix.stem}")


def test_every_builtin_lab_names_the_finding_its_broken_file_shows():
    shipped = {lab.id for lab in labs.all_labs() if lab.folder.parent.parent == labs.BUILTIN_COURSE}
    assert shipped == set(RELEVANT)


@pytest.mark.parametrize("lab_id, file, expected", cases(slice(0, 1)))
def test_broken_file_shows_its_finding_and_a_fix_does_not(mllab, lab_id, file, expected):
    report = diagnosed(mllab, lab_id, file)
    assert (RELEVANT[lab_id] in found(report)) is expected
    if "samples" in labs.get(lab_id).curves:  # the same run's samples over training
        history = report["samples_over_training"]
        assert len(history) >= 5 and history[0]["step"] == 0
        reached = [len(snapshot["modes_reached"]) for snapshot in history]
        if expected:  # collapsed all along: never 6 of the 8 stands at once
            assert max(reached) < 6, history
        else:  # spread over the stands by the end of training
            assert min(reached[-2:]) >= 6, history


@pytest.mark.slow
@pytest.mark.parametrize("lab_id, file, expected",
                         [c for c in cases(slice(1, None)) if not c.id.endswith("-broken")])
def test_no_reference_fix_shows_the_broken_file_finding(mllab, lab_id, file, expected):
    assert (RELEVANT[lab_id] in found(diagnosed(mllab, lab_id, file))) is expected


# ---------------------------------------------------------------- learner text and failures

HOSTILE = '''
class Config:
    pass

def train(transactions, cfg):
    raise RuntimeError("[bold red]ALL CLEAR[/] \\x1b[2J")

def predict_scores(model, X):
    return None

def predict_labels(model, X):
    return None
'''


def test_learner_text_is_shown_inert_and_a_crash_is_one_line(mllab, tmp_path):
    path = tmp_path / "hostile.py"
    path.write_text(HOSTILE)
    result = mllab("diagnose", "imbalanced_fraud", "--file", str(path))
    shown = " ".join(result.output.split())  # rich wraps long lines
    assert result.exit_code == 2
    assert "[bold red]ALL CLEAR[/]" in shown and "\x1b" not in result.output
    assert "Traceback" not in shown and shown.count("error:") == 1


def test_a_syntax_error_is_exit_2_and_one_line(mllab, tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("def train(:\n")
    result = mllab("diagnose", "imbalanced_fraud", "--file", str(path))
    assert result.exit_code == 2
    assert "syntax error" in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------- run and submit

def test_run_ends_with_what_we_noticed(mllab, tiny_lab):
    result = mllab("run", "tiny_lab", "--file", str(tiny_lab.broken_file), "--device", "cpu")
    assert result.exit_code == 0, result.output
    assert "what we noticed" in result.output and "nothing unusual noticed" in result.output


def test_a_failing_submit_says_what_we_noticed_and_a_pass_does_not(mllab, tiny_lab):
    failed = mllab("submit", "tiny_lab", "--file", str(tiny_lab.broken_file), "--quiet")
    assert failed.exit_code == 1 and "what we noticed" in failed.output
    passed = mllab("submit", "tiny_lab", "--file", str(tiny_lab.fixes()[0]), "--quiet")
    assert passed.exit_code == 0 and "what we noticed" not in passed.output


def test_diagnose_imports_no_torch_until_it_runs():
    import subprocess
    import sys

    probe = ("import sys; from mllab.cli import main\n"
             "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             "print('LOADED', [m for m in ('torch', 'sklearn', 'pandas', 'matplotlib') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert "LOADED []" in done.stdout, done.stdout + done.stderr
