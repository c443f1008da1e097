"""Instructor tooling for ConvNets from Scratch: release, autograde, export and feedback on nbgrader."""
