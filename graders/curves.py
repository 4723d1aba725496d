"""Curves of one run of the learner's code: a compact terminal plot and a PNG.

Each lab names the curves its story is about (``curves = [...]`` in lab.toml); each is
computed here from the ``RunRecord`` of the traced run that ``mllab diagnose`` makes
(the learner's file does not change for curves to appear):

- ``loss``: the training loss per optimizer step (every scalar ``backward()`` saw);
- ``gradients``: the first and the last weight matrix's gradient norm per step;
- ``precision_recall``: precision against recall of the scores on fresh data (or what the lab names in ``scored_on``);
- ``roc``: true against false positive rate of the scores on fresh data;
- ``paths``: the two scoring paths' scores of the same rows, sorted by the first;
- ``fit``: a regression's mean prediction against the mean truth, per tenth of the
  truth, on the rows it was trained on and on fresh ones;
- ``samples``: a generator's samples over training against the modes of the data (a
  GAN's taxi stands): how many modes each snapshot reached, then three snapshots
  (first, middle, last) drawn as points beside the modes.

Every number came from learner code: curves are for display only, never for a verdict.
matplotlib is imported only to write the PNG.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mllab.graders.diagnose import RunRecord, modes_over_training

MAX_POINTS = 2_000  # kept per series (evenly spaced): enough for a plot, bounded
SPARK = "▁▂▃▄▅▆▇█"
PNG_COLUMNS = 3  # plots per row of the PNG


@dataclass
class Curve:
    """One plot: named series of (x, y) points over shared axes."""

    title: str
    x_label: str
    y_label: str
    series: list[tuple[str, np.ndarray, np.ndarray]] = field(default_factory=list)
    log_y: bool = False
    note: str = ""  # what the plot leaves out (non-finite values, ...)
    points: bool = False  # series drawn as points (samples and modes), not lines
    said: str = ""  # said in the terminal only (too long for a plot)
    marks: list[tuple[str, float, float]] = field(default_factory=list)  # named single points
    reference: tuple[str, float] | None = None  # a named level (a uniform guess's loss)


def _thinned(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) > MAX_POINTS:
        keep = np.linspace(0, len(x) - 1, MAX_POINTS).astype(int)
        x, y = x[keep], y[keep]
    return x, y


def _finite(x, y) -> tuple[np.ndarray, np.ndarray, str]:
    """The finite points, and a note on where the values stopped being finite."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    bad = ~np.isfinite(y)
    note = f"not finite from step {int(x[np.argmax(bad)])} on ({int(bad.sum())} values left out)" \
        if bad.any() else ""
    return x[~bad], y[~bad], note


def loss(record: RunRecord) -> Curve | None:
    if not record.losses:
        return None
    steps, values = zip(*record.losses)
    x, y, note = _finite(steps, values)
    if not len(x):
        return Curve("training loss", "optimizer step", "loss", note="the loss was never finite")
    spread = y.max() / max(y.min(), 1e-12) if y.min() > 0 else 0
    chance = (f"a uniform guess over {record.n_classes} classes, ln {record.n_classes}",
              math.log(record.n_classes)) if record.n_classes else None
    curve = Curve("training loss", "optimizer step", "loss", [("loss", *_thinned(x, y))],
                  log_y=spread > 100, note=note, reference=chance)
    owners = np.asarray(record.loss_optimizers, dtype=int)
    if len(owners) == len(record.losses) and len(set(owners[owners > 0])) > 1:
        # several optimizers (a GAN's discriminator and generator): one series each, so
        # the two losses show apart instead of as one zigzag
        curve.series = []
        numbers = sorted(set(owners[owners > 0]))
        for number in numbers:
            mine = owners == number
            x, y, _ = _finite(np.asarray(steps)[mine], np.asarray(values)[mine])
            if len(x):
                curve.series.append((_optimizer_name(record, number, len(numbers)),
                                     *_thinned(x, y)))
    return curve


def _optimizer_name(record: RunRecord, number: int, count: int) -> str:
    """"generator" and "discriminator" where the trace saw which optimizer steps the
    generator (a GAN: two optimizers), else "optimizer N" (numbered by first step)."""
    if record.generator_optimizer and count == 2:
        return "generator" if number == record.generator_optimizer else "discriminator"
    return f"optimizer {number}" + (" (first to step)" if number == 1 else "")


def gradients(record: RunRecord) -> Curve | None:
    if not record.grad_norms:
        return None
    norms = np.asarray(record.grad_norms, dtype=float).reshape(-1, 2)
    steps = np.arange(1, len(norms) + 1)
    curve = Curve("gradient norms", "optimizer step", "weight-gradient norm", log_y=True)
    notes = []
    for column, name in ((0, "first layer"), (1, "last layer")):
        x, y, note = _finite(steps, norms[:, column])
        keep = y > 0  # a log axis
        if keep.any():
            curve.series.append((name, *_thinned(x[keep], y[keep])))
        if note:
            notes.append(f"{name}: {note}")
    curve.note = "; ".join(notes)
    return curve if curve.series else None


def _scored(record: RunRecord):
    """(finite scores, their truth, which rows those are), or None when no curve can be made."""
    if record.scored is None:
        return None
    scores, truth = (np.asarray(a, dtype=float) for a in record.scored)
    ok = np.isfinite(scores)
    if len(scores) != len(truth) or ok.sum() < 2 or len(np.unique(truth[ok])) != 2:
        return None
    return scores[ok], truth[ok], ok


def precision_recall(record: RunRecord) -> Curve | None:
    from sklearn.metrics import average_precision_score, precision_recall_curve

    found = _scored(record)
    if found is None:
        return None
    scores, truth, kept = found
    precision, recall, _ = precision_recall_curve(truth, scores)
    order = np.argsort(recall, kind="stable")
    curve = Curve(f"precision-recall on {record.scored_on}", "recall", "precision",
                  [("scores", *_thinned(recall[order], precision[order]))],
                  note=f"average precision {average_precision_score(truth, scores):.3f}, "
                       f"positives {truth.mean():.2%}")
    if record.decisions is not None and len(record.decisions) == len(kept):
        decided = np.asarray(record.decisions, dtype=float)[kept] > 0.5
        hits = float((decided & (truth > 0.5)).sum())
        point = (hits / max(truth.sum(), 1), hits / decided.sum() if decided.sum() else 1.0)
        curve.marks.append(("the decisions", *point))
        curve.note += f"; {int(decided.sum())} flagged"
    return curve


def roc(record: RunRecord) -> Curve | None:
    from sklearn.metrics import roc_auc_score, roc_curve

    found = _scored(record)
    if found is None:
        return None
    scores, truth, _ = found
    false_positive, true_positive, _ = roc_curve(truth, scores)
    claimed = f"; the code's own estimate said {record.claimed_score[0]} " \
              f"{record.claimed_score[1]:.3f}" if record.claimed_score else ""
    return Curve(f"ROC on {record.scored_on}", "false positive rate", "true positive rate",
                 [("scores", *_thinned(false_positive, true_positive))],
                 note=f"AUC {roc_auc_score(truth, scores):.3f} on fresh data{claimed}")


def paths(record: RunRecord) -> Curve | None:
    if record.paths is None:
        return None
    name_a, a, name_b, b = record.paths
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) != len(b) or not len(a):
        return None
    order = np.argsort(a, kind="stable")
    rows = np.arange(len(a))
    return Curve("the same rows, two scoring paths", f"rows, sorted by {name_a}", "score",
                 [(name_a, *_thinned(rows, a[order])), (name_b, *_thinned(rows, b[order]))])


def fit(record: RunRecord) -> Curve | None:
    if not record.fitted:
        return None
    curve = Curve("predictions against the truth (mean per tenth)", "true value (mean)",
                  "predicted value (mean)")
    notes = []
    for name, truth, predicted in record.fitted:
        truth, predicted = np.asarray(truth, dtype=float), np.asarray(predicted, dtype=float)
        ok = np.isfinite(truth) & np.isfinite(predicted)
        truth, predicted = truth[ok], predicted[ok]
        if len(truth) != len(predicted) or len(truth) < 20:
            continue
        tenth = np.minimum((np.argsort(np.argsort(truth, kind="stable")) * 10) // len(truth), 9)
        x = np.array([truth[tenth == t].mean() for t in range(10)])
        y = np.array([predicted[tenth == t].mean() for t in range(10)])
        curve.series.append((name, x, y))
        spread = 1 - ((truth - predicted) ** 2).sum() / max(((truth - truth.mean()) ** 2).sum(), 1e-12)
        notes.append(f"R^2 {spread:.2f} on {name}")
    if not curve.series:
        return None
    first = curve.series[0][1]
    curve.series.append(("a perfect fit", first, first))
    curve.note = "; ".join(notes)
    return curve


SHOWN_SNAPSHOTS = 3  # drawn as points: the first, the middle and the last


def samples(record: RunRecord) -> list[Curve] | None:
    """Modes reached per snapshot of training (one line), then a few snapshots drawn
    beside the modes; each says which modes it reached."""
    history = modes_over_training(record)
    if not history:
        return None
    centres = np.asarray(record.mode_centres, dtype=float).reshape(-1, 2)
    reached = [modes for _, modes in history]
    steps = np.array([step for step, _ in history], dtype=float)
    told = " · ".join(f"{int(step)}: {' '.join(str(m + 1) for m in r) or 'none'}"
                      for step, r in zip(steps, reached))
    made = [Curve(f"modes reached by the samples (of {len(centres)})", "optimizer step",
                  "modes reached", [("modes reached", steps, np.array([len(r) for r in reached],
                                                                      dtype=float))],
                  said=f"modes reached at each step: {told}",
                  reference=("every mode", float(len(centres))))]
    chosen = sorted({0, len(reached) // 2, len(reached) - 1})[:SHOWN_SNAPSHOTS]
    for index in chosen:
        step, points = record.snapshots[index]
        made.append(Curve(f"samples at step {step}", "x", "y",
                          [(f"{len(points)} samples", points[:, 0], points[:, 1]),
                           ("modes of the data", centres[:, 0], centres[:, 1])],
                          note=f"{len(reached[index])} of {len(centres)} modes reached",
                          points=True))
    return made


CURVES = {"loss": loss, "gradients": gradients, "precision_recall": precision_recall,
          "roc": roc, "paths": paths, "fit": fit, "samples": samples}


def curves(record: RunRecord, names) -> list[Curve]:
    """The lab's named curves that ``record`` holds data for; a curve the learner's odd
    numbers cannot make is left out rather than break the report."""
    made = []
    for name in names:
        try:
            curve = CURVES[name](record)
        except Exception:  # noqa: BLE001 - learner numbers; display only
            curve = None
        if curve is not None:
            made.extend(curve if isinstance(curve, list) else [curve])
    return made


# ---------------------------------------------------------------- drawing


def sparkline(y: np.ndarray, width: int = 48, log: bool = False) -> str:
    """``y`` as one line of block characters, ``width`` wide (mean per bucket). On a
    linear scale the bottom is 0 when every value is positive, so a loss stuck at 2.3
    reads as flat rather than as its noise blown up."""
    y = np.asarray(y, dtype=float)
    if log:
        y = np.log10(np.maximum(y, 1e-300))
    buckets = np.array_split(y, min(width, len(y)))
    means = np.array([b.mean() for b in buckets])
    low, high = means.min(), means.max()
    if not log and low > 0:
        low = 0.0
    if not math.isfinite(high - low) or high - low < 1e-12:
        return SPARK[3] * len(means)
    levels = np.round((means - low) / (high - low) * (len(SPARK) - 1)).astype(int)
    return "".join(SPARK[i] for i in levels)


def _draw_points(axis, curve: Curve) -> None:
    """A snapshot: the first series as small points, the rest (the modes) as crosses."""
    for number, (name, x, y) in enumerate(curve.series):
        if number:
            axis.scatter(x, y, marker="x", s=60, color="crimson", label=name, zorder=3)
        else:
            axis.scatter(x, y, s=6, alpha=0.5, label=name)
    axis.set(title=f"{curve.title}: {curve.note}", xlabel=curve.x_label, ylabel=curve.y_label)
    every = np.concatenate([np.c_[x, y] for _, x, y in curve.series])
    middle = (every.max(axis=0) + every.min(axis=0)) / 2
    half = max(float((every.max(axis=0) - every.min(axis=0)).max()) * 0.55, 1e-9)
    axis.set(xlim=(middle[0] - half, middle[0] + half), ylim=(middle[1] - half, middle[1] + half))
    axis.set_aspect("equal", adjustable="box")
    axis.legend(fontsize=7)
    axis.grid(alpha=0.3)


def write_png(found: list[Curve], path: Path, title: str) -> Path:
    """All ``found`` curves side by side in one PNG at ``path`` (raises OSError)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    columns = min(len(found), PNG_COLUMNS)
    rows = -(-len(found) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(5 * columns, 3.8 * rows), squeeze=False)
    for axis in axes.flat[len(found):]:
        axis.axis("off")
    try:
        for axis, curve in zip(axes.flat, found):
            if curve.points:
                _draw_points(axis, curve)
                continue
            for name, x, y in curve.series:
                axis.plot(x, y, label=name, linewidth=1.2)
            for name, x, y in curve.marks:
                axis.plot([x], [y], "o", color="crimson", label=name)
            if curve.reference:
                axis.axhline(curve.reference[1], color="grey", linestyle="--", linewidth=1,
                             label=curve.reference[0])
            if curve.log_y:
                axis.set_yscale("log")
            elif all(y.min() > 0 for _, _, y in curve.series):
                top = max(y.max() for _, _, y in curve.series)
                axis.set_ylim(0, top * 1.15)  # as the terminal plot: a flat loss looks flat
            axis.set(title=curve.title, xlabel=curve.x_label, ylabel=curve.y_label)
            if len(curve.series) + len(curve.marks) + bool(curve.reference) > 1:
                axis.legend()
            if curve.note:
                axis.text(0.01, 0.01, curve.note, transform=axis.transAxes, fontsize=7,
                          va="bottom", wrap=True)
            axis.grid(alpha=0.3)
        figure.suptitle(title)
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        figure.savefig(partial, format="png", dpi=110)
        partial.replace(path)  # never a half-written PNG
    finally:
        plt.close(figure)
    return path
