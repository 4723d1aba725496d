"""The sandboxed side of gan_mode_collapse: two fresh runs per seed.

``harness`` trains the GAN and returns the generator's tensors; ``sample_with``
(a fresh process) rebuilds the generator with the learner's
``build_generator(cfg)``, loads those tensors and returns ``sample()``'s
positions for the latents it is given (as many columns as the learner's
``Config().latent_dim``). Runs beside the learner's
code, so nothing it computes is trusted: it only calls the learner's functions.
"""

from __future__ import annotations

from mllab.graders.networks import load_state_arrays, state_arrays


def harness(submission, train, device: str, seed: int) -> dict:
    """Train on ``train`` (pick-ups); return the generator's tensors."""
    generator = submission.call("train", train.copy(), submission.call("Config"), device)
    return state_arrays(generator, "train()")


def sample_with(submission, weights, shapes, latents, device: str, seed: int) -> dict:
    """Rebuild the generator, load ``weights``, return sample()'s positions for the first
    ``Config().latent_dim`` columns of ``latents``."""
    from mllab.graders.child import SubmissionError

    cfg = submission.call("Config")
    size = getattr(cfg, "latent_dim", None)
    if not isinstance(size, int) or not 2 <= size <= latents.shape[1]:
        # one coordinate cannot be told from a lookup along a line (the whole_latent check)
        raise SubmissionError("invalid-output", f"Config().latent_dim is {size!r}, not a whole "
                              f"number from 2 to {latents.shape[1]}",
                              "Keep Config.latent_dim (2 or more): the grader draws latents of "
                              "that size.")
    generator = submission.call("build_generator", cfg)
    load_state_arrays(generator, weights, shapes, "build_generator(cfg)")
    generator = generator.to(device)
    return {"samples": submission.call("sample", generator, latents[:, :size].copy(), device)}
