"""Benchmarks of the course: run ``python -m benchmarks``."""
