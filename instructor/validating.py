"""``mllab validate``: broken files fail and reference fixes pass on every seed, the margins
they keep, and (``--write``) the calibration recorded into each lab's lab.toml."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from mllab import labs
from mllab.ui import render
from mllab.ui.terminal import console, fail, say, status, warn


def validate(chosen, seeds: int | None, draw: int | None, device: str, write: bool,
             as_json: bool) -> int:
    """Validate the labs ``chosen`` (all when empty) and show (or write) what was measured;
    the exit code: 0 when every row holds."""
    from mllab.graders.engine import draw_seed_pairs
    from mllab.graders.validate import (CALIBRATED_SEEDS, WriteError,
                                        margins, write_calibration)
    from mllab.graders.validate import validate as validate_lab

    if write and (seeds or 0) < CALIBRATED_SEEDS:
        fail(f"--write records a calibration: give --seeds {CALIBRATED_SEEDS} (or more)")
    chosen = chosen or labs.all_labs()
    pairs = None
    if seeds:
        draw, pairs = draw_seed_pairs(seeds, draw)
        if not as_json:
            console.print(f"[dim]{seeds} random seed pairs, draw {draw} (repeat with --seeds "
                          f"{seeds} --draw {draw}): {list(pairs)}[/]", highlight=False)
    rows, found = [], []
    with status("validating", quiet=as_json) as shown:
        for lab in chosen:
            lab_rows = validate_lab(lab, pairs, device, progress=shown.update)
            rows += lab_rows
            found += margins(lab, lab_rows)
    notes = [f"{lab.id} has no [interview] table in its lab.toml, so `mllab interview` never "
             "draws it (docs/interview.md)" for lab in chosen if lab.interview is None]
    if as_json:
        click.echo(json.dumps({"draw": draw, "seed_pairs": pairs, "rows": [asdict(r) for r in rows],
                               "margins": [asdict(m) for m in found], "notes": notes}, indent=2))
    else:
        _show(rows, found, notes, write)
    if write:
        for lab in chosen:
            try:
                say(f"wrote the calibration of {lab.id} into "
                    f"{write_calibration(lab, rows, found, seeds, draw)}")
            except WriteError as exc:
                warn(str(exc))
        if not as_json:
            say("run `mllab validate` again to check the lab with its calibration")
    return 0 if all(row.ok for row in rows) else 1


def _show(rows, found, notes: list[str], write: bool) -> None:
    console.print(render.validation_table(rows))
    console.print(render.margin_table(found))
    if not write:
        console.print("\n[dim]measured distributions (`--write` records them in each "
                      "lab.toml):[/]")
        console.print(render.calibration_toml(rows), highlight=False, markup=False)
    for note in notes:
        say(f"note: {note}", style="yellow")
