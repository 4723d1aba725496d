def scale(value):
    return value / 0


def train(X, y):
    return scale(len(X))


def predict(model, X):
    return X
