"""Non-fix: swap the network for a scikit-learn logistic regression on the raw pixels."""

from sklearn.linear_model import LogisticRegression

from mllab.broken_models.non_converging_net import *  # noqa: F403 - the team's code, unchanged


def train(images, labels, cfg):
    return LogisticRegression(max_iter=300).fit(images.reshape(len(images), -1), labels)


def predict(model, images, cfg):
    return model.predict(images.reshape(len(images), -1))
