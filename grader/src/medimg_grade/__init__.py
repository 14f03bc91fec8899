"""Grading of the course assignments: release generation and the grading command."""
