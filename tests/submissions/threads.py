import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

threading.Thread(target=lambda: time.sleep(3600), daemon=False).start()  # a forgotten logger


def train(X, y):
    design = np.c_[X, np.ones(len(X))]
    gram = design.T @ design  # BLAS with its default thread count
    return np.linalg.solve(gram, design.T @ (2 * y - 1))


def predict(model, X):
    chunks = np.array_split(np.c_[X, np.ones(len(X))], 4)
    with ThreadPoolExecutor(4) as pool:
        scores = np.concatenate(list(pool.map(lambda c: c @ model, chunks)))
    return (scores > 0).astype(int)
