"""What mllab shows on a terminal: the console, live progress lines, and the tables and
reports of every command (learner's and instructor's alike)."""
