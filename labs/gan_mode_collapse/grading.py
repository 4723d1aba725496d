"""Grading for gan_mode_collapse: pick-ups in, samples from grader-drawn latents out.

``make_split`` and ``measure`` run in the grading process. Each seed draws a
city (ring radius, rotation, each stand's place, the GPS scatter) from the
evaluation seed and takes three fresh sandboxed runs, sharing nothing but the
arrays named here:

- ``fit``: ``train()`` on 4,096 pick-ups of that city; only the generator's
  tensors (its ``state_dict``) come back.
- ``sample``: a new process rebuilds the generator with the learner's
  ``build_generator(cfg)``, loads those tensors and calls ``sample()`` once on
  4,000 latents this process drew (standard normal, 128 columns, of which the
  harness passes the first ``Config().latent_dim``).
- ``probe``: the same in another fresh process, on 4,000 other latents: 250 of
  the fresh ones again, 250 fresh ones each moved by N(0, 0.0035^2) per
  dimension (about 0.01 in 8 dimensions), and 3,500 new ones, shuffled. The
  two calls look alike (same entry, same output name, same size), and neither
  can see the other, so the probes cannot be found by comparing rows.

From the 4,000 fresh samples: ``quality``, the share within 3 GPS sigmas of a
stand (a generator spraying points over the plane "covers" every stand but
fails here), and ``modes_covered``, the stands holding at least a quarter of
their fair share (1/8) of all samples that way. From the probes: a repeated
latent must give the same position (``repeat_agreement``, within 1% of the ring
radius: float noise passes, a sampler that draws its own randomness does not),
and a latent 0.01 away must give a nearby one (``smooth_share``, within a
quarter of the radius: a generator is a continuous function of its latent,
while a lookup into memorised pick-ups or stands keyed on the latent jumps).

What this does not rule out: a hand-built continuous map from latents to the
stands (e.g. k-means centres of the pick-ups blended by a steep softmax of the
latent, stored in the generator's tensors) passes; it is a generator whose
weights were fitted another way. A NaN or infinite sample counts as far from
every stand (a diverged generator fails ``quality``, it is not unreadable).
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.taxi_stands import N_STANDS, City, city, pickups
from mllab.graders import Carry, Split, Stage
from mllab.graders.outputs import InvalidOutput

TRAIN_ROWS = 4_096
FRESH, REPEATS, NEIGHBOURS = 4_000, 250, 250
LATENT_COLUMNS = 128  # the most latent dimensions a generator may take
NEIGHBOUR_STEP = 0.0035  # per latent dimension: about 0.01 apart for 8 dimensions
COVERED_SHARE = 0.25 / N_STANDS  # a stand counts with a quarter of its fair share
SAME_POSITION = 0.01  # of the ring radius: a repeated latent's two samples
NEARBY_POSITION = 0.25  # of the ring radius: a latent and its neighbour


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Three fresh runs: train on the city's pick-ups; sample the fresh latents; sample
    the probes (repeats and neighbours of fresh latents, hidden among new ones)."""
    where = city(eval_seed)
    rng = np.random.default_rng([eval_seed, 3])
    repeated = rng.choice(FRESH, REPEATS, replace=False)
    neighboured = rng.choice(FRESH, NEIGHBOURS, replace=False)
    order = rng.permutation(FRESH)
    fresh = rng.standard_normal((FRESH, LATENT_COLUMNS))
    step = rng.normal(0.0, NEIGHBOUR_STEP, (NEIGHBOURS, LATENT_COLUMNS))
    decoys = rng.standard_normal((FRESH - REPEATS - NEIGHBOURS, LATENT_COLUMNS))
    probes = np.concatenate([fresh[repeated], fresh[neighboured] + step, decoys])[order]
    truth = {"city": where, "order": order, "repeated": repeated, "neighboured": neighboured}
    sample = {"weights": Carry("weights"), "shapes": Carry("shapes")}
    return Split(truth=truth, stages=(
        Stage("fit", {"train": pickups(TRAIN_ROWS, train_seed, where)},
              outputs=("weights", "shapes")),
        Stage("sample", {**sample, "latents": fresh}, outputs=("samples",),
              entry="sample_with"),
        Stage("probe", {**sample, "latents": probes}, outputs=("samples",),
              entry="sample_with", keep_as=("probe_samples",)),
    ))


def positions(outputs, name: str) -> np.ndarray:
    """sample()'s positions kept as ``name``, one row per latent; NaN and inf become a
    point far from every stand."""
    samples = outputs.raw_array(name, "sample()")
    if samples.shape != (FRESH, 2) or samples.dtype.kind not in "biuf":
        raise InvalidOutput(f"sample(): expected shape ({FRESH}, 2), got {samples.shape}",
                            "Return one (x, y) position per latent row.")
    return np.nan_to_num(samples.astype(np.float64), nan=1e6, posinf=1e6, neginf=-1e6)


def stand_shares(samples: np.ndarray, where: City) -> tuple[np.ndarray, float]:
    """Share of ``samples`` within 3 GPS sigmas of each stand, and of any stand."""
    distance = np.linalg.norm(samples[:, None, :] - where.stands[None], axis=2)
    near = distance.min(axis=1) < 3 * where.scatter
    shares = np.bincount(distance.argmin(axis=1)[near], minlength=N_STANDS) / len(samples)
    return shares, float(near.mean())


def measure(outputs, truth: dict) -> dict[str, float]:
    where = truth["city"]
    fresh = positions(outputs, "samples")
    probes = np.empty_like(fresh)
    probes[truth["order"]] = positions(outputs, "probe_samples")
    repeats, neighbours = probes[:REPEATS], probes[REPEATS:REPEATS + NEIGHBOURS]
    shares, quality = stand_shares(fresh, where)

    def within(a: np.ndarray, b: np.ndarray, share_of_radius: float) -> float:
        return float(np.mean(np.linalg.norm(a - b, axis=1) <= share_of_radius * where.radius))

    return {
        "modes_covered": float(np.sum(shares >= COVERED_SHARE)),
        "quality": quality,
        "repeat_agreement": within(repeats, fresh[truth["repeated"]], SAME_POSITION),
        "smooth_share": within(neighbours, fresh[truth["neighboured"]], NEARBY_POSITION),
        "largest_stand_share": float(shares.max()),
    }


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: the share of the training pick-ups and of the generated
    samples (fresh latents) near each stand."""
    where = split.truth["city"]
    trained, _ = stand_shares(split.stages[0].inputs["train"].astype(np.float64), where)
    generated, _ = stand_shares(positions(outputs, "samples"), where)
    return {"modes": (trained, generated)}
