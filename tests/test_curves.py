"""Curves of a traced run (``graders/curves.py``): what each lab declares, drawn as
one-line plots and a PNG in the workspace; learner numbers are display only."""

from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner

from mllab import labs
from mllab.cli import main
from mllab.graders import curves as c
from mllab.graders.diagnose import RunRecord


def test_every_curve_name_a_lab_may_declare_has_a_maker():
    assert set(labs.CURVE_NAMES) == set(c.CURVES)
    assert all(lab.curves for lab in labs.all_labs() if lab.folder.parent.parent ==
               labs.BUILTIN_COURSE)  # every shipped lab plots what its story is about


def test_an_unknown_curve_name_is_a_lab_error(tmp_path):
    folder = tmp_path / "labs" / "demo"
    folder.mkdir(parents=True)
    source = (labs.BUILTIN_COURSE / "labs" / "imbalanced_fraud" / "lab.toml").read_text()
    (folder / "lab.toml").write_text(source.replace('curves = ["precision_recall"]',
                                                    'curves = ["loss", "confusion"]'))
    with pytest.raises(labs.LabError, match="unknown curves.*confusion"):
        labs.load(folder)


def test_the_loss_curve_leaves_out_non_finite_values_and_says_where_they_began():
    record = RunRecord(losses=[(0, 2.3), (1, 2.0), (2, math.inf), (3, math.nan)], n_classes=10)
    (curve,) = c.curves(record, ["loss"])
    (_, x, y), = curve.series
    assert list(x) == [0, 1] and list(y) == [2.3, 2.0]
    assert "not finite from step 2" in curve.note and "2 values left out" in curve.note
    assert curve.reference == pytest.approx(("a uniform guess over 10 classes, ln 10",
                                             math.log(10)))


def test_a_precision_recall_curve_marks_where_the_decisions_sit():
    truth = np.array([0] * 90 + [1] * 10)
    scores = np.linspace(0, 1, 100)
    decisions = (scores > 0.95).astype(float)  # the top 5 rows: 5 of the 10 positives
    record = RunRecord(scored=(scores, truth), decisions=decisions)
    (curve,) = c.curves(record, ["precision_recall"])
    assert curve.marks == [("the decisions", 0.5, 1.0)]
    assert "average precision 1.000" in curve.note and "5 flagged" in curve.note


def test_a_fit_curve_shows_an_underfit_model_flat_beside_a_perfect_fit():
    truth = np.linspace(0, 100, 200)
    flat = 40 + 0.2 * truth  # a model that cannot follow the truth
    record = RunRecord(fitted=[("training rows", truth, flat), ("fresh rows", truth, flat)])
    (curve,) = c.curves(record, ["fit"])
    names = [name for name, _, _ in curve.series]
    assert names == ["training rows", "fresh rows", "a perfect fit"]
    _, x, y = curve.series[0]
    assert len(x) == 10 and np.ptp(y) == pytest.approx(0.2 * np.ptp(x))
    assert curve.series[2][2].tolist() == x.tolist()
    assert "R^2" in curve.note and "on training rows" in curve.note


def test_curves_without_data_or_with_odd_learner_numbers_are_left_out():
    odd = RunRecord(scored=(np.array([0.1, np.nan]), np.array([0, 1])),  # one finite score
                    paths=("a", np.ones(3), "b", np.ones(4)), grad_norms=[(0.0, 0.0)],
                    fitted=[("rows", np.ones(30), np.full(30, np.nan))])
    assert c.curves(odd, list(c.CURVES)) == []
    assert c.curves(RunRecord(), list(c.CURVES)) == []


def test_a_flat_loss_reads_flat_and_a_falling_one_falls():
    assert set(c.sparkline(np.full(100, 2.30) + np.random.default_rng(0).normal(0, .01, 100),
                           width=20)) == {"█"}
    falling = c.sparkline(np.linspace(2.3, 0.1, 100), width=8)
    levels = [c.SPARK.index(ch) for ch in falling]
    assert len(falling) == 8 and levels == sorted(levels, reverse=True)
    assert levels[0] == 7 and levels[-1] <= 1


def test_the_png_is_written_whole_or_not_at_all(tmp_path):
    record = RunRecord(losses=[(s, 2.3 / (1 + s)) for s in range(50)],
                       grad_norms=[(1.0 + s, 2.0) for s in range(50)])
    png = c.write_png(c.curves(record, ["loss", "gradients"]), tmp_path / "run.png", "demo")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["run.png"]
    (tmp_path / "file").write_text("")
    with pytest.raises(OSError):
        c.write_png(c.curves(record, ["loss"]), tmp_path / "file" / "run.png", "demo")


@pytest.fixture
def mllab(tmp_path, monkeypatch):
    monkeypatch.setenv("MLLAB_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("COLUMNS", "80")
    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_diagnose_plots_the_lab_curves_and_writes_the_png_into_the_workspace(mllab, tmp_path):
    assert mllab("start", "imbalanced_fraud").exit_code == 0
    result = mllab("diagnose", "imbalanced_fraud", "--device", "cpu")
    assert result.exit_code == 0, result.output
    assert "precision-recall on fresh data" in result.output
    assert "the decisions: recall" in result.output  # the broken threshold, on the curve
    png = tmp_path / "ws" / "imbalanced_fraud-curves.png"
    assert f"plot: {png}" in result.output  # one line, to copy
    assert png.read_bytes()[:4] == b"\x89PNG"
    png.unlink()
    png.mkdir()  # where the PNG cannot be written: one line, the rest of the report stands
    again = mllab("diagnose", "imbalanced_fraud", "--device", "cpu")
    assert again.exit_code == 0 and "no PNG:" in again.output and "Traceback" not in again.output
    assert "precision-recall on fresh data" in again.output


def test_two_optimizers_give_two_loss_series():
    """A GAN steps two optimizers in turn: each loss belongs to the optimizer that steps
    after it, and the loss curve shows one series per optimizer, not one zigzag."""
    from types import SimpleNamespace

    from mllab.graders.observe import Tracer, _traced

    tracer = Tracer()
    discriminator, generator = (SimpleNamespace(param_groups=[]) for _ in range(2))
    for step in range(30):
        for optimizer, loss in ((discriminator, 0.7 - step / 100), (generator, 2.0 + step / 50)):
            tracer.losses.append([tracer.steps, loss])  # what traced_backward records
            tracer.loss_optimizers.append(0)
            tracer._step(optimizer, (), {})
    record = _traced(tracer.trace())
    assert record.loss_optimizers == [1, 2] * 30
    curve = c.loss(record)
    (name_d, _, y_d), (name_g, _, y_g) = curve.series
    assert name_d == "optimizer 1 (first to step)" and name_g == "optimizer 2"
    assert y_d.max() < 0.71 and y_g.min() > 1.99  # never mixed
    # the tracer of a generative lab knows which optimizer steps the generator: the module
    # whose samples it snapshots (here the one created first, stepping second)
    import torch

    gen, disc = torch.nn.Linear(3, 2), torch.nn.Linear(2, 1)
    opt_g, opt_d = torch.optim.SGD(gen.parameters()), torch.optim.SGD(disc.parameters())
    tracer = Tracer(snapshots=True)
    for step in range(3):
        tracer._entered(gen, ())
        tracer._snapshot(gen, gen(torch.zeros(4, 3)))
        for optimizer in (opt_d, opt_g):
            tracer.losses.append([tracer.steps, 1.0])
            tracer.loss_optimizers.append(0)
            tracer._step(optimizer, (), {})
    named = c.loss(_traced(tracer.trace()))
    assert [name for name, *_ in named.series] == ["discriminator", "generator"]
    assert _traced({**tracer.trace(), "generator_optimizer": "x"}).generator_optimizer is None
    # a trace the child wrote wrongly (hostile or broken) only loses the split
    assert _traced({**tracer.trace(), "loss_optimizers": ["x"] * 3}).loss_optimizers == []
    single = c.loss(RunRecord(losses=[(0, 1.0), (1, 0.5)], loss_optimizers=[1, 1]))
    assert [name for name, *_ in single.series] == ["loss"]


# ---------------------------------------------------------------- a generator's samples

RING = np.c_[2 * np.cos(np.arange(8) * np.pi / 4), 2 * np.sin(np.arange(8) * np.pi / 4)]


def _snapshots(modes_per_step: list[list[int]]) -> list[tuple[int, np.ndarray]]:
    rng = np.random.default_rng(0)
    return [(400 * number, RING[rng.choice(modes, 128)] + rng.normal(0, 0.05, (128, 2)))
            for number, modes in enumerate(modes_per_step)]


def test_samples_over_training_say_which_modes_each_snapshot_reached(tmp_path):
    """A collapsing generator herded between modes: the line counts the modes per snapshot,
    the drawn snapshots say how many they reached, the finding says more than the symptom."""
    from mllab.graders.diagnose import missing_modes

    herded = _snapshots([[0], [2, 3], [5], [6, 7], [1]])
    record = RunRecord(snapshots=herded, mode_centres=RING, mode_radius=0.3,
                       modes=(np.full(8, 1 / 8), np.eye(8)[1]))
    line, *drawn = c.curves(record, ["samples"])
    assert line.series[0][2].tolist() == [1, 2, 1, 2, 1] and line.reference[1] == 8
    assert "0: 1 · 400: 3 4 · 800: 6 · 1200: 7 8 · 1600: 2" in line.said
    assert [d.title for d in drawn] == ["samples at step 0", "samples at step 800",
                                        "samples at step 1600"]
    assert all(d.points and d.note == "1 of 8 modes reached" for d in drawn)
    assert "at most 2 of 8 modes at once, 7 different ones in turn" in \
        missing_modes(record).measured
    png = c.write_png([line, *drawn], tmp_path / "samples.png", "demo")
    assert png.read_bytes()[:4] == b"\x89PNG"
    spread = RunRecord(snapshots=_snapshots([[0], list(range(8))]), mode_centres=RING,
                       mode_radius=0.3)
    assert c.curves(spread, ["samples"])[0].series[0][2].tolist() == [1, 8]
    assert c.curves(RunRecord(snapshots=herded), ["samples"]) == []  # no modes to measure


def test_the_tracer_keeps_evenly_spaced_snapshots_of_top_level_positions():
    """Snapshots are the first two-column output of a top-level call in training mode once
    one is due; a full list is halved (every other kept), so any run length gives at most
    MAX_SNAPSHOTS, evenly spaced, from step 0."""
    from types import SimpleNamespace

    import torch

    from mllab.graders.observe import MAX_SNAPSHOTS, Tracer, _traced

    tracer = Tracer(snapshots=True)
    generator, layer = (SimpleNamespace(training=True) for _ in range(2))
    optimizer = SimpleNamespace(param_groups=[])
    for step in range(5000):
        tracer._entered(generator, ())
        tracer._entered(layer, ())
        tracer._snapshot(layer, torch.full((300, 2), -1.0))  # nested: not a snapshot
        tracer._snapshot(generator, torch.full((300, 2), float(step)))
        tracer._entered(generator, ())
        tracer._snapshot(generator, torch.zeros(300, 1))  # a discriminator's logits
        tracer._step(optimizer, (), {})
    record = _traced(tracer.trace())
    steps = [step for step, _ in record.snapshots]
    assert len(steps) <= MAX_SNAPSHOTS and steps[0] == 0 and steps[-1] > 4000
    assert len(set(np.diff(steps))) == 1  # evenly spaced
    assert all(points.shape == (256, 2) and (points == step).all()
               for step, points in record.snapshots)
    assert Tracer().trace()["samples"] == []  # only a lab that plots samples pays for them
