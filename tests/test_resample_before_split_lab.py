"""resample_before_split: what its grading rests on, checked from the outside.

The estimate check stops a number typed in only because the grader's second world (the
same payments, labels much harder to rank) moves the right answer by more than twice the
tolerance; and ``measure`` reads the estimate the sandbox returned as one finite number,
whatever it is, and takes the larger of its two gaps. The knobs this lab added to the
fraud generator leave the default payments (imbalanced_fraud's) bit for bit as they were.
"""

from __future__ import annotations

import hashlib
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score

from mllab import labs
from mllab.datasets import fraud
from mllab.graders.outputs import InvalidOutput, Outputs

LAB = labs.get("resample_before_split")
GRADING = LAB.grading()
TOLERANCE = next(t.value for t in LAB.targets if t.metric == "estimate_gap")


def npy(value) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(value), allow_pickle=False)
    return buffer.getvalue()


@pytest.mark.parametrize("eval_seed", [0, 7, 2**31 - 3])
def test_no_single_estimate_is_right_in_both_worlds(eval_seed):
    split = GRADING.make_split(11, eval_seed)
    main, murky = split.stages
    assert main.inputs["eval"].equals(murky.inputs["eval"])  # the same payments are scored
    features = [column for column in main.inputs["train"] if column != "Class"]
    assert main.inputs["train"][features].equals(murky.inputs["train"][features])
    for run in GRADING.RUNS:  # the same base rate: only how clean the labels are differs
        assert 0.015 < split.truth.fraud[run].mean() < 0.025
    best = {run: average_precision_score(split.truth.fraud[run], split.truth.risk[run])
            for run in GRADING.RUNS}
    assert best["main"] - best["murky"] > 2 * TOLERANCE


LABELS = np.array([0] * 45 + [1] * 5)
TRUTH = GRADING.Truth(fraud={"main": LABELS, "murky": LABELS[::-1].copy()},
                      risk={"main": np.linspace(0, 1, 50), "murky": np.linspace(1, 0, 50)})
scores = st.lists(st.floats(-1e9, 1e9), min_size=50, max_size=50).map(np.array)
any_number = st.floats(allow_nan=True, allow_infinity=True)


@settings(max_examples=100, deadline=None)
@given(main_scores=scores, murky_scores=scores, main_estimate=any_number,
       murky_estimate=any_number)
def test_the_gap_is_the_larger_of_the_two_worlds(main_scores, murky_scores, main_estimate,
                                                 murky_estimate):
    outputs = Outputs({"scores_main": npy(main_scores), "scores_murky": npy(murky_scores),
                       "estimate_main": npy(main_estimate), "estimate_murky": npy(murky_estimate)})
    if not np.isfinite([main_estimate, murky_estimate]).all():
        with pytest.raises(InvalidOutput, match="estimated_auprc"):
            GRADING.measure(outputs, TRUTH)
        return
    metrics = GRADING.measure(outputs, TRUTH)
    fresh_main = average_precision_score(TRUTH.fraud["main"], main_scores)
    fresh_murky = average_precision_score(TRUTH.fraud["murky"], murky_scores)
    expected = max(abs(np.clip(main_estimate, -1e6, 1e6) - fresh_main),
                   abs(np.clip(murky_estimate, -1e6, 1e6) - fresh_murky))
    assert metrics["estimate_gap"] == pytest.approx(expected)
    assert np.isfinite(list(metrics.values())).all()


@pytest.mark.parametrize("estimate", [[0.5, 0.5], [], "0.5", [[0.5, 0.6]]])
def test_an_estimate_that_is_not_one_number_is_one_clear_error(estimate):
    outputs = Outputs({"scores_main": npy(np.zeros(50)), "scores_murky": npy(np.zeros(50)),
                       "estimate_main": npy(estimate), "estimate_murky": npy(0.5)})
    with pytest.raises(InvalidOutput, match="estimated_auprc"):
        GRADING.measure(outputs, TRUTH)


# sha256 of transactions(5000, seed=3, world) as float64, then its fraud_probability(), made
# by datasets/fraud.py before fraud_rate and risk_cap existed (commit 82c13fa): the data
# imbalanced_fraud was calibrated on.
BEFORE_THE_KNOBS = {None: "a041d68e3e23a320a200b6a63009cffddc768cf2cbb0c874a33008bfdc9eee8a",
                    5: "3bf27b08853cbde3aabff5d810ba6522cf1bee69f9a47f9c44d6bc5f3f2552f5"}


@pytest.mark.parametrize("world", list(BEFORE_THE_KNOBS))
def test_the_default_payments_are_the_ones_imbalanced_fraud_was_calibrated_on(world):
    frame = fraud.transactions(5000, 3, world)
    digest = hashlib.sha256(frame.to_numpy(np.float64).tobytes())
    digest.update(fraud.fraud_probability(frame, world).tobytes())
    assert digest.hexdigest() == BEFORE_THE_KNOBS[world]
