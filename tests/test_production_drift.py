"""production_drift's grading: the drift check is judged by order alone, and what the grading
process reads back from the runs is checked before it is used."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

from mllab import labs
from mllab.graders.outputs import InvalidOutput, Outputs

GRADING = labs.get("production_drift").grading()
PAIRS = 2 * GRADING.PAIRS_EACH

statistics = st.lists(st.floats(-1e6, 1e6), min_size=PAIRS, max_size=PAIRS).map(np.array)
moved = st.permutations([True] * GRADING.PAIRS_EACH + [False] * GRADING.PAIRS_EACH).map(np.array)


@settings(max_examples=30, deadline=None)
@given(statistics, moved)
def test_separation_depends_only_on_the_order_of_the_statistic(statistic, drifted):
    """PSI, KS, an AUC or a p-value turned around: any increasing rescaling scores the same."""
    score = GRADING.separation(statistic, drifted)
    assert 0.0 <= score <= 1.0
    assert GRADING.separation(rankdata(statistic), drifted) == pytest.approx(score)
    # times 4 is exact in floating point (dividing a subnormal 5e-324 by 4 gives 0: a tie)
    assert GRADING.separation(4 * statistic, drifted) == pytest.approx(score)
    assert GRADING.separation(-statistic, drifted) == pytest.approx(1 - score)


def test_a_constant_drift_check_separates_nothing():
    drifted = np.arange(PAIRS) % 2 == 0
    assert GRADING.separation(np.full(PAIRS, 0.3), drifted) == 0.5
    assert GRADING.separation(drifted.astype(float), drifted) == 1.0


def _raw(arrays: dict) -> dict:
    out = {}
    for name, values in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, np.asarray(values), allow_pickle=False)
        out[name] = buffer.getvalue()
    return out


@pytest.fixture(scope="module")
def split():
    return GRADING.make_split(3, 4)


def test_the_grading_world_has_moved_and_half_the_monitored_markets_have(split):
    truth = split.truth
    assert truth.drifted.sum() == GRADING.PAIRS_EACH == (~truth.drifted).sum()
    model, monitor = split.stages
    assert set(model.inputs["eval"].columns) == set(monitor.inputs["pairs"][0][1].columns)
    assert "bought" not in model.inputs["eval"] and "probability" not in model.inputs["eval"]
    assert all(len(r) == len(l) == GRADING.PAIR_ROWS and "bought" not in r
               for r, l in monitor.inputs["pairs"])


@settings(max_examples=20, deadline=None)
@given(st.one_of(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=PAIRS + 2),
                 st.lists(st.floats(allow_nan=False, allow_infinity=False, width=32),
                          min_size=PAIRS, max_size=PAIRS)))
def test_measure_accepts_one_finite_number_per_pair_and_nothing_else(split, values):
    truth = split.truth
    scores_name, drift_name, _ = truth.names
    outputs = Outputs(_raw({scores_name: np.linspace(0, 1, len(truth.bought)), drift_name: values}))
    valid = len(values) == PAIRS and np.all(np.isfinite(values))
    if valid:
        metrics = GRADING.measure(outputs, truth)
        assert 0 <= metrics["drift_separation"] <= 1 and np.isfinite(metrics["auc_shortfall"])
    else:
        with pytest.raises(InvalidOutput):
            GRADING.measure(outputs, truth)
