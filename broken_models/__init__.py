"""The broken training setups, one file per lab, copied into a learner's workspace."""
