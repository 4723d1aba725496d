"""Reading what the sandboxed side wrote, trusting none of it.

Files are opened without following symlinks, must be regular files with a single
link and a bounded size, and are parsed without pickle. Arrays are then checked
for the shape, dtype and finiteness the lab expects.
"""

from __future__ import annotations

import io
import json
import math
import os
import stat
from pathlib import Path

import numpy as np

MAX_ARRAY_BYTES = 256 * 2**20
MAX_RUN_OUTPUT_BYTES = 256 * 2**20  # all the arrays one run returned, together
MAX_STATUS_BYTES = 64 * 2**10
# entries of an out/ folder read by name; a harness returns a few arrays (empty files cost
# a run nothing but an inode: 300,000 of them took a grading from 2 s to 51 s and 224 MiB)
MAX_OUTPUT_FILES = 1000
_SPARSE_SLACK = 2**20  # a file's bytes may exceed its allocated blocks by this much


class InvalidOutput(Exception):
    """The submission's output cannot be scored (shape, dtype, NaN, not a plain file)."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


def read_regular_file(path: Path, max_bytes: int, dir_fd: int | None = None) -> bytes:
    """Return the bytes of ``path`` (relative to ``dir_fd`` if given) if it is a plain file
    no larger than ``max_bytes``, by its size and by the disk blocks it holds: a sparse file
    (holes the run made with truncate or seek) is refused before a byte is read, since
    reading its holes would fill this process's memory with zeros nobody wrote."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                     dir_fd=dir_fd)
    except FileNotFoundError:
        raise InvalidOutput(f"{path.name} was not written") from None
    except OSError as exc:  # ELOOP for a symlink, ENXIO for a FIFO without writer, ...
        raise InvalidOutput(f"{path.name} is not a regular file ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            raise InvalidOutput(f"{path.name} is not a regular file")
        # blocks come in file-system units (4 KiB for a 48-byte file): allow that much over
        if info.st_size > max_bytes or info.st_blocks * 512 > max_bytes + _SPARSE_SLACK:
            raise InvalidOutput(f"{path.name} is {info.st_size} bytes, over {max_bytes}")
        if info.st_size > info.st_blocks * 512 + _SPARSE_SLACK:
            raise InvalidOutput(f"{path.name} is a sparse file ({info.st_size} bytes, "
                                f"{info.st_blocks * 512} on disk): not written by the grader",
                                "Return arrays from your functions; do not write files.")
        chunks, left = [], max_bytes + 1
        while left and (chunk := os.read(fd, min(left, 2**24))):
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > max_bytes:
            raise InvalidOutput(f"{path.name} grew over {max_bytes} bytes while read")
        return data
    finally:
        os.close(fd)


def open_folder(path: Path) -> int:
    """An open descriptor of the folder ``path``, which must be a folder and not a link to
    one (a run could point ``out/`` anywhere); ``InvalidOutput`` otherwise."""
    try:
        return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InvalidOutput(f"{path.name}/ was not written") from None
    except OSError:
        raise InvalidOutput(f"{path.name}/ is not a folder") from None


def read_outputs(folder: Path, names: tuple[str, ...] | None,
                 max_total: int = MAX_RUN_OUTPUT_BYTES) -> dict[str, bytes]:
    """``folder/<name>.npy`` for each of ``names`` (``None``: every ``.npy`` there), bounded
    each by ``MAX_ARRAY_BYTES`` and together by ``max_total``; a missing one is left out
    (``measure`` names what is missing, in the learner's terms). The folder is opened once,
    without following a link, and every file in it relative to it."""
    try:
        fd = open_folder(folder)
    except InvalidOutput as exc:
        if exc.message.endswith("was not written"):
            return {}
        raise
    try:
        if names is None:
            names = tuple(sorted(n[:-4] for n in _entries(fd) if n.endswith(".npy")))
        found, total = {}, 0
        for name in names:
            try:
                raw = read_regular_file(Path(f"{name}.npy"), min(MAX_ARRAY_BYTES,
                                                                  max_total - total), fd)
            except InvalidOutput as exc:
                if exc.message.endswith("was not written"):
                    continue
                if total and "over" in exc.message:
                    raise InvalidOutput(f"the outputs are over {max_total} bytes together",
                                        "Return only the arrays the lab asks for.") from None
                raise
            total += len(raw)
            found[name] = raw
        return found
    finally:
        os.close(fd)


def _entries(fd: int) -> list[str]:
    """The names in the folder ``fd``, at most ``MAX_OUTPUT_FILES`` of them (read lazily:
    a folder of a million files is refused after the first thousand)."""
    found = []
    with os.scandir(fd) as entries:
        for entry in entries:
            if len(found) == MAX_OUTPUT_FILES:
                raise InvalidOutput(f"out/ holds more than {MAX_OUTPUT_FILES} files",
                                    "Return only the arrays the lab asks for.")
            found.append(entry.name)
    return found


def read_status(path: Path) -> dict | None:
    """The child's status, or None when it wrote none (or wrote garbage): only its kind,
    message, hint and device, as bounded strings."""
    try:
        status = json.loads(read_regular_file(path, MAX_STATUS_BYTES))
    except (InvalidOutput, ValueError, RecursionError):
        return None
    if not isinstance(status, dict) or not isinstance(status.get("kind"), str):
        return None
    kept = {"kind": status["kind"][:100]}
    for name, limit in (("message", 2000), ("hint", 500), ("device", 20)):
        if isinstance(status.get(name), str):
            kept[name] = status[name][:limit]
    return kept


def _parse_npy(raw: bytes, what: str) -> np.ndarray:
    """The numeric array in ``raw`` (a ``.npy`` file); its header must describe exactly the
    bytes that follow it, checked before anything is allocated."""
    stream = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(stream)
        if version not in ((1, 0), (2, 0)):
            raise ValueError(f"format version {version}")
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0) else
                       np.lib.format.read_array_header_2_0)
        shape, fortran_order, dtype = read_header(stream)
    except Exception as exc:  # noqa: BLE001 - any header the run wrote; only parsing here
        raise InvalidOutput(f"{what}: not a plain numeric array ({str(exc)[:200]})",
                            "Return numbers, not Python objects.") from None
    if dtype.kind not in "biuf":
        raise InvalidOutput(f"{what}: expected numbers, got dtype {dtype}",
                            "Return a numpy array or a CPU tensor of numbers.")
    count = math.prod(shape)
    data_bytes = len(raw) - stream.tell()
    if any(dim < 0 for dim in shape) or count * dtype.itemsize != data_bytes:
        raise InvalidOutput(f"{what}: the file claims shape {shape} of {dtype} but holds "
                            f"{data_bytes} bytes of data",
                            "Return a numpy array or a CPU tensor; do not write the file yourself.")
    values = np.frombuffer(raw, dtype=dtype, count=count, offset=stream.tell())
    return values.reshape(shape, order="F" if fortran_order else "C")


class Outputs:
    """The arrays one seed's runs returned (name -> raw ``.npy`` bytes), validated on demand,
    and the wall-clock seconds of each run (stage name -> seconds, timed from outside)."""

    def __init__(self, raw: dict[str, bytes], seconds: dict[str, float] | None = None):
        self.raw = raw
        self._seconds = dict(seconds or {})

    def seconds(self, stage: str) -> float:
        """Wall-clock seconds of ``stage``'s sandboxed process, measured by the grading
        process from outside it: from just before the submission is imported (a fresh
        interpreter says when, before any of its code runs; a fork of the run server is
        timed from its start) to its exit, so its imports, unpickling, every call and
        saving the outputs count. Nothing the run reports about itself enters this number."""
        if stage not in self._seconds:
            raise KeyError(f"no stage called {stage!r} ran")  # a lab author's slip
        return self._seconds[stage]

    def raw_array(self, name: str, what: str = "") -> np.ndarray:
        """Output ``name`` parsed without pickle, any shape, not yet checked."""
        what = what or name
        if name not in self.raw:
            raise InvalidOutput(f"{what}: nothing was returned",
                                "Keep the original functions' return values.")
        return _parse_npy(self.raw[name], what)

    def array(self, name: str, length: int | None, *, kind: str = "float", what: str = "",
              finite: bool = True) -> np.ndarray:
        """Return output ``name`` as a finite 1-D array of ``length`` values (None: any).

        ``kind`` is "float" (any number), "probability" (0..1) or "binary" (0/1).
        ``finite=False`` lets NaN/inf through for a lab that grades divergence itself
        (e.g. a loss history); such an array may only be of kind "float".
        """
        if not finite and kind != "float":
            raise ValueError("finite=False is only for kind='float'")  # a lab author's slip
        what = what or name
        values = self.raw_array(name, what)
        if values.ndim == 2 and values.shape[1] == 1 or values.ndim == 0:
            values = values.reshape(-1)
        if values.ndim != 1 or length is not None and values.shape != (length,) or not values.size:
            hint = ("Return one value per row, e.g. probabilities of the positive class, "
                    "not one column per class." if values.ndim == 2 else
                    "Return one value per row of the data you were given.")
            expected = f"({length},)" if length is not None else "(n,), n >= 1"
            raise InvalidOutput(f"{what}: expected shape {expected}, got {values.shape}", hint)
        values = values.astype(np.float64)
        if finite and not np.all(np.isfinite(values)):
            bad = int(np.sum(~np.isfinite(values)))
            raise InvalidOutput(f"{what}: {bad} of {values.size} values are NaN or infinite",
                                "NaN predictions usually mean training diverged: check the "
                                "loss curve, the learning rate and the input scaling.")
        if kind == "probability" and (values.min() < 0 or values.max() > 1):
            raise InvalidOutput(f"{what}: expected probabilities in [0, 1], got values from "
                                f"{values.min():.3g} to {values.max():.3g}",
                                "Apply a sigmoid/softmax to logits before returning them.")
        if kind == "binary" and not np.isin(values, (0.0, 1.0)).all():
            raise InvalidOutput(f"{what}: expected 0/1 labels, got other values "
                                f"(e.g. {values[~np.isin(values, (0.0, 1.0))][0]:.3g})",
                                "Return decisions (0 or 1), not scores or logits.")
        return values

    def scalar(self, name: str, what: str = "") -> float:
        """Return output ``name`` as one finite number."""
        return float(self.array(name, 1, what=what or name)[0])
