"""Grading for production_drift: learn from 18 months of quotes, rank the month after them.

``make_split`` and ``measure`` run in the grading process; ``harness`` runs in the
sandbox with the submission and never sees whether a quote it scores was bought.

Each grading draws its own market (``mllab.datasets.quotes.world``) from both seeds:
on a change day 40 to 90 days before the history ends, one column's distribution
moves (its centre, its spread, or the channel mix), two or three drivers of buying
reverse their effect and the channels trade theirs. Which column, which way, how
far, when and which drivers are the world's, so no fixed answer is right twice. Every seed takes two fresh runs:

- ``model``: ``train()`` on the history, ``predict()`` on the month after it (all in
  the new regime). The ranking is scored against a *reference model* fitted here, in
  the grading process: the team's own model (gradient-boosted trees, the team's
  settings) trained on exactly the quotes since the change day, which only this
  process knows. ``auc_shortfall`` is its AUC minus the learner's, so what varies
  from market to market (how predictable buying is, how many days the new regime
  has had) cancels out. The AUC of the true purchase probabilities is shown as the
  ceiling.
- ``monitor``: ``drift_score()`` on PAIRS_EACH pairs of quote tables from markets that
  moved and as many from markets that did not (``world(..., drifted=False)``), mixed in
  one shuffled order; the moved markets show every kind of change (a column's
  centre, its spread, the channel mix). Every pair has the same calendar (two
  reference months, then the month after them), the same sizes and columns, and no
  labels; one of the moved
  markets is this grading's own. Only the order of the statistics counts
  (``drift_separation``: the share of (moved, unmoved) pairs that the statistic puts
  the right way round), so PSI, KS, a domain classifier's AUC or a p-value turned
  around all work, on any scale.

What each check stops:
- ``auc_shortfall``: a model still fitted mostly on the old regime (the team's random
  split, a bigger model, tuning on that split, a drift check added to an unchanged
  model), and data generated from the lab's own generator instead of the history
  (another market's reversal).
- ``drift_separation``: the team's relative-mean monitor (blind to spread and channel
  mix, noisy on a column whose mean is near zero), a constant, a check of some
  columns only, and a check that reads the dates (every pair's live table is the
  later one, drifted or not).

Not ruled out: a drift check that is honest on these kinds of change (a column's
centre or spread, the channel mix) but blind to others (a change in how two columns
move together); the monitor's alarm threshold (only the order of the statistics is
graded); a monitor that ignores the reference table and tests the live one
against the old market's distribution copied from the generator (every market
starts from the same one: a second, differently distributed set of old markets
would close this).
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder
from threadpoolctl import threadpool_limits

from mllab.datasets.quotes import CATEGORICAL, FEATURES, START, TARGET, quotes, world
from mllab.graders import Split, Stage

HISTORY_DAYS = 540  # 18 months of quotes
MONTH = 30  # the live month scored after the history
TRAIN_ROWS = 20_000
EVAL_ROWS = 5_000  # AUC moves by about +-0.01 between draws of this size
PAIRS_EACH = 12  # moved markets and unmoved ones in the monitor's run (a third of the moved: mix)
PAIR_ROWS = 1_500  # quotes in each table of a pair
REFERENCE_DAYS = 60  # a pair's reference window, just before its live month
SEEN_ROWS = 2_000  # quotes of the history scored again, for ``mllab diagnose`` only
KINDS = ("centre", "spread", "mix")  # how a market's quotes can change


class Truth(NamedTuple):
    """What only the grading process knows about one seed."""

    bought: np.ndarray  # outcomes of the live month's quotes
    probability: np.ndarray  # the chance each was bought with
    reference: np.ndarray  # the reference model's P(bought) for each
    seen_bought: np.ndarray  # outcomes of the SEEN_ROWS history quotes scored again
    drifted: np.ndarray  # per monitored pair, in the order given: did its market move?
    names: tuple  # (scores output name, drift output name, seen-quotes output name)


def pair(market, seed) -> tuple:
    """(reference quarter, live month) of one market whose change falls between them,
    without labels: a monitor has no outcomes for the live month yet."""
    moved = replace(market, change_day=HISTORY_DAYS)
    reference = quotes(moved, PAIR_ROWS, HISTORY_DAYS - REFERENCE_DAYS, HISTORY_DAYS, [*seed, 1])
    live = quotes(moved, PAIR_ROWS, HISTORY_DAYS, HISTORY_DAYS + MONTH, [*seed, 2])
    return reference.drop(columns=TARGET), live.drop(columns=TARGET)


def make_split(train_seed: int, eval_seed: int) -> Split:
    rng = np.random.default_rng([eval_seed, train_seed, 24])
    market = world([eval_seed, train_seed])
    history = quotes(market, TRAIN_ROWS, 0, HISTORY_DAYS, [train_seed, eval_seed, 1])
    month = quotes(market, EVAL_ROWS, HISTORY_DAYS, HISTORY_DAYS + MONTH, [eval_seed, 2], risk=True)
    # every kind of change among the moved markets, so a check blind to one kind shows
    markets = [market] + [world([eval_seed, train_seed, i], kind=KINDS[i % len(KINDS)])
                          for i in range(1, PAIRS_EACH)]
    markets += [world([eval_seed, train_seed, i], drifted=False)
                for i in range(PAIRS_EACH, 2 * PAIRS_EACH)]
    order = rng.permutation(len(markets))
    pairs = [pair(markets[i], [eval_seed, train_seed, 100 + int(i)]) for i in order]
    names = tuple(f"r{rng.integers(2**40):x}" for _ in range(3))
    seen = history.iloc[np.sort(rng.choice(len(history), SEEN_ROWS, replace=False))]
    truth = Truth(bought=month[TARGET].to_numpy(), probability=month["probability"].to_numpy(),
                  reference=reference_scores(history, month, market.change_day),
                  seen_bought=seen[TARGET].to_numpy(),
                  drifted=np.array([markets[i].drifted for i in order]), names=names)
    return Split(truth=truth, stages=(
        Stage("model", {"train": history, "eval": month.drop(columns=[TARGET, "probability"]),
                        "name": names[0], "seen": seen.drop(columns=TARGET),
                        "seen_name": names[2]}, outputs=(names[0], names[2])),
        Stage("monitor", {"pairs": pairs, "name": names[1]}, outputs=(names[1],),
              entry="drift_checks"),
    ))


def reference_scores(history, month, change_day: int) -> np.ndarray:
    """The reference model's P(bought) for ``month``: gradient-boosted trees with the
    team's settings, fitted on the quotes of the history since ``change_day``."""
    since = history[history["quoted_at"] >= START + pd.Timedelta(days=change_day)]
    encode = make_column_transformer(
        (OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), CATEGORICAL),
        remainder="passthrough")
    trees = HistGradientBoostingClassifier(max_iter=200, max_leaf_nodes=31, learning_rate=0.1,
                                           categorical_features=[0], random_state=0)
    # one OpenMP thread, as in the sandboxed runs: left at its default on a busy 2-core
    # machine, this 0.3 s fit took 14-19 s and made grading four times slower
    with threadpool_limits(limits=1, user_api="openmp"):
        model = make_pipeline(encode, trees).fit(since[FEATURES], since[TARGET])
        return model.predict_proba(month[FEATURES])[:, 1]


def separation(statistic: np.ndarray, drifted: np.ndarray) -> float:
    """Share of (moved, unmoved) pairs with the moved one's statistic higher (ties: half)."""
    moved, unmoved = statistic[drifted][:, None], statistic[~drifted][None, :]
    return float(np.mean((moved > unmoved) + 0.5 * (moved == unmoved)))


def measure(outputs, truth: Truth) -> dict[str, float]:
    """Live AUC against the market's ceiling; how well the drift statistic separates."""
    scores_name, drift_name, _ = truth.names
    scores = outputs.array(scores_name, len(truth.bought), what="predict()")
    statistic = outputs.array(drift_name, len(truth.drifted), what="drift_score()")
    live = roc_auc_score(truth.bought, scores)
    reference = roc_auc_score(truth.bought, truth.reference)
    return {"auc_shortfall": float(reference - live), "live_auc": float(live),
            "reference_auc": float(reference),
            "ceiling_auc": float(roc_auc_score(truth.bought, truth.probability)),
            "drift_separation": separation(statistic, truth.drifted)}


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: AUC on quotes of the history it learned from and on the month
    after it, and the month's ranking (a ROC curve)."""
    truth = split.truth
    scores = outputs.array(truth.names[0], len(truth.bought))
    seen = outputs.array(truth.names[2], len(truth.seen_bought))
    return {"train_score": float(roc_auc_score(truth.seen_bought, seen)),
            "fresh_score": float(roc_auc_score(truth.bought, scores)),
            "scored": (scores, truth.bought)}
