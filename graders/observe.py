"""Record one run of the learner's code for ``mllab diagnose``.

``observe(lab, file)`` builds one seed of the lab's data here, then runs the lab's
harness stages with the learner's file in one child process (``child.py diagnose``),
outside the sandbox, as ``mllab run`` does. The child instruments PyTorch from the
outside (global module hooks, an optimizer step hook, ``Tensor.backward``) so the
learner's file need not change, and writes plain numbers (``trace.json``) and the
stages' arrays. This process reads them back bounded, without pickle, and turns them
into a ``RunRecord`` with the lab's ``evidence(outputs, split)``.

Diagnosis is advisory: nothing here takes part in a verdict.
"""

from __future__ import annotations

import json
import math
import pickle
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from mllab.graders.diagnose import RunRecord
from mllab.graders.engine import CHILD_SCRIPT, Carry, _child_env
from mllab.graders.outputs import MAX_ARRAY_BYTES, Outputs, read_regular_file
from mllab.labs import Lab

TRACE_LIMIT_BYTES = 4 * 2**20
MAX_EVENTS = 20_000  # losses or gradient norms kept per run
MAX_SNAPSHOTS = 16  # snapshots of generated samples kept per run (evenly spaced in steps)
SNAPSHOT_POINTS = 256  # samples kept per snapshot


class ObserveError(Exception):
    """The learner's code could not be run to the end (a one-line reason)."""


# ---------------------------------------------------------------- grading-process side


def observe(lab: Lab, file: Path, device: str = "cpu", seed: int = 0,
            timeout_s: float | None = None) -> RunRecord:
    """Run ``file``'s functions on one seed of ``lab``'s data; the record of that run.

    Raises ``ObserveError`` when the learner's code fails (syntax, import, a crash)."""
    split = lab.grading().make_split(seed, seed + 1)
    stages = [s for s in split.plan()  # ablations and the grader's own runs (a reference)
              if s.submission is None  # say nothing about the learner's own run
              and not any(isinstance(v, Carry) and v.change for v in s.inputs.values())]
    with tempfile.TemporaryDirectory(prefix="mllab-diagnose-") as folder:
        workdir = Path(folder)
        (workdir / "submission.py").write_bytes(file.read_bytes())
        with open(workdir / "inputs.pkl", "wb") as fh:
            pickle.dump([s.inputs for s in stages], fh)  # written here, never read back
        (workdir / "job.json").write_text(json.dumps({
            "harness": str(lab.harness_file), "required": list(lab.required),
            "shown_as": file.name, "seed": seed, "device": device,
            "snapshots": "samples" in lab.curves,
            "stages": [{"entry": s.entry, "outputs": s.outputs, "keep_as": s.keep_as}
                       for s in stages]}))
        try:
            subprocess.run([sys.executable, "-I", str(CHILD_SCRIPT), "diagnose", str(workdir)],
                           cwd=workdir, env=_child_env(workdir), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=timeout_s or lab.timeout_s * 2)
        except subprocess.TimeoutExpired:
            raise ObserveError(f"the run was still going after {timeout_s or lab.timeout_s * 2:g}s "
                               "(twice the lab's limit per run), so it was stopped: look for an "
                               "endless loop, or a training budget far above the original one") \
                from None
        status = _json(workdir / "status.json")
        if status.get("kind") != "ok":
            raise ObserveError(str(status.get("message", "the run stopped without a status")))
        kept = {p.name[:-4]: read_regular_file(p, MAX_ARRAY_BYTES)
                for p in sorted((workdir / "out").glob("*.npy"))}
        record = _traced(_json(workdir / "trace.json"))
    try:
        found = lab.grading().evidence(Outputs(kept), split)
    except AttributeError:  # a lab whose record is the PyTorch trace alone
        return record
    except Exception:  # noqa: BLE001 - arrays the lab cannot read: their detectors stay quiet
        return record
    return replace(record, **found)


def _json(path: Path) -> dict:
    try:
        value = json.loads(read_regular_file(path, TRACE_LIMIT_BYTES))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _number(value) -> float:
    return float(value) if isinstance(value, (int, float)) else math.nan


def _traced(trace: dict) -> RunRecord:
    """The child's trace as a record: numbers only, whatever the file held."""
    def pairs(key):
        rows = trace.get(key) if isinstance(trace.get(key), list) else []
        return [(_number(a), _number(b)) for a, b in
                (r for r in rows[:MAX_EVENTS] if isinstance(r, list) and len(r) == 2)]

    classes = trace.get("n_classes")
    relu = trace.get("relu_zero")
    probabilities = trace.get("probabilities_to_loss")
    tied = trace.get("duplicate_units")
    kinds = trace.get("stochastic_at_inference")
    owners = trace.get("loss_optimizers")
    owners = [o if isinstance(o, int) and 0 <= o <= 64 else 0 for o in owners[:MAX_EVENTS]] \
        if isinstance(owners, list) else []
    losses = [(int(s) if math.isfinite(s) else -1, v) for s, v in pairs("losses")]
    generator = trace.get("generator_optimizer")
    return RunRecord(
        snapshots=_snapshots(trace.get("samples")),
        losses=losses,
        loss_optimizers=owners if len(owners) == len(losses) else [],
        generator_optimizer=generator if isinstance(generator, int) and 0 < generator <= 64
        else None,
        grad_norms=pairs("grad_norms"),
        n_classes=classes if isinstance(classes, int) and 1 < classes < 100_000 else None,
        relu_zero=relu if isinstance(relu, float) and 0 <= relu <= 1 else None,
        probabilities_to_loss=probabilities if isinstance(probabilities, float)
        and 0 <= probabilities <= 1 else None,
        duplicate_units=tied if isinstance(tied, float) and 0 <= tied <= 1 else None,
        stochastic_at_inference=[k for k in kinds[:MAX_EVENTS] if k in STOCHASTIC_KINDS]
        if isinstance(kinds, list) else [])


def _snapshots(rows) -> list[tuple[int, np.ndarray]]:
    """The child's snapshots of generated samples, (step, finite (n, 2) positions) each:
    at most ``MAX_SNAPSHOTS`` of at most ``SNAPSHOT_POINTS`` points, steps increasing;
    rows of any other form are left out."""
    kept: list[tuple[int, np.ndarray]] = []
    for row in rows[:MAX_SNAPSHOTS] if isinstance(rows, list) else ():
        if not (isinstance(row, list) and len(row) == 2 and isinstance(row[0], int)
                and 0 <= row[0] <= 2**53 and isinstance(row[1], list)):
            continue
        points = np.array([[_number(x), _number(y)] for x, y in
                           (p for p in row[1][:SNAPSHOT_POINTS]
                            if isinstance(p, list) and len(p) == 2)], dtype=float).reshape(-1, 2)
        points = points[np.isfinite(points).all(axis=1) & (np.abs(points) < 1e12).all(axis=1)]
        if len(points) and (not kept or row[0] > kept[-1][0]):
            kept.append((row[0], points))
    return kept


# ---------------------------------------------------------------- child side

STOCHASTIC_KINDS = ("Dropout", "BatchNorm")
DUPLICATE_EVERY = 25  # optimizer steps between two looks at a Linear layer's units
DUPLICATE_ROWS, DUPLICATE_UNITS = 256, 512  # the most rows and units compared in one look


class Tracer:
    """PyTorch instrumentation installed in the learner's process; ``trace()`` is plain data.

    A loss is whatever scalar ``backward()`` is called on; the number of classes is the
    width of the logits given to ``cross_entropy``/``nll_loss``; gradient norms are those
    of the first and last weight matrix an optimizer steps; Dropout and BatchNorm layers
    that run in training mode after the last optimizer step are noted at the end. With
    ``snapshots`` (a generative lab's ``samples`` curve), the first output of two columns
    (positions) of a top-level module call in training mode is kept at evenly spaced
    optimizer steps: the generator's samples over training.
    """

    def __init__(self, snapshots: bool = False):
        self.steps, self.losses, self.grad_norms = 0, [], []
        # per loss, the optimizer (numbered by its first step, from 1) whose step came next:
        # a GAN's discriminator and generator losses are two curves, not one zigzag
        self.loss_optimizers: list[int] = []
        self.optimizers: dict[int, int] = {}  # id(optimizer) -> its number
        self.n_classes = None
        self.loss_calls = self.probability_calls = 0  # calls whose rows were probabilities
        self.zeros = self.units = 0
        self.modes: list[tuple[str, int]] = []
        self.duplicates: dict[int, float] = {}  # Linear layer -> share of tied units, last look
        self.snapshots = snapshots
        self.samples: list[list] = []  # [step, [[x, y], ...]] per snapshot
        self.snapshot_every, self.next_snapshot = 25, 0  # doubled whenever the list fills
        self.depth = 0  # module calls in progress: 0 between top-level calls
        self.generator: set[int] = set()  # ids of the snapshotted module's parameters
        self.generator_optimizer = 0  # the number of the optimizer that steps them

    def install(self) -> None:
        if "torch" not in sys.modules:
            return
        import torch
        from torch import nn
        from torch.optim.optimizer import register_optimizer_step_pre_hook

        tracer, backward = self, torch.Tensor.backward

        def traced_backward(tensor, *args, **kwargs):
            if tensor.numel() == 1 and len(tracer.losses) < MAX_EVENTS:
                tracer.losses.append([tracer.steps, float(tensor.detach().float().cpu())])
                tracer.loss_optimizers.append(0)  # known at the next optimizer step
            return backward(tensor, *args, **kwargs)

        torch.Tensor.backward = traced_backward
        for name in ("cross_entropy", "nll_loss"):
            setattr(nn.functional, name, self._classes(getattr(nn.functional, name)))
        nn.modules.module.register_module_forward_hook(self._forward)
        register_optimizer_step_pre_hook(self._step)
        if self.snapshots:
            nn.modules.module.register_module_forward_pre_hook(self._entered)

    def _entered(self, module, inputs):
        self.depth += 1

    def _snapshot(self, module, output) -> None:
        """Keep ``output`` when a top-level call in training mode returns positions and a
        snapshot is due; halve the kept ones (every other) when the list is full."""
        self.depth = max(self.depth - 1, 0)
        if self.depth or self.steps < self.next_snapshot or not module.training:
            return
        try:
            if output.dim() != 2 or output.shape[1] != 2 or not output.is_floating_point():
                return
            self.samples.append([self.steps, output.detach()[:SNAPSHOT_POINTS].float().cpu()
                                 .tolist()])
            if not self.generator and callable(getattr(module, "parameters", None)):
                self.generator = {id(p) for p in module.parameters()}  # whose samples these are
        except Exception:  # noqa: BLE001 - advisory: never break the learner's forward pass
            return
        if len(self.samples) > MAX_SNAPSHOTS:
            self.samples = self.samples[::2]
            self.snapshot_every *= 2
        self.next_snapshot = self.steps + self.snapshot_every

    def _classes(self, loss):
        def counted(input, *args, **kwargs):
            if getattr(input, "dim", lambda: 0)() >= 2:
                self.n_classes = int(input.shape[1])
                self._probabilities(input)
            return loss(input, *args, **kwargs)
        return counted

    def _forward(self, module, inputs, output):
        from torch import nn

        if self.snapshots:
            self._snapshot(module, output)
        if isinstance(module, nn.Linear) and module.training and self.steps % DUPLICATE_EVERY == 0:
            self._tied_units(module, output)
        if isinstance(module, nn.ReLU) and module.training and hasattr(output, "numel"):
            import torch
            if torch.is_grad_enabled():
                self.zeros += int((output == 0).sum())
                self.units += output.numel()
        elif module.training and len(self.modes) < MAX_EVENTS:
            if isinstance(module, nn.modules.dropout._DropoutNd) and module.p > 0:
                self.modes.append(("Dropout", self.steps))
            elif isinstance(module, nn.modules.batchnorm._BatchNorm):
                self.modes.append(("BatchNorm", self.steps))

    def _probabilities(self, input) -> None:
        """Count a loss call whose rows are non-negative and sum to one: probabilities
        given to a loss that expects logits (cross_entropy) or log-probabilities (nll_loss)."""
        import torch

        try:
            with torch.no_grad():
                rows = input.detach().float()
                self.loss_calls += 1
                self.probability_calls += bool((rows >= 0).all() and
                                               ((rows.sum(dim=1) - 1).abs() < 1e-3).all())
        except Exception:  # noqa: BLE001 - advisory: never break the learner's loss
            return

    def _tied_units(self, module, output) -> None:
        """Note the share of ``module``'s output units whose outputs over the batch equal
        another unit's (to a relative 1e-4): units that compute one function."""
        import torch

        try:
            rows, units = output.shape if output.dim() == 2 else (0, 0)
            if rows < 2 or not 2 <= units <= DUPLICATE_UNITS:
                return
            with torch.no_grad():
                columns = output.detach()[:DUPLICATE_ROWS].float().T
                scale = columns.norm(dim=1)
                distance = torch.cdist(columns, columns,
                                       compute_mode="donot_use_mm_for_euclid_dist")
                tied = distance <= 1e-4 * (scale[:, None] + scale[None, :]) / 2
                tied.fill_diagonal_(False)
                self.duplicates[id(module)] = float(tied.any(dim=1).float().mean())
        except Exception:  # noqa: BLE001 - advisory: never break the learner's forward pass
            return

    def _step(self, optimizer, args, kwargs):
        self.steps += 1
        self.depth = 0  # a forward pass that raised never returned through its hook
        number = self.optimizers.setdefault(id(optimizer), len(self.optimizers) + 1)
        if self.generator and not self.generator_optimizer and any(
                id(p) in self.generator for group in optimizer.param_groups
                for p in group["params"]):
            self.generator_optimizer = number
        for index in range(len(self.loss_optimizers) - 1, -1, -1):
            if self.loss_optimizers[index]:
                break
            self.loss_optimizers[index] = number
        weights = [p for group in optimizer.param_groups for p in group["params"]
                   if p.grad is not None and p.dim() >= 2]
        if len(weights) >= 2 and len(self.grad_norms) < MAX_EVENTS:
            self.grad_norms.append([float(weights[0].grad.norm()), float(weights[-1].grad.norm())])

    def trace(self) -> dict:
        return {"losses": self.losses, "grad_norms": self.grad_norms,
                "loss_optimizers": self.loss_optimizers, "samples": self.samples,
                "generator_optimizer": self.generator_optimizer,
                "n_classes": self.n_classes,
                "relu_zero": self.zeros / self.units if self.units else None,
                "probabilities_to_loss": (self.probability_calls / self.loss_calls
                                          if self.loss_calls else None),
                "duplicate_units": max(self.duplicates.values()) if self.duplicates else None,
                "stochastic_at_inference": [kind for kind, step in self.modes
                                            if self.steps and step == self.steps]}
