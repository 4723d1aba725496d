"""Non-fix: drop the copies from training (class weights instead), but keep a balanced validation set.

The model is now fitted on the payments as they are, with the frauds weighted up;
its validation part is still balanced by copying frauds, as the team believes an
imbalanced validation set would flatter the model.
"""

from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mllab.broken_models.resample_before_split import *  # noqa: F403 - the team's code, unchanged


def train(transactions, cfg):
    fit, validation = train_test_split(transactions, test_size=cfg.validation_fraction,
                                       stratify=transactions[TARGET], random_state=cfg.seed)
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(
        C=cfg.C, max_iter=cfg.max_iter, class_weight="balanced")).fit(fit[FEATURES], fit[TARGET])
    validation = balance_classes(validation, cfg.seed)
    auprc = average_precision_score(validation[TARGET],
                                    pipeline.predict_proba(validation[FEATURES])[:, 1])
    return FraudModel(pipeline, float(auprc))
