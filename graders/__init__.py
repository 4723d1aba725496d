"""The grading engine: sandboxed runs -> parent-side metrics -> verdict -> report."""

from mllab.graders.engine import Carry, Options, Split, Stage, grade, parallel_runs
from mllab.graders.report import Report

__all__ = ["Carry", "Options", "Report", "Split", "Stage", "grade", "parallel_runs"]
