"""Synthetic taxi pick-ups for the city traffic simulator.

The simulator needs realistic pick-up positions, and the logs are too few and
too private to replay, so the team trains a small GAN on the logged pick-ups
and samples from its generator instead. Pick-ups gather around the eight taxi
stands of the ring road. The generator's samples look sharp, right on a stand,
but the simulator's traffic piles up at one or two stands while the others
stay empty.

Goal: a generator whose samples cover all eight stands, each sample close to a
stand, from latents the simulator draws (see `mllab show gan_mode_collapse` for
the exact targets). Keep it a GAN: the generator maps latents to positions.

The grader calls `train(points, Config(), device)`, which returns the trained
generator; then, in a fresh process, it rebuilds the generator with
`build_generator(cfg)`, loads the trained weights and calls
`sample(generator, latents, device)` on latents it draws itself (standard
normal, `cfg.latent_dim` columns). Keep those names and signatures.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn


@dataclass
class Config:
    latent_dim: int = 8
    """Size of the generator's input noise."""
    hidden: int = 64
    """Units in each hidden layer of both networks."""
    lr_g: float = 1e-3
    """Adam learning rate of the generator."""
    lr_d: float = 1e-2
    """Adam learning rate of the discriminator."""
    betas: tuple[float, float] = (0.5, 0.999)
    """Adam betas of both optimisers (the usual GAN setting)."""
    steps: int = 2000
    """Training steps; each updates the discriminator once, then the generator once."""
    batch_size: int = 128
    """Real and generated pick-ups per step."""
    log_every: int = 250
    """Print both losses every this many steps."""


# ---------------------------------------------------------------- networks


def mlp(n_in: int, n_out: int, hidden: int) -> nn.Sequential:
    """Two hidden ReLU layers of ``hidden`` units."""
    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden),
                         nn.ReLU(), nn.Linear(hidden, n_out))


def build_generator(cfg: Config) -> nn.Module:
    """Latent (``cfg.latent_dim``) -> position (2)."""
    return mlp(cfg.latent_dim, 2, cfg.hidden)


def build_discriminator(cfg: Config) -> nn.Module:
    """Position (2) -> logit of "a real pick-up"."""
    return mlp(2, 1, cfg.hidden)


# ---------------------------------------------------------------- training


def discriminator_step(disc, opt_d, real, fake) -> float:
    """One step on real (label 1) and generated (label 0) pick-ups; return the loss."""
    real_logits, fake_logits = disc(real), disc(fake.detach())
    loss = (nn.functional.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + nn.functional.binary_cross_entropy_with_logits(fake_logits,
                                                             torch.zeros_like(fake_logits)))
    opt_d.zero_grad()
    loss.backward()
    opt_d.step()
    return loss.item()


def generator_step(gen, disc, opt_g, latents) -> float:
    """One non-saturating step: make the discriminator call the samples real."""
    logits = disc(gen(latents))
    loss = nn.functional.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    opt_g.zero_grad()
    loss.backward()
    opt_g.step()
    return loss.item()


def train(points: np.ndarray, cfg: Config, device: str = "cpu") -> nn.Module:
    """Train the GAN on ``points`` (n, 2); return the generator."""
    data = torch.as_tensor(points, dtype=torch.float32, device=device)
    gen, disc = build_generator(cfg).to(device), build_discriminator(cfg).to(device)
    opt_g = torch.optim.Adam(gen.parameters(), lr=cfg.lr_g, betas=cfg.betas)
    opt_d = torch.optim.Adam(disc.parameters(), lr=cfg.lr_d, betas=cfg.betas)
    for step in range(1, cfg.steps + 1):
        real = data[torch.randint(len(data), (cfg.batch_size,), device=device)]
        fake = gen(torch.randn(cfg.batch_size, cfg.latent_dim, device=device))
        loss_d = discriminator_step(disc, opt_d, real, fake)
        loss_g = generator_step(gen, disc, opt_g,
                                torch.randn(cfg.batch_size, cfg.latent_dim, device=device))
        if step % cfg.log_every == 0:
            print(f"step {step:5d}  D loss {loss_d:.3f}  G loss {loss_g:.3f}")
    return gen


# ---------------------------------------------------------------- sampling


@torch.no_grad()
def sample(gen: nn.Module, latents: np.ndarray, device: str = "cpu") -> np.ndarray:
    """One position (x, y) per latent row: shape (n, 2)."""
    gen.eval()
    z = torch.as_tensor(latents, dtype=torch.float32, device=device)
    return gen(z).cpu().numpy().astype(np.float64)


# ---------------------------------------------------------------- report


def main() -> None:
    from mllab.datasets.taxi_stands import city, pickups

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(1)  # two small networks: extra CPU threads only add overhead
    torch.manual_seed(args.seed)

    where = city(args.seed)
    points = pickups(4096, args.seed, where)
    print(f"training on {len(points):,} logged pick-ups around {len(where.stands)} stands")
    gen = train(points, Config(), args.device)

    samples = sample(gen, np.random.default_rng(args.seed).standard_normal(
        (4000, Config().latent_dim)), args.device)
    distance = np.linalg.norm(samples[:, None] - where.stands[None], axis=2)
    near = distance.min(axis=1) < 3 * where.scatter
    share = np.bincount(distance.argmin(axis=1)[near], minlength=len(where.stands)) / len(samples)
    print("\nshare of samples at each stand: " + " ".join(f"{s:.0%}" for s in share))
    print(f"samples within 3 GPS sigmas of a stand: {near.mean():.0%}; stands with at least "
          f"3% of the samples: {int((share >= 0.03125).sum())} of {len(share)}")


if __name__ == "__main__":
    main()
