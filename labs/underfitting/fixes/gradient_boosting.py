"""Fix (capacity): gradient-boosted trees on the same columns, instead of a straight line in each.

Trees split the hour into its quiet and rush periods, and a tree's splits on the
vehicle, then on distance or rain, give each vehicle its own slope: the shapes the
linear model could not draw. Training and validation error both fall, and a gap
opens between them, as it should for a model flexible enough to fit.
"""

from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import train_test_split

from mllab.broken_models.underfitting import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.underfitting import TARGET, EtaModel, build_encoder


def build_regressor(cfg):
    return HistGradientBoostingRegressor(max_iter=200, learning_rate=0.1, random_state=cfg.seed)


def train(orders, cfg):
    fit, val = train_test_split(orders, test_size=cfg.validation_fraction, random_state=cfg.seed)
    model = EtaModel(build_encoder().fit(fit), build_regressor(cfg))
    model.regressor.fit(model.encoder.transform(fit), fit[TARGET])
    print(f"  train MAE {mean_absolute_error(fit[TARGET], predict(model, fit)):5.2f}"
          f"  validation MAE {mean_absolute_error(val[TARGET], predict(model, val)):5.2f}")
    return model
