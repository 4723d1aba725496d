"""The grading engine: sandboxed runs -> parent-side metrics -> verdict -> report."""

from mllab.graders.engine import Carry, Options, Split, Stage, grade
from mllab.graders.report import Report

__all__ = ["Carry", "Options", "Report", "Split", "Stage", "grade"]
