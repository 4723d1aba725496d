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
  dimension (about 0.01 in 8 dimensions), and 3,500 partners: each shares one
  coordinate with a fresh latent (coordinates 0 to 127 in turn, about 27 each)
  and has every other coordinate redrawn, so it is a standard normal latent like
  any other; all shuffled. The two calls look alike (same entry, same output
  name, same size), and neither can see the other, so the probes cannot be
  found by comparing rows.

From the 4,000 fresh samples: ``quality``, the share within 3 GPS sigmas of a
stand (a generator spraying points over the plane "covers" every stand but
fails here), and ``modes_covered``, the stands holding at least a quarter of
their fair share (1/8) of all samples that way. From the probes: a repeated
latent must give the same position (``repeat_agreement``, within 1% of the ring
radius: float noise passes, a sampler that draws its own randomness does not),
and a latent 0.01 away must give a nearby one (``smooth_share``, within a
quarter of the radius: a generator is a continuous function of its latent,
while a lookup into memorised pick-ups or stands keyed on the latent jumps).

Replayed data instead of a model (issue 21), three checks:

- ``whole_latent``: for each latent coordinate, the mean distance between the
  samples of a fresh latent and of its partner sharing that coordinate, over
  the mean distance between the samples of unrelated fresh latents; the worst
  coordinate's ratio. A generator of the whole latent moves its sample when the
  other coordinates are redrawn (the reference fixes: 0.5 or more on every
  coordinate); a lookup into the data along one coordinate
  (``kmeans_by_one_coordinate``: the collapsed GAN's samples moved to k-means
  centres picked by one coordinate; ``sorted_pickups_by_one_coordinate``: the
  pick-ups sorted by angle, interpolated along one coordinate) returns the same
  sample, a ratio near 0. Coordinates past ``Config().latent_dim`` are never
  passed, so their partners are as unrelated as any two latents (ratio near 1).
- ``replayed_share``: the share of the fresh samples nearer to a training
  pick-up than 9 in 10 fresh real pick-ups of the same city are (4,000 drawn
  here from another seed). A generator of the density sits no nearer to the
  training points than new data does (about 0.1); one that returns logged
  pick-ups sits on them (``snapped_pickups_whole_latent``: every pick-up folded
  into a 64 x 64 x 2 tensor, replayed by an angle every coordinate moves,
  passes ``whole_latent`` and lands here near 0.85).
- ``parameters`` (at most 20x the team's 4,866 numbers: room for a generator of
  256-unit layers, the debrief's workaround) and ``largest_dim`` (at most 1,024;
  training pick-ups: 4,096), from the generator's returned tensors: the pick-ups
  cannot be carried as one list of positions.

What this does not rule out: a hand-built continuous map from latents to the
stands that does not sit on the pick-ups, depends on every latent coordinate
and fits the budget (e.g. k-means centres of the pick-ups blended by a steep
softmax of a direction of the whole latent, or the sorted pick-ups interpolated
by such a direction with no snapping, folded into small tensors) passes; it is
a generator whose weights were fitted another way, and the scenario asks for a
GAN. A NaN or infinite sample counts as far from every stand (a diverged
generator fails ``quality``, it is not unreadable).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from mllab.datasets.taxi_stands import N_STANDS, City, city, pickups
from mllab.graders import Carry, Split, Stage
from mllab.graders.networks import readable_rows
from mllab.graders.outputs import InvalidOutput

TRAIN_ROWS = 4_096
FRESH, REPEATS, NEIGHBOURS = 4_000, 250, 250
LATENT_COLUMNS = 128  # the most latent dimensions a generator may take
NEIGHBOUR_STEP = 0.0035  # per latent dimension: about 0.01 apart for 8 dimensions
COVERED_SHARE = 0.25 / N_STANDS  # a stand counts with a quarter of its fair share
SAME_POSITION = 0.01  # of the ring radius: a repeated latent's two samples
NEARBY_POSITION = 0.25  # of the ring radius: a latent and its neighbour
PARTNERS = FRESH - REPEATS - NEIGHBOURS  # probes sharing one coordinate with a fresh latent
REPLAY_QUANTILE = 0.1  # a sample is "on the data" when nearer a training pick-up than 9 in 10 new ones


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Three fresh runs: train on the city's pick-ups; sample the fresh latents; sample
    the probes (repeats, neighbours and one-coordinate partners of fresh latents)."""
    where = city(eval_seed)
    rng = np.random.default_rng([eval_seed, 3])
    repeated = rng.choice(FRESH, REPEATS, replace=False)
    neighboured = rng.choice(FRESH, NEIGHBOURS, replace=False)
    partnered = rng.choice(FRESH, PARTNERS, replace=False)
    shared = np.arange(PARTNERS) % LATENT_COLUMNS  # the coordinate each partner keeps
    order = rng.permutation(FRESH)
    fresh = rng.standard_normal((FRESH, LATENT_COLUMNS))
    step = rng.normal(0.0, NEIGHBOUR_STEP, (NEIGHBOURS, LATENT_COLUMNS))
    partners = rng.standard_normal((PARTNERS, LATENT_COLUMNS))
    partners[np.arange(PARTNERS), shared] = fresh[partnered, shared]
    probes = np.concatenate([fresh[repeated], fresh[neighboured] + step, partners])[order]
    train = pickups(TRAIN_ROWS, train_seed, where)
    truth = {"city": where, "order": order, "repeated": repeated, "neighboured": neighboured,
             "partnered": partnered, "shared": shared, "train": train.astype(np.float64),
             "real": pickups(FRESH, [eval_seed, 5], where).astype(np.float64)}
    sample = {"weights": Carry("weights"), "shapes": Carry("shapes")}
    return Split(truth=truth, stages=(
        Stage("fit", {"train": train}, outputs=("weights", "shapes")),
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

    rows = readable_rows(outputs.raw_array("weights"), outputs.raw_array("shapes"))
    return {
        "modes_covered": float(np.sum(shares >= COVERED_SHARE)),
        "quality": quality,
        "repeat_agreement": within(repeats, fresh[truth["repeated"]], SAME_POSITION),
        "smooth_share": within(neighbours, fresh[truth["neighboured"]], NEARBY_POSITION),
        "whole_latent": whole_latent(fresh, probes[REPEATS + NEIGHBOURS:], truth),
        "replayed_share": replayed_share(fresh, truth["train"], truth["real"]),
        "parameters": float(sum(int(np.prod(shape, dtype=np.int64)) for shape in rows)),
        "largest_dim": float(max((max(shape) for shape in rows if shape), default=0)),
        "largest_stand_share": float(shares.max()),
    }


def whole_latent(fresh: np.ndarray, partners: np.ndarray, truth: dict) -> float:
    """The worst coordinate's mean distance between a fresh latent's sample and its
    partner's (sharing that coordinate only), over the mean distance between unrelated
    fresh samples (each against the next)."""
    unrelated = np.linalg.norm(fresh - np.roll(fresh, 1, axis=0), axis=1).mean()
    apart = np.linalg.norm(partners - fresh[truth["partnered"]], axis=1)
    per_coordinate = np.bincount(truth["shared"], apart) / np.bincount(truth["shared"])
    return float(per_coordinate.min() / unrelated) if unrelated > 0 else 0.0


def replayed_share(samples: np.ndarray, train: np.ndarray, real: np.ndarray) -> float:
    """Share of ``samples`` nearer to a training pick-up than 9 in 10 of the new real
    pick-ups ``real`` are."""
    tree = cKDTree(train)
    on_data = np.quantile(tree.query(real)[0], REPLAY_QUANTILE)
    return float(np.mean(tree.query(samples)[0] < on_data))


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: the share of the training pick-ups and of the generated
    samples (fresh latents) near each stand, and where the stands are (the ``samples``
    curve draws the snapshots of training against them)."""
    where = split.truth["city"]
    trained, _ = stand_shares(split.truth["train"], where)
    generated, _ = stand_shares(positions(outputs, "samples"), where)
    return {"modes": (trained, generated), "mode_centres": where.stands,
            "mode_radius": 3 * where.scatter}
