"""Non-fix: the right model, but an estimate typed in rather than measured.

The model is the reference fix's (split first, copy frauds of the training part
only), and estimated_auprc() returns 0.6, about what `mllab run` shows on the
payments since launch. The grader also trains the code in a world where fraud is
much harder to rank and checks the estimate against that world's AUPRC: a number
typed in cannot be right in both.
"""

from mllab.labs.resample_before_split.fixes.split_then_oversample import *  # noqa: F403 - the fix

PRODUCTION_AUPRC = 0.6  # what `mllab run` printed for the payments since launch


def estimated_auprc(model):
    return PRODUCTION_AUPRC
