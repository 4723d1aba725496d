"""Non-fix: the right model, but an estimate supplied rather than measured.

The model drops the post-outcome column (the reference fix), and estimated_auc()
returns 0.78, the production AUC `mllab run` shows for that model. The grader
also trains the code on an export from a world where churn is much harder to
predict, and checks that estimate against that world's production AUC; a number
typed in cannot be right in both.
"""

from mllab.labs.data_leakage.fixes.drop_post_outcome_column import *  # noqa: F403 - the fix

PRODUCTION_AUC = 0.78  # what `mllab run` printed for the launch month


def estimated_auc(model):
    return PRODUCTION_AUC
