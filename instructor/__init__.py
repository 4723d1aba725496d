"""The instructor's side of mllab: writing a lab (`new`, the skeleton it copies), checking
and calibrating it (`validate`), grading a class (`grade-class`)."""
