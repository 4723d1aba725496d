"""Non-fix: retrain on the last 45 days; drift read from the dates of the two tables.

Code that tries to tell the grader's drifted pairs from the rest by their
timestamps: the live table is "drifted" the further its quotes lie after the
reference ones (with the median gap between the tables as the statistic). Every
pair the grader sends has the same calendar, drifted or not, so the dates say
nothing about whether the market moved.
"""

from mllab.broken_models.production_drift import *  # noqa: F403 - the team's code, unchanged
from mllab.labs.production_drift.non_fixes.window_with_team_monitor import train  # noqa: F401


def drift_score(reference, live):
    return float((live["quoted_at"].median() - reference["quoted_at"].median()).total_seconds() / 86_400)
