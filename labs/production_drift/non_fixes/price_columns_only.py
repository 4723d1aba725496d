"""Non-fix: retrain on the last 45 days; KS test on the price columns only.

A change of pricing is what the team fears, so the monitor watches the premium
and the gap to the cheapest competitor, with a proper two-sample test. It sees
nothing when the drivers, the cars or the channel mix change.
"""

from scipy.stats import ks_2samp

from mllab.broken_models.production_drift import *  # noqa: F403 - the team's code, unchanged
from mllab.labs.production_drift.non_fixes.window_with_team_monitor import train  # noqa: F401

WATCHED = ["premium", "price_gap_pct"]


def drift_score(reference, live):
    return float(max(ks_2samp(reference[c], live[c], method="asymp").statistic for c in WATCHED))
