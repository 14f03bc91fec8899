"""Command-line arguments of medimg-grade: bad values are named in the error message."""

from __future__ import annotations

import pytest
from course_fixture import Course
from medimg_grade import cli


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--workers", "-1"], "--workers"),
        (["--workers", "many"], "--workers"),
        (["--timeout", "0"], "--timeout"),
        (["--timeout", "-5"], "--timeout"),
        (["--memory-mb", "100"], "--memory-mb"),
        (["--assignment", "ps99_missing"], "--assignment"),
        (["--scheduler", "localhost"], "--scheduler"),
        (["--db", "not a url"], "--db"),
        (["--out", "no/such/dir/grades.csv"], "--out"),
    ],
)
def test_bad_argument_is_named(course: Course, capsys, args, named):
    with pytest.raises(SystemExit) as exit_info:
        cli.parse_options(["--course-root", str(course.root), *args])
    assert exit_info.value.code == 2
    assert f"argument {named}" in capsys.readouterr().err


def test_missing_course_root_is_named(tmp_path, capsys):
    with pytest.raises(SystemExit):
        cli.parse_options(["--course-root", str(tmp_path / "nowhere")])
    assert "argument --course-root" in capsys.readouterr().err


def test_course_without_assignments_is_named(tmp_path, capsys):
    with pytest.raises(SystemExit):
        cli.parse_options(["--course-root", str(tmp_path)])
    assert "no assignments" in capsys.readouterr().err


def test_dask_flag_means_a_local_cluster(course: Course):
    options = cli.parse_options(["--course-root", str(course.root), "--dask"])
    assert options.scheduler == "local"


def test_defaults(course: Course):
    options = cli.parse_options(["--course-root", str(course.root)])
    assert (options.workers, options.scheduler, options.db_url, options.out.name) == (
        0,
        None,
        "sqlite:///gradebook.db",
        "grades.csv",
    )
