"""Non-fix: retrain on the last 45 days; a monitor that always reports drift.

"Markets always move": drift_score() returns the same large number for every
pair, so the team is paged every month, whether anything changed or not.
"""

from mllab.broken_models.production_drift import *  # noqa: F403 - the team's code, unchanged
from mllab.labs.production_drift.non_fixes.window_with_team_monitor import train  # noqa: F401


def drift_score(reference, live):
    return 1.0
