"""The learner's side of mllab: the workspace, running, diagnosing and grading one's copy,
`watch`, the reference solutions, and `interview` rounds."""
