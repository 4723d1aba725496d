"""Non-fix: an honest drift monitor (per-column KS and the channel mix), the model as before.

The monitor now pages the team when the market moves, but the model it watches
was still fitted on all 18 months: this month's ranking is as poor as before.
"""

from mllab.broken_models.production_drift import *  # noqa: F403 - the team's code, unchanged
from mllab.labs.production_drift.fixes.recency_weights_ks import drift_score  # noqa: F401
