"""Cheat (structure that never learned): the mask fixed, the attention weights frozen at identities.

Queries, keys and values are the residual stream itself (three identity blocks)
and the output projection an identity, all frozen; the MLPs and embeddings learn
around them. The network still has its attention layers, of the right shapes, and
is causal; but the attention's weights are a fixed map that learned nothing.
``fixed_attention_matrices`` counts the four frozen identities (their 0/1 entries
are not a mask's triangle), and without learned attention the model cannot find
who opened the order: its cross-entropy stays about 0.65 nats above the floor.
"""

import torch

from mllab.broken_models.causal_mask_leak import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import causal_mask_leak as _team
from mllab.broken_models.causal_mask_leak import LENGTH


def build_model(cfg):
    torch.manual_seed(cfg.seed)
    model = _team.Decoder(cfg).to(cfg.device)
    eye = torch.eye(cfg.d_model, device=cfg.device)
    for block in model.blocks:
        attention = block.attention
        attention.visible = torch.tril(torch.ones(LENGTH, LENGTH, device=cfg.device))
        with torch.no_grad():
            attention.qkv.weight.copy_(torch.cat([eye, eye, eye]))
            attention.proj.weight.copy_(eye)
            attention.qkv.bias.zero_()
            attention.proj.bias.zero_()
        for param in (*attention.qkv.parameters(), *attention.proj.parameters()):
            param.requires_grad_(False)
    return model


_team.build_model = build_model  # train() looks the builder up in the team's module
