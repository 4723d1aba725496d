def train(X, y):
    return None

def predict(model, X)
    return X
