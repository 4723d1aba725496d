"""The grading engine: sandboxed run -> parent-side metrics -> verdict -> report."""

from mllab.graders.engine import Options, Split, grade
from mllab.graders.report import Report

__all__ = ["Options", "Report", "Split", "grade"]
