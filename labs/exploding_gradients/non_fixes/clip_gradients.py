"""Non-fix: clip the gradient norm to 1.0; the team's init and learning rate stay."""

from torch import nn

from mllab.broken_models.exploding_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import exploding_gradients as _team


def train_step(model, optimizer, x, y):
    loss = nn.functional.mse_loss(model(x).squeeze(-1), y)
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
    return loss.item()


_team.train_step = train_step  # train() looks the step up in the team's module
