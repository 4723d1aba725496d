"""The sandboxed side of grading: import the learner's file, call it, save arrays.

Run as a script inside the sandbox, never imported by the grading process:

    python -I child.py grade WORKDIR      # grade one seed, job in WORKDIR/job.json
    python -I child.py run FILE [ARGS]    # run a learner's file as a script (mllab run)
    python -I child.py diagnose WORKDIR   # every stage in one traced process (mllab diagnose)
    python -I child.py serve ROOT MB MODS # sandbox.Server: pre-import MODS, fork a run per job

It receives training data and evaluation *features*; evaluation labels never
reach it. It writes one ``.npy`` file per output plus ``status.json``; the parent
re-validates all of it and computes every metric itself.
"""

from __future__ import annotations

import errno
import importlib.util
import inspect
import json
import os
import pickle
import random
import resource
import runpy
import sys
import time
import traceback
from pathlib import Path

FILE_LIMIT_BYTES = 256 * 2**20
# What a run server may import once for all its runs (of what the learner's file and the
# lab's harness import): the packages of the lab stack, never the learner's own choice of
# any other module.
PRELOAD_PACKAGES = ("numpy", "pandas", "scipy", "sklearn", "torch", "torchvision")


def _load_mllab() -> None:
    """Make ``mllab`` importable from this checkout, installed or not."""
    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location(
        "mllab", root / "__init__.py", submodule_search_locations=[str(root)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["mllab"] = module
    spec.loader.exec_module(module)
    # This script runs as __main__: a lab's harness importing mllab.graders.child must get
    # this very module (and its SubmissionError), not a second copy.
    sys.modules["mllab.graders.child"] = sys.modules[__name__]


class SubmissionError(Exception):
    """The learner's code could not be graded; ``kind`` is an error verdict detail."""

    def __init__(self, kind: str, message: str, hint: str = ""):
        super().__init__(message)
        self.kind, self.message, self.hint = kind, message, hint


class Submission:
    """The learner's module, with calls that turn failures into clear errors."""

    def __init__(self, path: Path, shown_as: str, required: tuple[str, ...]):
        self.path, self.shown_as = path, shown_as
        spec = importlib.util.spec_from_file_location("submission", path)
        self.module = importlib.util.module_from_spec(spec)
        sys.modules["submission"] = self.module
        try:
            spec.loader.exec_module(self.module)
        except SyntaxError as exc:
            raise SubmissionError("syntax-error", f"{shown_as}:{exc.lineno}: {exc.msg}",
                                  "Fix the syntax error; `python -m py_compile FILE` shows it.")
        except ImportError as exc:
            raise SubmissionError("import-error", f"importing {shown_as} failed: {exc}",
                                  "Use only the packages the lab ships with (torch, sklearn, "
                                  "pandas, numpy).")
        except BaseException as exc:  # noqa: BLE001 - anything the module does at import
            raise self.runtime_error(exc, "while importing the file")
        missing = [name for name in required if not hasattr(self.module, name)]
        if missing:
            found = sorted(n for n, v in vars(self.module).items()
                           if not n.startswith("_") and (callable(v)) and
                           getattr(v, "__module__", None) == "submission")
            raise SubmissionError(
                "missing-function",
                f"{shown_as} must define {', '.join(required)}; missing: {', '.join(missing)}"
                f" (found: {', '.join(found) or 'nothing'})",
                "Keep the names and signatures of the original file; change their bodies.")

    def get(self, name: str):
        return getattr(self.module, name)


    def call(self, name: str, *args, **kwargs):
        """Call the learner's ``name(*args, **kwargs)``, mapping every failure to an error."""
        function = getattr(self.module, name)
        try:
            inspect.signature(function).bind(*args, **kwargs)
        except TypeError as exc:
            raise SubmissionError("bad-signature", f"the grader calls {name}() with "
                                  f"{len(args) + len(kwargs)} argument(s): {exc}",
                                  "Keep the original signature of this function.")
        except ValueError:
            pass  # builtins without a signature: let the call decide
        try:
            return function(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - the learner's code may raise anything
            raise self.runtime_error(exc, f"in {name}()")

    def raised_here(self, exc: BaseException) -> bool:
        """Whether the learner's file is on ``exc``'s traceback (e.g. a method the lab called)."""
        return any(f.filename == str(self.path) for f in traceback.extract_tb(exc.__traceback__))

    def runtime_error(self, exc: BaseException, where: str) -> SubmissionError:
        if isinstance(exc, SubmissionError):
            return exc
        if isinstance(exc, SystemExit):
            return SubmissionError("runtime-error", f"the code called sys.exit({exc.code}) {where}",
                                   "Return from the function instead of exiting.")
        if isinstance(exc, MemoryError):
            return SubmissionError("memory-exceeded", f"MemoryError {where}",
                                   "Use smaller batches or fewer copies of the data.")
        if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
            return SubmissionError("output-limit", f"the code wrote a file larger than "
                                   f"{FILE_LIMIT_BYTES // 2**20} MiB {where}",
                                   "Do not write large files while training.")
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename == str(self.path)]
        at = f" (at {self.shown_as}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""
        trace = "".join(f"  {self.shown_as}:{f.lineno} in {f.name}: {f.line}\n" for f in frames)
        return SubmissionError("runtime-error", f"{type(exc).__name__} {where}{at}: {exc}\n{trace}",
                               "Run `mllab run` on your copy to see the full traceback.")


def seed_everything(seed: int) -> None:
    random.seed(seed)
    try:
        import numpy as np
        np.random.seed(seed)
    except ImportError:
        pass
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)


def _resolve_device(device: str) -> str:
    if device != "auto":
        return device
    if "torch" in sys.modules and sys.modules["torch"].cuda.is_available():
        return "cuda"
    return "cpu"


def _save_outputs(outputs: dict, folder: Path) -> None:
    """Save each output as ``folder/<name>.npy``, refusing anything planted beforehand."""
    import numpy as np

    try:
        folder.mkdir()
    except FileExistsError:
        raise SubmissionError("invalid-output", f"the submission created '{folder.name}/' itself",
                              "Return predictions from your functions; do not write files "
                              "where the grader writes its own.") from None
    for key, value in outputs.items():
        try:
            if hasattr(value, "detach"):  # a torch tensor, possibly on the GPU
                value = value.detach().cpu().numpy()
            array = np.asarray(value)
            if array.dtype == object:
                raise ValueError("object array")
            fd = os.open(folder / f"{key}.npy", os.O_WRONLY | os.O_CREAT | os.O_EXCL |
                         os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as fh:
                np.save(fh, array, allow_pickle=False)
        except Exception as exc:  # noqa: BLE001 - anything the learner returned
            raise SubmissionError("invalid-output", f"'{key}' is not a plain numeric array "
                                  f"({type(value).__name__}: {exc})",
                                  "Return a numpy array or a CPU tensor of numbers.")


PROGRESS_NAME = "progress"  # "step N loss X", rewritten at most 4 times a second


def _report_training(path: Path) -> None:
    """Let the grading process show the training as it goes: count the ``backward()``
    calls on scalars and write the step and the latest loss to ``path``. For people only:
    the grading process shows two numbers parsed from it and trusts nothing else."""
    if "torch" not in sys.modules:
        return

    torch = sys.modules["torch"]
    backward, fd = torch.Tensor.backward, os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    state = {"steps": 0, "written": 0.0}

    def reporting_backward(tensor, *args, **kwargs):
        state["steps"] += 1
        now = time.monotonic()
        if now - state["written"] >= 0.25 and getattr(tensor, "numel", lambda: 0)() == 1:
            state["written"] = now
            line = f"step {state['steps']} loss {float(tensor.detach()):.6g}\n"
            os.pwrite(fd, line.ljust(48).encode(), 0)
        return backward(tensor, *args, **kwargs)

    torch.Tensor.backward = reporting_backward


def grade(workdir: Path) -> dict:
    """Run one stage in ``workdir``; return the status written to ``status.json``.

    The job names the lab's harness file and the entry to call; nothing else of the
    lab (its data generators, its grading code, its answers) is loaded here.
    """
    try:
        job = json.loads((workdir / "job.json").read_text())
        with open(workdir / "inputs.pkl", "rb") as fh:
            inputs = pickle.load(fh)  # written by the grading process, never by the learner
        (workdir / "inputs.pkl").unlink()
        _load_mllab()
        spec = importlib.util.spec_from_file_location("lab_harness", job["harness"])
        harness = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(harness)
        entry = getattr(harness, job["entry"])
        from mllab.graders.sandbox import drop_privileges, start_clock

        drop_privileges()  # from here on nothing in this process holds any power
        start_clock()
    except Exception as exc:  # noqa: BLE001 - before the learner's code runs: our fault
        return {"kind": "internal-error", "message": f"{type(exc).__name__}: {exc}"}
    submission = None
    try:
        submission = Submission(workdir / "submission.py", job["shown_as"],
                                tuple(job["required"]))
        seed_everything(job["seed"])
        device = _resolve_device(job["device"])
        _report_training(workdir / PROGRESS_NAME)
        outputs = entry(submission, **inputs, device=device, seed=job["seed"])
        _save_outputs(outputs, workdir / "out")
    except SubmissionError as exc:
        return {"kind": exc.kind, "message": exc.message, "hint": exc.hint}
    except Exception as exc:  # noqa: BLE001 - the lab's harness failed on what it was given
        if submission is not None and submission.raised_here(exc):
            error = submission.runtime_error(exc, "in what your functions returned")
            return {"kind": error.kind, "message": error.message, "hint": error.hint}
        return {"kind": "internal-error", "message": f"{type(exc).__name__}: {exc}"}
    return {"kind": "ok", "device": device}


def diagnose(workdir: Path) -> dict:
    """Run every stage of the job in this one process with PyTorch traced (``mllab
    diagnose``): outputs go to ``out/``, the trace to ``trace.json``; returns the status."""
    from mllab.graders.engine import Carry
    from mllab.graders.observe import Tracer

    job = json.loads((workdir / "job.json").read_text())
    with open(workdir / "inputs.pkl", "rb") as fh:
        inputs = pickle.load(fh)  # written by the diagnosing process, never by the learner
    spec = importlib.util.spec_from_file_location("lab_harness", job["harness"])
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    tracer, kept = Tracer(snapshots=job.get("snapshots") is True), {}
    try:
        submission = Submission(workdir / "submission.py", job["shown_as"],
                                tuple(job["required"]))
        tracer.install()
        seed_everything(job["seed"])
        device = _resolve_device(job["device"])
        for stage, given in zip(job["stages"], inputs):
            given = {k: kept[v.output] if isinstance(v, Carry) else v for k, v in given.items()}
            outputs = getattr(harness, stage["entry"])(submission, **given, device=device,
                                                       seed=job["seed"])
            names = stage["outputs"] or sorted(outputs)
            kept.update(zip(stage["keep_as"] or names, (outputs[n] for n in names)))
        _save_outputs(kept, workdir / "out")
    except SubmissionError as exc:
        return {"kind": exc.kind, "message": exc.message.splitlines()[0]}
    except Exception as exc:  # noqa: BLE001 - the harness failed on what the learner returned
        return {"kind": "runtime-error", "message": f"{type(exc).__name__}: {exc}"}
    finally:
        (workdir / "trace.json").write_text(json.dumps(tracer.trace()))
    return {"kind": "ok"}


def serve(root: str, scratch_mb: int, modules: list[str]) -> None:
    """``sandbox.Server``'s side: import ``modules`` of the lab stack once, then for each ``run NAME`` line
    fork a process that enters a run's own namespaces with ``ROOT/NAME`` as its folder and
    grades it as ``grade`` would; answer ``exit CODE`` (or ``failed`` when the namespaces
    could not be set up). Nothing here runs the learner's code or reads a run's files."""
    _load_mllab()
    for name in modules:
        if name.partition(".")[0] not in PRELOAD_PACKAGES:
            continue
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a run that needs it reports the error itself
            pass
    from mllab.graders import sandbox

    def answer(text: str) -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    answer(f"ready {os.getpid()}")
    while line := sys.stdin.readline():
        verb, name, *user = [*line.split(), "", ""][:2] + line.split()[2:3]
        if verb != "run" or not name.isalnum() or \
                user and not all(part.isdigit() for part in user[0].split(":")):
            answer("failed")
            continue
        sys.stderr.flush()
        ready, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(ready)
                if user:  # the uid of this run's own (mllab runs as root)
                    os.environ[sandbox.RUN_AS_VAR] = user[0]
                sandbox.enter_run(root, name, scratch_mb, ready_w)
                main(["child.py", "grade", sandbox.RUN_DIR])
            except BaseException:  # noqa: BLE001 - the set-up failed: say why, on stderr
                traceback.print_exc()
            os._exit(125)
        os.close(ready_w)
        code = sandbox.exit_code(os.waitpid(pid, 0)[1])
        started = os.read(ready, 1) == b"1"
        os.close(ready)
        answer(f"exit {code}" if started else "failed")
    os._exit(0)  # the grading is over: no interpreter teardown (torch's takes ~0.7 s)


def _show_own_traceback(exc: BaseException, path: Path) -> None:
    """``exc``'s traceback cut to the frames of the learner's file (not runpy's, mllab's or
    a library's), the exception, then one summary line, on stderr."""
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if Path(frame.filename).resolve() == path.resolve()]
    if frames:
        print("Traceback (the lines of your file only):", file=sys.stderr)
        print("".join(traceback.format_list(frames)), end="", file=sys.stderr)
    print("".join(traceback.format_exception_only(type(exc), exc)), end="", file=sys.stderr)
    where = f" at {path.name}:{frames[-1].lineno} in {frames[-1].name}()" if frames else ""
    print(f"error: your code raised {type(exc).__name__}{where}; exit code 2, as `mllab "
          "submit` gives for a problem with your code", file=sys.stderr)


def main(argv: list[str]) -> int:
    if argv[1] == "serve":
        serve(argv[2], int(argv[3]), argv[4].split(",") if len(argv) > 4 else [])
        return 0
    if argv[1] == "diagnose":
        _load_mllab()
        workdir = Path(argv[2])
        (workdir / "status.json").write_text(json.dumps(diagnose(workdir)))
        sys.stdout.flush()
        os._exit(0)
    if argv[1] == "run":
        _load_mllab()
        progress = os.environ.pop("MLLAB_PROGRESS", "")
        if progress and b"torch" in Path(argv[2]).read_bytes():  # `mllab run` on a terminal
            import torch  # noqa: F401 - imported here so that its training can be shown

            _report_training(Path(progress))
        sys.argv = argv[2:]
        try:
            runpy.run_path(argv[2], run_name="__main__")
        except Exception as exc:  # noqa: BLE001 - the learner's script failed: say where
            _show_own_traceback(exc, Path(argv[2]))
            return 2  # as `mllab submit` says of a problem with the learner's code
        return 0
    workdir = Path(argv[2])
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT_BYTES, FILE_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    status = grade(workdir)
    status_file = workdir / "status.json"
    status_file.unlink(missing_ok=True)  # never keep a status the submission planted
    status_file.write_text(json.dumps(status))
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: the learner may have left threads behind


if __name__ == "__main__":
    sys.exit(main(sys.argv))
