"""What we noticed: detectors over the record of one run of the learner's code.

Each detector is a pure function of a ``RunRecord`` (plain numbers and arrays) that
returns a ``Finding`` or None. A finding says what was measured and why it matters,
never the fix. The thresholds are the published heuristics in the course's lab notes
(AUTOTRAINER, DeepDiagnosis, UMLAUT, deepchecks). Diagnosis is advisory: it never
takes part in a verdict, and every number in it came from a run of learner code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

VANISHING_RATIO = 1e-3  # first/last layer gradient norm
EXPLODING_RATIO = 70.0
DEAD_RELU = 0.70  # share of zero ReLU outputs
PROBABILITY_INPUTS = 0.50  # share of classification-loss calls given probabilities
CHANCE_BAND = 0.05  # loss within 5% of ln(k)
SUSPICIOUS_SCORE = 0.95
OPTIMISM_GAP = 0.10  # own validation estimate above the score on fresh data
RARE_CLASS = 0.05  # minority share of the training labels
MISSED_MINORITY = 0.20  # recall on the minority class below this, while accuracy looks fine
LABEL_SHIFT = 0.10  # a class's share in the training labels and in the decisions, both this
# far from its share in the fresh data's truth (deepchecks' train-test label drift, read as
# a difference of shares)
UNSTABLE = 0.01  # share of repeated predictions that changed
DRIFT_PSI = 0.25  # "major shift" in the usual PSI reading
DUPLICATES = 0.01  # share of validation rows also in training
UNDERFIT_GAIN = 0.50  # on its training rows, share of the way from a constant guess to perfect
TIED_UNITS = 0.50  # share of a layer's units whose outputs copy another unit's
OVERFIT_DEGRADATION = 0.10  # fresh score this much (relative) below the training score
MODES_KEPT = 0.75  # share of the data's modes a generator's samples must reach
FLOOR_SLACK = 0.10  # a training loss this far (absolute, or relative if more) below the
# data's entropy, where a lab knows it, is a leak (sampling noise is far smaller)


@dataclass(frozen=True)
class Finding:
    """One thing we noticed: a short name, what was measured, why it matters."""

    name: str
    measured: str
    why: str


@dataclass
class RunRecord:
    """What one run of the learner's code showed; every field is optional.

    ``losses``: (optimizer steps taken so far, loss) per backward pass, and
    ``loss_optimizers`` the number of the optimizer that stepped after each (in the order
    they first stepped; a GAN has two); ``grad_norms``:
    (first layer, last layer) weight-gradient norms per optimizer step; ``n_classes``: the
    width of the logits a classification loss saw; ``probabilities_to_loss``: share of
    its calls whose rows were non-negative and summed to one; ``relu_zero``: share of zero ReLU
    outputs while training; ``duplicate_units``: the largest share, over the Linear
    layers, of units whose outputs over a training batch equal another unit's (at the
    layer's last look); ``stochastic_at_inference``: kinds of Dropout/BatchNorm layers
    that ran in training mode after the last optimizer step. The rest comes from the arrays
    the learner's functions returned and the data the grader chose.
    """

    losses: list[tuple[int, float]] = field(default_factory=list)
    loss_optimizers: list[int] = field(default_factory=list)  # per loss: 1, 2, ... (0 unknown)
    generator_optimizer: int | None = None  # the optimizer that steps the generator (the
    # module whose samples the snapshots kept), in a generative lab
    grad_norms: list[tuple[float, float]] = field(default_factory=list)
    n_classes: int | None = None
    relu_zero: float | None = None
    probabilities_to_loss: float | None = None
    duplicate_units: float | None = None
    stochastic_at_inference: list[str] = field(default_factory=list)
    train_labels: np.ndarray | None = None
    decisions: np.ndarray | None = None  # the learner's class decisions on fresh data
    decision_truth: np.ndarray | None = None
    claimed_score: tuple[str, float] | None = None  # (metric, the learner's own estimate)
    train_score: float | None = None
    baseline_score: float | None = None  # train_score's metric for a constant guess (the
    # training mean or majority class) on the same rows; a perfect score is 1
    fresh_score: float | None = None  # the same metric on fresh data the grader chose
    scored: tuple[np.ndarray, np.ndarray] | None = None  # scores on fresh data, their truth
    scored_on: str = "fresh data"  # what `scored` scores, for the curve's title (lab-given)
    fitted: list[tuple[str, np.ndarray, np.ndarray]] | None = None  # (rows, truth,
    # predictions) per set of rows of a regression: the training rows, fresh ones
    repeated: tuple[np.ndarray, np.ndarray] | None = None  # the same inputs predicted twice
    paths: tuple[str, np.ndarray, str, np.ndarray] | None = None  # two paths, same rows
    train_rows: np.ndarray | None = None  # for train/validation duplicates
    validation_rows: np.ndarray | None = None
    modes: tuple[np.ndarray, np.ndarray] | None = None  # share of the training rows and of
    # generated samples near each known mode of the data (a generative model's lab)
    mode_centres: np.ndarray | None = None  # where those modes are, (modes, 2) positions,
    mode_radius: float | None = None  # and how near a sample must be to count for one
    snapshots: list[tuple[int, np.ndarray]] = field(default_factory=list)  # (optimizer step,
    # generated positions) at evenly spaced steps of training (observe.Tracer)
    loss_floor: float | None = None  # the least mean loss any model can reach on the training
    # data (its conditional entropy), for a lab whose generator knows it


def _loss_values(record: RunRecord) -> np.ndarray:
    return np.array([loss for _, loss in record.losses], dtype=float)


def non_finite_loss(record: RunRecord) -> Finding | None:
    for step, loss in record.losses:
        if not math.isfinite(loss):
            finite = [v for _, v in record.losses if math.isfinite(v)]
            before = f"; the largest finite loss before it was {max(finite):.3g}" if finite else ""
            return Finding("non-finite loss", f"the loss became {loss} at optimizer step {step} "
                           f"(of {record.losses[-1][0]}){before}",
                           "once the loss is NaN or inf every weight it touches becomes NaN too: "
                           "nothing after that step is learned")
    return None


def gradient_ratio(record: RunRecord) -> Finding | None:
    norms = np.array(record.grad_norms[:20], dtype=float).reshape(-1, 2)
    if not len(norms):
        return None
    if not np.isfinite(norms).all():
        step = int(np.argmax(~np.isfinite(norms).all(axis=1)))
        return Finding("exploding gradients", f"a layer's gradient norm was not finite at "
                       f"optimizer step {step}", "the update that follows overflows the weights")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = float(np.median(norms[:, 0] / norms[:, 1]))
    if not math.isfinite(ratio):
        return None
    if ratio > EXPLODING_RATIO:
        return Finding("exploding gradients", f"first/last layer gradient norm ratio {ratio:.3g} "
                       f"over the first {len(norms)} steps (heuristic: > {EXPLODING_RATIO:g})",
                       "the early layers take steps far larger than the late ones: training "
                       "tends to diverge")
    if ratio < VANISHING_RATIO:
        return Finding("vanishing gradients", f"first/last layer gradient norm ratio {ratio:.2g} "
                       f"over the first {len(norms)} steps (heuristic: < {VANISHING_RATIO:g})",
                       "the early layers barely move, so the network learns only in its last "
                       "layers")
    return None


def dead_relu(record: RunRecord) -> Finding | None:
    if record.relu_zero is None or record.relu_zero < DEAD_RELU:
        return None
    return Finding("dying ReLU", f"{record.relu_zero:.0%} of ReLU outputs were zero while "
                   f"training (heuristic: >= {DEAD_RELU:.0%})",
                   "a unit that outputs zero passes no gradient back and stops learning")


def probabilities_to_loss(record: RunRecord) -> Finding | None:
    if record.probabilities_to_loss is None or record.probabilities_to_loss < PROBABILITY_INPUTS:
        return None
    return Finding("probabilities fed to a loss on logits",
                   f"{record.probabilities_to_loss:.0%} of the calls to cross_entropy/nll_loss "
                   "got rows that were non-negative and summed to 1",
                   "cross_entropy applies its own (log-)softmax: given probabilities, its loss "
                   "has a floor above zero and its gradients shrink")


def identical_units(record: RunRecord) -> Finding | None:
    if record.duplicate_units is None or record.duplicate_units < TIED_UNITS:
        return None
    return Finding("identical hidden units", f"{record.duplicate_units:.0%} of a layer's units "
                   "gave the same outputs as another unit of that layer over a training batch "
                   f"(heuristic: >= {TIED_UNITS:.0%})",
                   "units that compute the same function get the same gradient and stay copies "
                   "of each other: the layer acts as fewer units than it has")


def loss_at_chance(record: RunRecord) -> Finding | None:
    values = _loss_values(record)
    if not record.n_classes or record.n_classes < 2 or len(values) < 10 or \
            not np.isfinite(values).all():
        return None
    chance = math.log(record.n_classes)
    late = float(np.mean(values[-max(len(values) // 5, 1):]))
    if abs(late - chance) > CHANCE_BAND * chance:
        return None
    return Finding("loss flat at chance", f"mean loss over the last fifth of {len(values)} "
                   f"steps {late:.3f}; ln({record.n_classes}) = {chance:.3f} is the loss of a "
                   "uniform guess over the classes",
                   "the network predicts no better than guessing: the weights it is evaluated "
                   "with are not learning from the labels")


def loss_below_floor(record: RunRecord) -> Finding | None:
    values = _loss_values(record)
    finite = values[np.isfinite(values)]
    if not len(finite):
        return None
    if finite.min() < -1e-6:
        return Finding("loss below its floor", f"the loss reached {finite.min():.3g}; "
                       "cross-entropy and squared error cannot be negative",
                       "the number being minimised is not the loss it is named after")
    floor = record.loss_floor
    if floor is None or not math.isfinite(floor) or floor <= 0:
        return None
    late = float(finite[-max(1, len(finite) // 5):].mean())
    if late >= floor - max(FLOOR_SLACK, FLOOR_SLACK * floor):
        return None
    return Finding("loss below its floor", f"the training loss ended at {late:.3g} (mean of the "
                   f"last fifth of the steps); the data's own randomness allows no model less "
                   f"than {floor:.3g} on average",
                   "a model that beats the randomness of its data is reading something it will "
                   "not have when it is used: the answer itself, leaked into its inputs")


def oscillating_loss(record: RunRecord) -> Finding | None:
    values = _loss_values(record)
    if len(values) < 50 or not np.isfinite(values).all():
        return None
    means = np.array([w.mean() for w in np.array_split(values, 10)])
    turns = int(np.sum(np.diff(np.sign(np.diff(means))) != 0))
    swing = float(np.mean(np.abs(np.diff(means))) / max(np.mean(np.abs(means)), 1e-12))
    if turns < 6 or swing < 0.10:
        return None
    return Finding("oscillating loss", f"the loss averaged over tenths of the run changed "
                   f"direction {turns} of 8 times, by {swing:.0%} of its level on average",
                   "steps that overshoot back and forth keep the loss from settling")


def suspicious_validation(record: RunRecord) -> Finding | None:
    if record.claimed_score is None:
        return None
    metric, claimed = record.claimed_score
    fresh = record.fresh_score
    on_fresh = f"; on fresh data the same model scores {fresh:.3f}" if fresh is not None else ""
    if claimed > SUSPICIOUS_SCORE:
        return Finding("validation score suspiciously high", f"the code's own validation "
                       f"{metric} is {claimed:.3f} (heuristic: > {SUSPICIOUS_SCORE}){on_fresh}",
                       "scores this good on a noisy real-world target usually mean a feature "
                       "carries the label, or the validation rows leak into training")
    if fresh is not None and claimed - fresh > OPTIMISM_GAP:
        return Finding("validation score not borne out", f"the code's own validation {metric} "
                       f"is {claimed:.3f}{on_fresh}",
                       "the validation rows are not like the data the model meets: its estimate "
                       "cannot be trusted")
    if record.train_score is not None and claimed > record.train_score + 0.02:
        return Finding("validation above training", f"validation {metric} {claimed:.3f}, "
                       f"training {record.train_score:.3f}",
                       "a model rarely does better on rows it never saw: the split or the "
                       "evaluation is suspect")
    return None


def hidden_imbalance(record: RunRecord) -> Finding | None:
    if record.train_labels is None or record.decisions is None or record.decision_truth is None:
        return None
    labels = np.asarray(record.train_labels)
    values, counts = np.unique(labels, return_counts=True)
    if len(values) < 2 or counts.min() / counts.sum() >= RARE_CLASS:
        return None
    rare = values[np.argmin(counts)]
    truth, decided = np.asarray(record.decision_truth), np.asarray(record.decisions)
    positives = truth == rare
    if not positives.any() or len(decided) != len(truth):
        return None
    recall = float(np.mean(decided[positives] == rare))
    if recall >= MISSED_MINORITY:
        return None
    accuracy, baseline = float(np.mean(decided == truth)), float(np.mean(~positives))
    return Finding("class imbalance hidden by accuracy", f"the rare class is "
                   f"{counts.min() / counts.sum():.2%} of the training labels; on fresh data the "
                   f"decisions reach accuracy {accuracy:.2%} (always predicting the common class: "
                   f"{baseline:.2%}) yet catch {int(np.sum(decided[positives] == rare))} of "
                   f"{int(positives.sum())} rare cases",
                   "accuracy rewards ignoring a rare class: it cannot tell this model from one "
                   "that never flags anything")


def labels_unlike_fresh_data(record: RunRecord) -> Finding | None:
    """The model reproduces a class balance its training labels have and fresh data does not:
    the labels it learned from disagree with the truth it is judged by."""
    if record.train_labels is None or record.decisions is None or record.decision_truth is None:
        return None
    labels, truth = np.asarray(record.train_labels), np.asarray(record.decision_truth)
    decided = np.asarray(record.decisions)
    if len(decided) != len(truth) or not len(labels) or not len(truth):
        return None
    for value in np.unique(truth):
        labelled, real = float(np.mean(labels == value)), float(np.mean(truth == value))
        predicted = float(np.mean(decided == value))
        if abs(labelled - real) > LABEL_SHIFT and abs(predicted - real) > LABEL_SHIFT \
                and (labelled - real) * (predicted - real) > 0:
            return Finding("training labels unlike fresh data",
                           f"class {value:g} is {labelled:.1%} of the training labels and "
                           f"{predicted:.1%} of the decisions on fresh data, but {real:.1%} of "
                           f"that data's truth (heuristic: both more than {LABEL_SHIFT:.0%} apart)",
                           "the model learned the class balance of its labels, and the truth "
                           "it is judged by has another: the labels, or the population they "
                           "describe, differ from what the model meets")
    return None


def unstable_predictions(record: RunRecord) -> Finding | None:
    if record.repeated is None:
        return None
    first, second = (np.asarray(a) for a in record.repeated)
    if first.shape != second.shape or not first.size:
        return None
    changed = float(np.mean(first != second))
    if changed <= UNSTABLE:
        return None
    return Finding("predictions change between calls", f"{changed:.1%} of the same inputs got a "
                   "different prediction when predicted again",
                   "a trained model is a fixed function: something in its forward pass is "
                   "still random or depends on the rest of the call")


def stochastic_at_inference(record: RunRecord) -> Finding | None:
    if not record.stochastic_at_inference:
        return None
    kinds = ", ".join(sorted(set(record.stochastic_at_inference)))
    return Finding("training-mode layers at prediction time", f"{kinds} ran in training mode "
                   f"{len(record.stochastic_at_inference)} time(s) after the last optimizer step",
                   "dropout in training mode zeroes random units and BatchNorm normalises with "
                   "the statistics of the current batch, so predictions vary")


def psi(reference: np.ndarray, current: np.ndarray, bins: int = 10) -> float:
    """Population stability index of ``current`` against ``reference`` (quantile bins)."""
    reference, current = np.asarray(reference, float), np.asarray(current, float)
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)))
    if len(edges) < 3:
        edges = np.array([-np.inf, float(reference.mean()), np.inf])
    edges[0], edges[-1] = -np.inf, np.inf
    expected = np.histogram(reference, edges)[0] / len(reference) + 1e-4
    actual = np.histogram(current, edges)[0] / len(current) + 1e-4
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def drift(record: RunRecord) -> Finding | None:
    if record.paths is None:
        return None
    name_a, a, name_b, b = record.paths
    a, b = np.asarray(a, float).ravel(), np.asarray(b, float).ravel()
    if not (len(a) and len(b)) or not (np.isfinite(a).all() and np.isfinite(b).all()):
        return None
    index = psi(a, b)
    if index < DRIFT_PSI:
        return None
    return Finding("drift between two paths", f"PSI {index:.2f} between {name_a} (mean "
                   f"{a.mean():.3f}) and {name_b} (mean {b.mean():.3f}) (heuristic: > {DRIFT_PSI})",
                   "the same rows look different to the model in the two paths: what it learned "
                   "does not apply to what it is given")


def duplicates(record: RunRecord) -> Finding | None:
    if record.train_rows is None or record.validation_rows is None:
        return None
    seen = {np.asarray(row).tobytes() for row in np.asarray(record.train_rows)}
    rows = np.asarray(record.validation_rows)
    shared = sum(np.asarray(row).tobytes() in seen for row in rows)
    if not len(rows) or shared / len(rows) <= DUPLICATES:
        return None
    return Finding("train/validation duplicates", f"{shared} of {len(rows)} validation rows "
                   "also appear in training",
                   "a model is scored on rows it memorised, so the estimate is too good")


def barely_above_baseline(record: RunRecord) -> Finding | None:
    """deepchecks' simple-model comparison (gain = (score - simple) / (perfect - simple)),
    read on the rows the model was trained on: a model that closes less than half the gap
    there underfits, whatever its validation score."""
    train, base = record.train_score, record.baseline_score
    if train is None or base is None or not (math.isfinite(train) and math.isfinite(base)) \
            or base >= 1:
        return None
    gain = (train - base) / (1 - base)
    if gain >= UNDERFIT_GAIN:
        return None
    fresh = f"; on fresh data {record.fresh_score:.3f}" if record.fresh_score is not None else ""
    return Finding("barely better than a constant guess", f"on the rows it was trained on the "
                   f"model scores {train:.3f} and a constant guess {base:.3f}: {gain:.0%} of the "
                   f"way to a perfect fit (heuristic: < {UNDERFIT_GAIN:.0%}){fresh}",
                   "a model that cannot fit the rows it learned from will not do better on new "
                   "ones: its error is bias, which more of the same data or more epochs leave "
                   "where it is")


def training_far_above_fresh(record: RunRecord) -> Finding | None:
    """deepchecks' train-test performance check (relative degradation from the training
    rows to fresh ones, default condition 10%): a model far better on the rows it learned
    from than on new ones has memorised them."""
    train, fresh = record.train_score, record.fresh_score
    if train is None or fresh is None or not (math.isfinite(train) and math.isfinite(fresh)) \
            or train <= 0:
        return None
    degradation = (train - fresh) / train
    if degradation <= OVERFIT_DEGRADATION:
        return None
    return Finding("training score far above fresh data", f"the model scores {train:.3f} on "
                   f"the rows it was trained on and {fresh:.3f} on fresh data: {degradation:.0%} "
                   f"lower (heuristic: > {OVERFIT_DEGRADATION:.0%})",
                   "what it learned from its training rows does not carry over to rows it never "
                   "saw: it memorised them")


def modes_reached(points: np.ndarray, centres: np.ndarray, radius: float) -> np.ndarray:
    """Which modes (indices into ``centres``) get at least a quarter of their fair share
    of ``points`` within ``radius`` (each point counts for its nearest mode)."""
    distance = np.linalg.norm(points[:, None, :] - centres[None], axis=2)
    near = distance.min(axis=1) < radius
    counts = np.bincount(distance.argmin(axis=1)[near], minlength=len(centres))
    return np.flatnonzero(counts >= 0.25 * len(points) / len(centres))


def modes_over_training(record: RunRecord) -> list[tuple[int, np.ndarray]]:
    """(optimizer step, the modes reached) per snapshot of training; [] when the record has
    no snapshots or no modes to measure them against."""
    if not record.snapshots or record.mode_centres is None or not record.mode_radius:
        return []
    centres = np.asarray(record.mode_centres, dtype=float).reshape(-1, 2)
    return [(step, modes_reached(points, centres, record.mode_radius))
            for step, points in record.snapshots]


def _over_training(record: RunRecord) -> str:
    """How many modes the snapshots of training reached at once, and in all: samples that
    sit on a few modes at a time but visit many were herded between them."""
    history = modes_over_training(record)
    if not history:
        return ""
    most = max(len(reached) for _, reached in history)
    visited = len(set().union(*(set(reached.tolist()) for _, reached in history)))
    return (f"; over training ({len(history)} snapshots, steps {history[0][0]} to "
            f"{history[-1][0]}) the samples sat on at most {most} of "
            f"{len(record.mode_centres)} modes at once" + (f", {visited} different ones in turn"
                                                         if visited > most else ""))


def missing_modes(record: RunRecord) -> Finding | None:
    """The mode count of the GAN literature (Metz et al. 2017, unrolled GANs; Srivastava et
    al. 2017, VEEGAN): a mode is captured when generated samples land near it. Here a mode
    of the data (at least a quarter of its fair share of the training rows) counts as
    captured when it gets at least a quarter of its training share of the samples."""
    if record.modes is None:
        return None
    trained, generated = (np.asarray(a, dtype=float).ravel() for a in record.modes)
    if trained.shape != generated.shape or len(trained) < 2:
        return None
    present = trained >= 0.25 / len(trained)
    captured = present & (generated >= 0.25 * trained)
    if not present.any() or captured.sum() >= MODES_KEPT * present.sum():
        return None
    return Finding("modes missing from the samples", f"generated samples reach "
                   f"{int(captured.sum())} of the {int(present.sum())} modes of the training "
                   f"data; the busiest mode holds {generated.max():.0%} of the samples "
                   f"(heuristic: < {MODES_KEPT:.0%} of the modes){_over_training(record)}",
                   "a generator that covers a few modes of the data can look sharp sample by "
                   "sample while most of what it should produce never appears: mode collapse")


DETECTORS = (non_finite_loss, gradient_ratio, dead_relu, probabilities_to_loss, identical_units,
             loss_at_chance, loss_below_floor, oscillating_loss, suspicious_validation,
             hidden_imbalance, labels_unlike_fresh_data, unstable_predictions,
             stochastic_at_inference, drift, duplicates, barely_above_baseline,
             training_far_above_fresh, missing_modes)


def diagnose(record: RunRecord) -> list[Finding]:
    """Every finding the detectors make on ``record``; a detector that trips over odd
    learner data says nothing rather than break the report."""
    found = []
    for detector in DETECTORS:
        try:
            finding = detector(record)
        except Exception:  # noqa: BLE001 - advisory: odd arrays from learner code
            finding = None
        if finding:
            found.append(finding)
    return found


def checked(record: RunRecord) -> list[str]:
    """What the detectors had to look at in ``record`` (said when nothing stood out)."""
    looked_at = (
        (record.losses, "loss per step (non-finite, chance level, floor, oscillation) and "
                        "layer modes at prediction time"),
        (record.grad_norms, "first/last layer gradient ratio"),
        (record.relu_zero is not None, "dead ReLUs"),
        (record.probabilities_to_loss is not None, "probabilities given to a classification loss"),
        (record.duplicate_units is not None, "identical units within a layer"),
        (record.claimed_score is not None, "the code's own validation score"),
        (record.decisions is not None, "class balance against the decisions' accuracy"),
        (record.train_labels is not None and record.decisions is not None,
         "class shares of the training labels and the decisions against fresh data"),
        (record.repeated is not None, "repeated predictions"),
        (record.paths is not None, "drift between two scoring paths"),
        (record.validation_rows is not None, "train/validation duplicates"),
        (record.baseline_score is not None, "training score against a constant guess"),
        (record.train_score is not None and record.fresh_score is not None,
         "training score against fresh data"),
        (record.modes is not None, "modes of the data reached by generated samples"),
    )
    return [what for present, what in looked_at if present]
