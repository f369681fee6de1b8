"""Benchmarks of the reconciliation against the tools it is compared with (see run.py)."""
