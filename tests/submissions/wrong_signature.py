def train(X):
    return None


def predict(model, X):
    return X
