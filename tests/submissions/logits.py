def train(X, y):
    return None


def predict(model, X):
    return X[:, 0] + X[:, 1]  # raw scores, not 0/1 decisions
