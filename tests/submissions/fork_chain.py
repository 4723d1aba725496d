"""A process that keeps forking and exiting, so its pid and parent change all the time."""
import ctypes
import os
import time


def train(X, y):
    if os.fork() == 0:
        ctypes.CDLL(None).prctl(15, b"mllabhopper", 0, 0, 0)  # PR_SET_NAME, for the test
        while True:
            if os.fork():
                os._exit(0)  # the parent exits, the child carries on as an orphan
            time.sleep(0.005)
    time.sleep(0.5)


def predict(model, X):
    return (X[:, 0] + X[:, 1] > 0).astype(int)
