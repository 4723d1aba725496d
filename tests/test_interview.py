"""`mllab interview` as a learner uses it, through the real CLI, on the test course's tiny lab
(real grades: the tiny lab grades in about a second)."""

from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import COURSE
from mllab import labs
from mllab.cli import interview, main
from mllab.learner import interview as iv
from test_cli import FIX, flat, mllab  # noqa: F401 - mllab is a fixture

TINY = "tiny_lab"
EXPLANATION = ("predict() looked at the first measurement only. The label depends on the sum "
               "of both, so no threshold on one of them can be right.")


def _start(mllab, *extra) -> Path:
    started = mllab("interview", "start", "--lab", TINY, "--json", *extra)
    assert started.exit_code == 0, started.output
    return Path(json.loads(started.output)["file"])


def _state(copy: Path) -> dict:
    return json.loads((copy.parent / iv.STATE).read_text())


def _rewind(copy: Path, seconds: float) -> None:
    """Move the round's start ``seconds`` into the past, as if that much time had gone by."""
    state = _state(copy)
    state["started_at"] -= seconds
    (copy.parent / iv.STATE).write_text(json.dumps(state))


def _number_of(listing: str, words: str) -> int:
    """The number the cause list gives the option starting with ``words``."""
    found = re.search(r"(\d+)\. " + re.escape(words), flat(listing))
    assert found, listing
    return int(found[1])


def _finish(mllab, tmp_path, *args) -> dict:
    answer = tmp_path / "answer.txt"
    answer.write_text(EXPLANATION)
    done = mllab("interview", "finish", "--explanation-file", str(answer), "--json", *args)
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def test_a_whole_round_start_run_hint_submit_finish(mllab, tmp_path, capfd):
    copy = _start(mllab, "--minutes", "30")
    assert copy.name == "model.py" and TINY not in copy.read_text()
    status = json.loads(mllab("interview", "status", "--json").output)
    assert status["file"] == str(copy) and 1790 <= status["seconds_left"] <= 1800
    assert status["phase"] == "fixing" and status["hint_cost"] == iv.RUBRIC.hint

    ran = mllab("interview", "run", "--device", "cpu")
    assert ran.exit_code == 0 and "tiny accuracy 0.7" in capfd.readouterr().out  # the script's

    unpaid = mllab("interview", "hint")  # off a terminal: the price, and nothing taken
    assert unpaid.exit_code == 2 and "costs 5 points" in flat(unpaid.output)
    assert "--yes" in unpaid.output and "hint 1/3" not in unpaid.output
    hinted = mllab("interview", "hint", "--yes")
    assert hinted.exit_code == 0 and "costs 5 points" in flat(hinted.output)
    assert "hint 1/3: one" in flat(hinted.output)

    failed = mllab("interview", "submit")
    assert failed.exit_code == 1 and "verdict: fail" in failed.output
    assert TINY not in failed.output and "Look at the decision rule" not in failed.output
    closed = mllab("interview", "causes")  # a failing grade does not open the list
    assert closed.exit_code == 2 and "opens once a submission passes" in flat(closed.output)

    copy.write_text(FIX.read_text())
    passed = mllab("interview", "submit", "--json")
    assert passed.exit_code == 0 and json.loads(passed.output)["lab"].startswith("round ")
    listing = mllab("interview", "causes")
    assert listing.exit_code == 0
    real = _number_of(listing.output, "predict() thresholds only the first")

    card = _finish(mllab, tmp_path, "--cause", str(real))
    for key in ("lab", "verdict", "cause_correct", "seconds_used", "hints", "score",
                "max_score", "metrics", "diagnoses", "explanation", "points"):
        assert key in card
    assert (card["lab"], card["verdict"], card["cause_correct"]) == (TINY, "pass", True)
    assert card["hints"] == 1 and card["diagnoses"] == 0 and card["submissions"] == 2
    assert card["metrics"]["accuracy"] >= 0.9 and card["sentences"] == 2
    left = 1800 - card["seconds_used"]
    assert card["points"] == {"fix": 50, "cause": 25, "explanation": 5,
                              "time": math.floor(20 * left / 1800), "hints": -5, "diagnoses": 0}
    assert card["score"] == sum(card["points"].values()) and card["max_score"] == 100
    assert card["interview_questions"] == ["none"]
    assert (copy.parent / iv.EXPLANATION).read_text().strip() == EXPLANATION

    listed = json.loads(mllab("progress", "--json").output)["interviews"]
    assert [(r["lab"], r["score"]) for r in listed] == [(TINY, card["score"])]
    table = flat(mllab("progress").output)
    assert "interview rounds" in table and f"{card['score']}/100" in table
    again = mllab("interview", "causes")  # the round is over: the answer and the real cause
    assert "your answer, the real cause" in flat(again.output)


def test_the_card_on_a_terminal_shows_points_debrief_and_questions(mllab, tmp_path):
    copy = _start(mllab)
    copy.write_text(FIX.read_text())
    answer = tmp_path / "answer.txt"
    answer.write_text("One short sentence only.")
    shown = mllab("interview", "finish", "--cause", "1", "--explanation-file", str(answer))
    text = flat(shown.output)
    assert shown.exit_code == 0 and "no graded submission yet: grading your copy now" in text
    assert "score card" in text and "+50" in text and "1 sentence(s)" in text
    assert "answer these aloud" in text and "The tiny lab's debrief." in text


def test_off_a_terminal_finish_without_a_cause_lists_them_and_waits(mllab, tmp_path):
    copy = _start(mllab)
    waiting = mllab("interview", "finish")
    assert waiting.exit_code == 0 and "--cause N --explanation-file PATH" in flat(waiting.output)
    real = _number_of(waiting.output, "predict() thresholds only the first")
    assert json.loads(mllab("interview", "status", "--json").output)["phase"] == "answering"
    copy.write_text(FIX.read_text())
    refused = mllab("interview", "submit")  # the fix was graded (failing) when finish began
    assert refused.exit_code == 2 and "the work on the fix is over" in flat(refused.output)
    card = _finish(mllab, tmp_path, "--cause", str(real))
    assert card["verdict"] == "fail" and card["points"]["fix"] == 0 and card["cause_correct"]
    assert card["points"]["time"] == 0 and card["score"] == 25 + 5


def test_a_timed_out_round_counts_the_last_graded_submission(mllab, tmp_path):
    copy = _start(mllab, "--minutes", "20")
    copy.write_text(FIX.read_text())
    assert mllab("interview", "submit").exit_code == 0
    _rewind(copy, 21 * 60)  # the clock ran out a minute ago, with the terminal closed
    status = json.loads(mllab("interview", "status", "--json").output)
    assert (status["seconds_left"], status["phase"]) == (0, "time-up")
    for verb in ("submit", "run", "hint"):
        late = mllab("interview", verb)
        assert late.exit_code == 2 and "time is up" in flat(late.output), verb
    card = _finish(mllab, tmp_path, "--cause", "1")
    assert card["verdict"] == "pass" and card["timed_out"] and not card["late"]
    assert card["seconds_used"] == 1200 and card["submissions"] == 1
    assert card["points"]["fix"] == 50 and card["points"]["time"] == 0


@pytest.mark.parametrize("edited_late", [False, True])
def test_a_timed_out_round_without_a_submission_is_graded_at_finish(mllab, tmp_path,
                                                                     edited_late):
    copy = _start(mllab, "--minutes", "20")
    copy.write_text(FIX.read_text())
    _rewind(copy, 21 * 60)
    if not edited_late:  # saved before the clock ran out, graded only now
        os.utime(copy, (_state(copy)["started_at"] + 60,) * 2)
    card = _finish(mllab, tmp_path, "--cause", "1")
    assert card["verdict"] == "pass" and card["submissions"] == 1 and card["timed_out"]
    assert card["late"] is edited_late
    assert card["points"]["fix"] == (0 if edited_late else 50)


def test_giving_up_is_recorded_and_opens_the_cause_list(mllab, tmp_path):
    _start(mllab)
    assert mllab("interview", "hint", "--yes").exit_code == 0
    done = mllab("interview", "finish", "--give-up", "--json")
    card = json.loads(done.output)
    assert done.exit_code == 0 and card["gave_up"] and card["verdict"] == "gave-up"
    assert card["cause"] is None and not card["cause_correct"] and card["submissions"] == 0
    assert card["points"]["hints"] == -5 and card["score"] == 0  # never below zero
    listing = mllab("interview", "causes")
    assert listing.exit_code == 0 and "<- the real cause" in listing.output
    assert mllab("interview", "status").exit_code == 2  # no round open any more
    assert json.loads(mllab("progress", "--json").output)["interviews"][0]["gave_up"]


def test_one_round_at_a_time(mllab):
    _start(mllab)
    again = mllab("interview", "start", "--lab", TINY)
    assert again.exit_code == 2 and "a round is still open" in flat(again.output)


@pytest.mark.parametrize("lab", [lab for lab in labs.all_labs() if lab.interview],
                         ids=lambda lab: lab.id)
def test_the_start_gives_nothing_away(mllab, tmp_path, lab):
    """Neither the screen nor the round's files name the lab, its title, summary, symptom
    lines, hints or checks: only the neutral brief."""
    started = mllab("interview", "start", "--lab", lab.id)
    status = mllab("interview", "status", "--json")
    assert started.exit_code == 0 and lab.interview.brief.split(".")[0] in flat(started.output)
    folder = Path(json.loads(status.output)["file"]).parent
    shown = flat(started.output + status.output)
    files = " ".join(p.read_text() for p in folder.iterdir() if p.is_file())
    secrets = [lab.id, lab.title, lab.summary, *lab.hints, *(t.label for t in lab.targets),
               *(t.advice for t in lab.targets),
               *(line.strip() for line in lab.scenario.splitlines() if len(line.strip()) > 30)]
    for secret in secrets:
        assert flat(secret) not in shown, secret
        assert secret not in files, secret
    assert lab.interview.cause not in shown + files


def test_the_cause_list_mixes_the_real_cause_with_tempting_and_other_labs_causes():
    lab = labs.get("imbalanced_fraud")
    state = iv.Round(id="r", seed=7, lab_digest=iv.lab_digest(7, lab.id), minutes=45,
                     started_at=0.0)
    options, real = iv.cause_list(state, lab, labs.all_labs())
    assert options[real - 1] == lab.interview.cause and len(options) == len(set(options)) == 6
    assert len(set(options) & set(lab.interview.tempting_causes)) == iv.TEMPTING_SHOWN
    others = {other.interview.cause for other in labs.all_labs() if other.interview}
    assert len(set(options) & others) == 1 + iv.OTHER_LABS_SHOWN
    assert iv.cause_list(state, lab, labs.all_labs()) == (options, real)  # fixed per round
    orders = {tuple(iv.cause_list(iv.Round("r", seed, "", 45, 0.0), lab, labs.all_labs())[0])
              for seed in range(20)}
    assert len(orders) > 1  # and shuffled from one round to the next


def test_the_draw_prefers_labs_neither_passed_nor_drawn_and_needs_metadata():
    pool = [lab for lab in labs.all_labs() if lab.interview]
    status = {lab.id: random.Random(lab.id).choice(["passed", "gave-up"]) for lab in pool[1:]}
    assert iv.draw(pool, status, set(), None, random.Random(0)) == pool[0]
    drawn = {lab.id for lab in pool[:2]}
    picked = {iv.draw(pool, {}, drawn, None, random.Random(s)).id for s in range(30)}
    assert picked and not picked & drawn
    assert iv.draw(pool, status, {pool[0].id}, None, random.Random(0)) == pool[0]  # all seen
    beginners = {iv.draw(pool, {}, set(), "beginner", random.Random(s)).difficulty
                 for s in range(10)}
    assert beginners == {"beginner"}


def test_a_lab_without_interview_metadata_is_never_drawn_and_validate_notes_it(
        mllab, tmp_path, monkeypatch):
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    toml = course / "labs" / TINY / "lab.toml"
    toml.write_text(toml.read_text().split("[interview]")[0])
    monkeypatch.setenv(labs.COURSES_VAR, str(course))
    refused = mllab("interview", "start", "--lab", TINY)
    assert refused.exit_code == 2 and "no [interview] table" in flat(refused.output)
    checked = json.loads(mllab("validate", TINY, "--json").output)
    assert any(TINY in note and "never draws it" in note for note in checked["notes"])


def test_bad_answers_are_one_line(mllab, tmp_path):
    _start(mllab)
    too_big = mllab("interview", "finish", "--cause", "99")
    assert too_big.exit_code == 2 and "--cause must be a number from 1 to" in flat(too_big.output)
    missing = mllab("interview", "finish", "--cause", "1", "--explanation-file",
                    str(tmp_path / "nope.txt"))
    assert missing.exit_code == 2 and "cannot read the explanation" in flat(missing.output)
    assert "Traceback" not in too_big.output + missing.output
    assert mllab("interview", "status", "--json").exit_code == 0  # the round is still open


def test_every_interview_verb_has_help(mllab):
    for verb in interview.commands:
        shown = mllab("interview", verb, "--help")
        assert shown.exit_code == 0 and "Usage:" in shown.output


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) |
                    st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(["id", "seed", "lab_digest", "minutes", "started_at", "actions",
                            "submissions", "fix_closed_at", "gave_up", "finished_at", "lab",
                            "cause", "explanation", "card", "extra"]), value=JSON)
def test_a_round_file_edited_by_hand_is_one_line_never_a_traceback(mllab, tmp_path, key, value):
    """round.json sits in the learner's workspace: whatever they write into it, the round's
    commands and `progress` answer (exit 0) or say what is wrong in one line (exit 2)."""
    folder = iv.rounds_folder(tmp_path / "ws")
    shutil.rmtree(folder, ignore_errors=True)
    copy = _start(mllab)
    state = _state(copy)
    state.update({"finished_at": state["started_at"] + 60, "lab": TINY, "card": {"score": 3}}
                 if key in ("card", "lab") else {})
    state[key] = value
    (copy.parent / iv.STATE).write_text(json.dumps(state))
    for args in (("interview", "status", "--json"), ("interview", "causes"), ("progress",),
                 ("progress", "--json")):
        result = mllab(*args)  # an exception from our code fails the test here
        assert result.exit_code in (0, 2), (args, result.output)
