"""Grading for noisy_labels: annotated photos in, suspect rows and hand-checked accuracy out.

``make_split`` and ``measure`` run in the grading process; ``harness`` runs in the
sandbox with the submission and sees neither which labels are wrong nor the desk's
labels of the parcels it scores.

Each grading draws its own *world* from the evaluation seed (which photo components
carry the damage signal, and with which sign: ``mllab.datasets.parcels``), and the
annotated table from a training seed the submission never sees. The table holds the
photo components, who labelled the row and the label as given: no seed, no row id
and no flag of which labels the vendor got wrong. So the suspects can only come from
the table itself:

- ``suspect_precision`` (share of the flagged rows whose label really is wrong) stops
  flagging by a column that only correlates with the misses: every vendor row labelled
  intact (precision about 0.37), every row labelled intact (about 0.27), every row;
- ``suspect_recall`` (share of the wrong labels flagged) stops an empty or token list,
  the team's audit included;
- ``accuracy`` against the desk's hand inspection of fresh parcels stops a model that
  still learns the vendor's misses, whatever its family or weighting; and a rule or a
  model fitted on data regenerated from the team's world (``world=None``) is wrong on a
  drawn world (the copied rule: accuracy 0.32-0.76, precision 0.15-0.55 over the
  calibration's 20 worlds).

Not ruled out: a learner who finds the wrong labels and then still trains on them
passes the suspect checks and fails only on accuracy (as it should); a model whose
accuracy comes from the in-house rows alone passes accuracy without any cleaning
(it then needs its own suspects to pass, which is the lab's point: say which labels
to recheck).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from mllab.datasets.parcels import FEATURES, TARGET, inspected, photos
from mllab.graders import Split, Stage

TRAIN_ROWS = 5_000  # about 900 wrong labels among them
EVAL_ROWS = 20_000  # accuracy moves by about +-0.003 between draws


class Truth(NamedTuple):
    """What only the grading process knows about one seed."""

    damaged: np.ndarray  # the desk's labels of the scored parcels
    flipped: np.ndarray  # which annotated rows the vendor labelled wrongly (bool)


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Annotated photos and hand-checked parcels of one world, drawn from ``eval_seed``."""
    world = eval_seed
    annotated = photos(TRAIN_ROWS, [train_seed, 1], world=world)
    checked = inspected(EVAL_ROWS, [eval_seed, 2], world=world)
    truth = Truth(damaged=checked[TARGET].to_numpy(), flipped=annotated.flipped)
    return Split(truth=truth, stages=(
        Stage("main", {"train": annotated.frame, "eval": checked[FEATURES]},
              outputs=("suspects", "pred")),))


def measure(outputs, truth: Truth) -> dict[str, float]:
    suspects = outputs.array("suspects", len(truth.flipped), kind="binary",
                             what="find_suspects()") > 0.5
    pred = outputs.array("pred", len(truth.damaged), kind="binary", what="predict()")
    found = float((suspects & truth.flipped).sum())
    return {
        "suspect_precision": found / float(suspects.sum()) if suspects.any() else 0.0,
        "suspect_recall": found / float(truth.flipped.sum()),
        "accuracy": float((pred == truth.damaged).mean()),
        "suspects_flagged": float(suspects.sum()),
    }


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: the suspect list against the true wrong labels, and the
    decisions on the desk's parcels."""
    truth = split.truth
    suspects = outputs.array("suspects", len(truth.flipped), kind="binary")
    return {"train_labels": split.stages[0].inputs["train"][TARGET].to_numpy(),
            "scored": (suspects, truth.flipped.astype(float)),
            "scored_on": "the training rows: suspects against the labels really flipped",
            "decisions": outputs.array("pred", len(truth.damaged), kind="binary"),
            "decision_truth": truth.damaged}
