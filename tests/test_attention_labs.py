"""causal_mask_leak and padding_mask_ignored: what their grading processes compute, from outside.

Fast checks without training: the metrics against answers built from the data's own
generating process (an exact causal model scores the entropy floor and moves nothing; a
model that reads the next token scores far below it and moves everywhere; a classifier
whose answer depends on the batch's width moves, one that reads the review only does not),
the grader's batching, and the arrays a run may return, fuzzed (a finite metric or a
learner-side InvalidOutput, never a traceback). The real trainings are in test_labs.py.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mllab import labs
from mllab.datasets.order_logs import (LENGTH, VOCAB, continued, next_token_entropy,
                                       next_token_probabilities, order_logs, random_shop)
from mllab.datasets.reviews import random_lexicon
from mllab.graders.networks import MAX_DIMS
from mllab.graders.outputs import InvalidOutput, Outputs

FAST = settings(max_examples=12, deadline=None)


def npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def shapes_table(shapes: list[tuple[int, ...]]) -> np.ndarray:
    table = np.zeros((len(shapes), MAX_DIMS + 1), dtype=np.int64)
    for row, shape in zip(table, shapes):
        row[0] = len(shape)
        row[1:1 + len(shape)] = shape
    return table


TEAM_DECODER = [(22, 32), (32, 32), (96, 32), (96,), (32, 32), (32,), (22, 32), (22,)]


@lru_cache(maxsize=None)
def split(lab_id: str):
    return labs.get(lab_id).grading().make_split(5, 6)


# ---------------------------------------------------------------- the order logs


def test_a_continued_log_keeps_its_prefix_and_is_a_log_of_the_shop():
    shop = random_shop(3)
    logs = order_logs(400, 1, shop)
    keep = np.random.default_rng(0).integers(1, LENGTH, size=len(logs))
    again = continued(logs, keep, 2, shop)
    assert all((again[i, :k] == logs[i, :k]).all() for i, k in enumerate(keep))
    probs = next_token_probabilities(again, shop)  # every token possible where it stands
    assert (np.take_along_axis(probs, again[:, 1:, None], axis=2) > 0).all()
    assert abs(next_token_entropy(again, shop).mean() - next_token_entropy(logs, shop).mean()) < 0.05


def causal_outputs(truth: dict, reads_ahead: bool) -> Outputs:
    """What an exact model of the shop returns: its true next-token log-probabilities; or,
    reading ahead, near certainty on the token that really follows."""
    logs = truth["logs"]
    shop = random_shop(6)
    if reads_ahead:
        logits = np.full((len(logs), LENGTH, VOCAB), -6.0)
        logits[:, :-1][np.arange(len(logs))[:, None], np.arange(LENGTH - 1), logs[:, 1:]] = 6.0
    else:
        logits = np.zeros((len(logs), LENGTH, VOCAB))
        logits[:, :-1] = np.log(np.maximum(next_token_probabilities(logs, shop), 1e-12))
    sent = {name: logits[truth[key]].reshape(-1)
            for name, key in (("logits", "order"), ("logits_ablated", "ablated_order"))}
    weights = np.random.default_rng(0).normal(
        0, 0.1, sum(int(np.prod(s)) for s in TEAM_DECODER))
    return Outputs({**{k: npy(v) for k, v in sent.items()}, "weights": npy(weights),
                    "shapes": npy(shapes_table(TEAM_DECODER))})


def test_an_exact_causal_model_sits_on_the_floor_and_moves_nothing():
    truth = split("causal_mask_leak").truth
    metrics = labs.get("causal_mask_leak").grading().measure(causal_outputs(truth, False), truth)
    assert abs(metrics["excess_ce"]) < 0.02
    assert metrics["future_leak"] == 0.0
    assert metrics["attention_matrices"] == 3  # (32, 32), (96, 32), (32, 32): d = 32
    assert metrics["parameters"] == sum(int(np.prod(s)) for s in TEAM_DECODER)


def test_a_model_that_reads_the_next_token_is_below_the_floor_and_moves():
    truth = split("causal_mask_leak").truth
    metrics = labs.get("causal_mask_leak").grading().measure(causal_outputs(truth, True), truth)
    assert metrics["excess_ce"] < -1.0
    assert metrics["future_leak"] > 0.5  # moves wherever the token after the prefix differs


def test_a_causal_mask_buffer_is_not_an_attention_matrix_but_a_frozen_identity_is():
    grading = labs.get("causal_mask_leak").grading()
    eye = np.eye(32)
    rows = [(22, 32), (96, 32), (32, 32), (32, 32), (32, 32)]
    parts = [np.random.default_rng(0).normal(size=(22, 32)), np.vstack([eye, eye, eye]), eye,
             np.tril(np.ones((32, 32))), np.triu(np.full((32, 32), -np.inf), 1)]
    weights = np.concatenate([p.reshape(-1) for p in parts])
    found = grading.attention_matrices(rows, weights)
    assert found == [1, 2]  # the stacked and the square identity; both masks left out
    assert grading.fixed_maps([parts[i] for i in found]) == 2


def test_padding_lab_counts_attention_frozen_at_identities_or_ones_and_leaves_out_masks():
    grading = labs.get("padding_mask_ignored").grading()
    eye, ones = np.eye(32), np.ones((32, 32))
    rows = [(101, 32), (96, 32), (32, 32), (32, 32)]
    parts = [np.random.default_rng(0).normal(size=(101, 32)), np.vstack([ones, ones, eye]),
             np.triu(ones, 1), eye]
    weights = np.concatenate([p.reshape(-1) for p in parts])
    found = grading.attention_matrices(rows, weights)
    assert found == [1, 3]  # the frozen (96, 32) and the identity; the triangle is a mask
    assert grading.fixed_maps([parts[i] for i in found]) == 2


def test_every_scored_log_shares_a_prefix_with_its_pair_and_none_is_a_copy():
    truth = split("causal_mask_leak").truth
    logs, shared = truth["logs"], truth["shared"]
    first, second = logs[:len(shared)], logs[len(shared):]
    assert all((first[i, :k] == second[i, :k]).all() for i, k in enumerate(shared))
    assert len({row.tobytes() for row in logs}) > 0.95 * len(logs)


@settings(FAST, max_examples=6)  # each example scores 704,000 logits
@given(values=st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), max_size=50),
       length=st.integers(0, 3), shape=st.lists(st.integers(0, 40), max_size=3))
def test_any_returned_logits_or_tensors_give_metrics_or_invalid_output(values, length, shape):
    truth = split("causal_mask_leak").truth
    n = len(truth["logs"]) * LENGTH * VOCAB
    filler = np.resize(np.asarray(values or [0.0], dtype=np.float64), n - length)
    raw = {"logits": npy(filler), "logits_ablated": npy(filler),
           "weights": npy(np.ones(int(np.prod(shape or [1])) + 22 * 7)),
           "shapes": npy(shapes_table([tuple(shape), (22, 7)]))}
    try:
        metrics = labs.get("causal_mask_leak").grading().measure(Outputs(raw), truth)
    except InvalidOutput:
        return
    assert all(np.isfinite(v) for v in metrics.values())


# ---------------------------------------------------------------- the reviews


def batched_outputs(stages, answer) -> Outputs:
    """Run ``answer(words, lengths)`` per batch the way the harness does, for each stage."""
    raw = {}
    for stage in stages[1:]:
        words, lengths, sizes = (stage.inputs[k] for k in ("words", "lengths", "sizes"))
        out, start = [], 0
        for size in sizes:
            rows = slice(start, start + size)
            out.append(answer(words[rows, :lengths[rows].max()], lengths[rows]))
            start += size
        raw[stage.keep_as[0]] = npy(np.concatenate(out))
    shapes = [(101, 32), (32, 32), (96, 32), (2, 32)]
    raw["weights"] = npy(np.random.default_rng(0).normal(0, 0.1, sum(int(np.prod(s))
                                                                      for s in shapes)))
    raw["shapes"] = npy(shapes_table(shapes))
    return Outputs(raw)


PRAISE = random_lexicon(6).praise  # the world of split("padding_mask_ignored")


def praise_share(words, lengths, width=None):
    praised = np.isin(words, PRAISE).sum(axis=1)
    return np.clip(praised / (width or lengths) / 0.3, 0, 1)


def test_each_review_comes_alone_in_one_run_and_batched_in_the_other():
    stages = split("padding_mask_ignored").plan()
    truth = split("padding_mask_ignored").truth
    alone = {}
    for stage in stages[1:3]:
        sizes, order = stage.inputs["sizes"], truth["orders"][stage.name]
        assert sizes.sum() == len(order) and sizes.max() <= 64
        calls = np.repeat(sizes, sizes)
        alone[stage.name] = np.empty(len(order), dtype=bool)
        alone[stage.name][order] = calls == 1
    assert (alone["first"] != alone["second"]).all()


def test_an_answer_that_reads_the_padding_moves_and_one_that_reads_the_review_does_not():
    stages, truth = split("padding_mask_ignored").plan(), split("padding_mask_ignored").truth
    grading = labs.get("padding_mask_ignored").grading()
    honest = grading.measure(batched_outputs(stages, praise_share), truth)
    padded = grading.measure(batched_outputs(
        stages, lambda w, n: praise_share(w, n, width=w.shape[1])), truth)
    assert honest["moved"] == 0.0 and honest["accuracy"] > 0.7
    assert padded["moved"] > 0.3
    assert honest["attention_matrices"] == 2  # (32, 32) and (96, 32)


@FAST
@given(values=st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), max_size=30),
       short=st.booleans())
def test_any_returned_probabilities_give_metrics_or_invalid_output(values, short):
    truth = split("padding_mask_ignored").truth
    n = len(truth["verdicts"]) - short
    sent = npy(np.resize(np.asarray(values or [0.5], dtype=np.float64), n))
    raw = {f"probabilities_{name}": sent for name in ("first", "second", "ablated")}
    raw.update(weights=npy(np.zeros(101 * 8)), shapes=npy(shapes_table([(101, 8)])))
    try:
        metrics = labs.get("padding_mask_ignored").grading().measure(Outputs(raw), truth)
    except InvalidOutput:
        return
    assert all(np.isfinite(v) for v in metrics.values())


@pytest.mark.parametrize("lab_id", ["causal_mask_leak", "padding_mask_ignored"])
def test_a_network_without_an_embedding_is_invalid_output(lab_id):
    grading = labs.get(lab_id).grading()
    with pytest.raises(InvalidOutput, match="embedding"):
        grading.attention_matrices([(5, 5)], np.ones(25))
