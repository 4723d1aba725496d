def train(X, y):
    while True:
        print("epoch 1 loss 0.6931 " * 10)


def predict(model, X):
    return X
