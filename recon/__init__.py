"""Reconciliation tooling: a load simulator with fault injection and the shipped replica of the case."""
