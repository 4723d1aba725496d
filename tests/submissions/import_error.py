import xgboost_that_is_not_installed  # noqa: F401


def train(X, y):
    return None


def predict(model, X):
    return X
