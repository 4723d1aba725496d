"""noisy_labels: what the grading process measures from the suspect list it is handed.

The suspect list comes from learner code, so ``measure`` must score any 0/1 mask
against the true flips (and refuse anything else in one clear line), and the table
the learner gets must not carry what it is scored against.
"""

from __future__ import annotations

import importlib.util
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mllab import labs
from mllab.datasets.parcels import FEATURES, SOURCE, TARGET
from mllab.graders.outputs import InvalidOutput, Outputs


def _grading():
    path = labs.get("noisy_labels").folder / "grading.py"
    spec = importlib.util.spec_from_file_location("noisy_labels_grading", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GRADING = _grading()
SPLIT = GRADING.make_split(3, 1_000_003)
TRUTH = SPLIT.truth


def npy(values) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(values), allow_pickle=False)
    return buffer.getvalue()


def measured(suspects, pred=None) -> dict[str, float]:
    pred = TRUTH.damaged if pred is None else pred
    return GRADING.measure(Outputs({"suspects": npy(suspects), "pred": npy(pred)}), TRUTH)


def test_the_table_holds_no_seed_no_row_id_and_no_flip_flag():
    table = SPLIT.stages[0].inputs["train"]
    assert list(table.columns) == [*FEATURES, SOURCE, TARGET]
    assert list(SPLIT.stages[0].inputs["eval"].columns) == FEATURES
    assert 0.15 < TRUTH.flipped.mean() < 0.22  # about 900 of 5,000 labels are wrong
    assert not table.loc[TRUTH.flipped, TARGET].any()  # every wrong label reads "intact"
    other = GRADING.make_split(4, 1_000_003).stages[0].inputs["train"]
    assert not np.allclose(table[FEATURES].to_numpy(), other[FEATURES].to_numpy())


def test_suspects_are_scored_against_the_true_flips():
    exact = measured(TRUTH.flipped.astype(int))
    assert exact["suspect_precision"] == exact["suspect_recall"] == 1.0
    assert exact["accuracy"] == 1.0
    everything = measured(np.ones(len(TRUTH.flipped), int))
    assert everything["suspect_recall"] == 1.0
    assert everything["suspect_precision"] == pytest.approx(TRUTH.flipped.mean())
    nothing = measured(np.zeros(len(TRUTH.flipped), int))
    assert nothing["suspect_precision"] == nothing["suspect_recall"] == 0.0


@pytest.mark.parametrize("suspects", [np.ones(10), np.full(len(TRUTH.flipped), 0.5),
                                      np.full(len(TRUTH.flipped), np.nan), np.array([])])
def test_a_mask_of_the_wrong_shape_or_values_is_invalid_output(suspects):
    with pytest.raises(InvalidOutput, match="find_suspects"):
        measured(suspects)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.booleans(), min_size=8, max_size=8), st.integers(0, 2**32 - 1))
def test_any_mask_scores_within_bounds(pattern, seed):
    rng = np.random.default_rng(seed)
    mask = np.resize(np.array(pattern, dtype=int), len(TRUTH.flipped))[rng.permutation(
        len(TRUTH.flipped))]
    scores = measured(mask, rng.integers(0, 2, len(TRUTH.damaged)))
    for name in ("suspect_precision", "suspect_recall", "accuracy"):
        assert 0.0 <= scores[name] <= 1.0
    assert scores["suspects_flagged"] == mask.sum()
