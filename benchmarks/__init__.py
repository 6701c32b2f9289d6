"""Sportello benchmarks: each reports a ratio to a floor measured in the same run."""
