"""Bản đồ giảm nghèo — the application layer: command line, setup and demo data.

Nothing in the project imports this package; it stands on every other one.
"""
