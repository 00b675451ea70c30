"""Readers of input files: each returns a typed frame and a validation report."""
