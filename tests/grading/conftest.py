"""Fixtures of the grading tests (the course builder lives in course_fixture.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from course_fixture import Course


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return Course(tmp_path / "course")
