"""Fix: predict() puts the network in evaluation mode and runs it without autograd."""

import torch

from mllab.broken_models.eval_mode_forgotten import *  # noqa: F403 - the team's code, unchanged


@torch.inference_mode()
def predict(model, images, cfg):
    model.eval()  # dropout off, BatchNorm on the running statistics learned in training
    marks = []
    for start in range(0, len(images), cfg.tray_size):
        x = torch.from_numpy(images[start:start + cfg.tray_size]).unsqueeze(1).to(cfg.device)
        marks.append(model(x).argmax(dim=1).cpu())
    return torch.cat(marks).numpy()
