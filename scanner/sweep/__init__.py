"""Scheduled sweeps: per-site history, what changed between runs, and the sweep report."""
