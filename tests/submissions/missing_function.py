def train(X, y):
    return None


def fit_predict(model, X):
    return X
