def train(X, y):
    while True:
        pass


def predict(model, X):
    return X
