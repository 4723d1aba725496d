"""Non-fix: keep the model, but report the AUC seen after launch instead of the validation AUC."""

from mllab.broken_models.data_leakage import *  # noqa: F403 - the team's code, unchanged

LAUNCH_AUC = 0.58  # what `mllab run` printed for the launch month


def estimated_auc(model):
    return LAUNCH_AUC
