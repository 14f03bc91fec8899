"""Due dates, extensions and late penalties (pure functions, and nbgrader's gradebook)."""

from __future__ import annotations

import datetime as dt

import pytest
from medimg_grade import deadlines
from medimg_grade.deadlines import Extension, LatePolicy, PenaltyMethod, PenaltyUnits
from traitlets.config import Config

DUE = deadlines.parse_time("2026-10-05 23:59:00 UTC")
HOUR = 3600.0
DAY = 86400.0


@pytest.mark.parametrize(
    ("policy", "late", "expected"),
    [
        (LatePolicy(), 5 * DAY, 0.0),
        (LatePolicy(method="zero"), 1.0, 8.0),
        (LatePolicy(method="zero"), 0.0, 0.0),
        (LatePolicy(method="per_hour", per_unit=0.5, units="points"), 1.0, 0.5),
        (LatePolicy(method="per_hour", per_unit=0.5, units="points"), HOUR, 0.5),
        (LatePolicy(method="per_hour", per_unit=0.5, units="points"), HOUR + 1, 1.0),
        (LatePolicy(method="per_hour", per_unit=0.5, units="points", cap=2), 30 * HOUR, 2.0),
        (LatePolicy(method="per_day", per_unit=0.1), 1.0, 1.0),
        (LatePolicy(method="per_day", per_unit=0.1), 3 * DAY, 3.0),
        (LatePolicy(method="per_day", per_unit=0.1, cap=0.2), 3 * DAY, 2.0),
        (LatePolicy(method="per_day", per_unit=0.5), 3 * DAY, 8.0),  # never below zero
        (LatePolicy(method="per_day", per_unit=0.1, grace_minutes=10), 9 * 60, 0.0),
        (LatePolicy(method="per_day", per_unit=0.1, grace_minutes=10), 11 * 60, 1.0),
    ],
)
def test_penalty(policy, late, expected):
    assert policy.penalty(8.0, max_score=10.0, seconds_late=late) == pytest.approx(expected)


def test_zero_score_has_no_penalty():
    assert (
        LatePolicy(method="per_day", per_unit=0.1).penalty(0, max_score=10, seconds_late=DAY) == 0
    )


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"method": "weekly"}, "method"),
        ({"units": "percent"}, "units"),
        ({"per_unit": -0.1}, "per_unit"),
        ({"per_unit": float("nan")}, "per_unit"),
        ({"per_unit": 1.5}, "per_unit"),  # a fraction above 1
        ({"cap": -1.0}, "cap"),
        ({"grace_minutes": -5}, "grace_minutes"),
    ],
)
def test_bad_policy_is_named(kwargs, named):
    with pytest.raises(ValueError, match=rf"^{named}"):
        LatePolicy(**kwargs)


def test_points_may_exceed_one():
    assert LatePolicy(method="per_day", per_unit=2, units="points").units is PenaltyUnits.POINTS


def test_policy_from_config():
    c = Config()
    assert deadlines.policy_from_config(c) == LatePolicy()
    c.LatePenalty.penalty_method = "per_hour"
    c.LatePenalty.penalty_per_unit = 1
    c.LatePenalty.penalty_units = "points"
    c.LatePenalty.max_penalty = 5
    c.LatePenalty.grace_minutes = 2
    assert deadlines.policy_from_config(c) == LatePolicy(
        method=PenaltyMethod.PER_HOUR, per_unit=1, units="points", cap=5, grace_minutes=2
    )


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("penalty_per_unit", -1, "c.LatePenalty.penalty_per_unit: per_unit must be >= 0"),
        ("max_penalty", -1, "c.LatePenalty.max_penalty: cap must be"),
        ("penalty_unit", "points", "c.LatePenalty.penalty_unit: unknown setting"),
    ],
)
def test_bad_config_names_the_setting(setting, value, message):
    c = Config()
    c.LatePenalty[setting] = value
    with pytest.raises(ValueError, match=message):
        deadlines.policy_from_config(c)


def test_policy_from_course_config_file(tmp_path):
    from medimg_grade.restore import load_config

    (tmp_path / "nbgrader_config.py").write_text(
        'c = get_config()\nc.LatePenalty.penalty_method = "zero"\n'
    )
    assert deadlines.policy_from_config(load_config(tmp_path)).method is PenaltyMethod.ZERO


HEADER = "student,assignment,hours,due"


def test_extensions_parse():
    ext = deadlines.parse_extensions(
        [
            "# granted by the course office",
            HEADER,
            "ann,ps01,24,",
            "",
            "bo,ps01,,2026-10-08 12:00:00",
            "bo,ps02,1.5,",
        ]
    )
    assert ext["ann", "ps01"] == Extension("ann", "ps01", hours=24.0, line=3)
    assert ext["bo", "ps01"].due == dt.datetime(2026, 10, 8, 12, tzinfo=dt.UTC)
    assert ext["bo", "ps02"].delta(None) == dt.timedelta(minutes=90)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("ann,ps01,24", "line 3: expected 4 fields, got 3"),
        (",ps01,24,", "line 3: student is empty"),
        ("ann,,24,", "line 3: assignment is empty"),
        ("ann,ps01,,", "line 3: fill exactly one of hours and due"),
        ("ann,ps01,24,2026-10-08", "line 3: fill exactly one of hours and due"),
        ("ann,ps01,soon,", "line 3: hours must be a number > 0, got 'soon'"),
        ("ann,ps01,0,", "line 3: hours must be a number > 0"),
        ("ann,ps01,inf,", "line 3: hours must be a number > 0"),
        ("ann,ps01,,next friday", "line 3: due is not a date and time: 'next friday'"),
        ("bo,ps01,1,", "line 3: second extension for bo/ps01 \\(first on line 2\\)"),
    ],
)
def test_bad_extension_line_is_named(line, message):
    with pytest.raises(ValueError, match=f"extensions.csv {message}"):
        deadlines.parse_extensions([HEADER, "bo,ps01,2,", line])


def test_bad_extension_header_is_named():
    with pytest.raises(ValueError, match=r"extensions\.csv line 1: header must be"):
        deadlines.parse_extensions(["student,assignment,days,due", "ann,ps01,1,"])


def test_assess_with_new_due_date():
    ext = Extension("bo", "ps01", due=deadlines.parse_time("2026-10-08 12:00 UTC"))
    policy = LatePolicy(method="per_hour", per_unit=1, units="points")
    late = deadlines.assess(
        raw_score=10,
        max_score=10,
        submitted=deadlines.parse_time("2026-10-08 13:30 UTC"),
        due=DUE,
        extension=ext,
        policy=policy,
    )
    assert (late.seconds_late, late.penalty) == (1.5 * HOUR, 2.0)
    assert late.describe() == "submitted 1 h 30 min late: -2 points"


def test_no_due_date_is_never_late():
    late = deadlines.assess(
        raw_score=5,
        max_score=10,
        submitted=deadlines.parse_time("2030-01-01 00:00 UTC"),
        due=None,
        extension=None,
        policy=LatePolicy(method="zero"),
    )
    assert (late.seconds_late, late.penalty, late.describe()) == (0.0, 0.0, "")


def test_timestamp_file(tmp_path):
    assert deadlines.read_timestamp(tmp_path) is None
    (tmp_path / "timestamp.txt").write_text("garbage")
    assert deadlines.read_timestamp(tmp_path) is None
    (tmp_path / "timestamp.txt").write_text("2026-10-06 01:00:00.123456 UTC\n")
    assert deadlines.seconds_late(deadlines.read_timestamp(tmp_path), DUE) == pytest.approx(
        3660.123456
    )


def test_extensions_go_into_nbgraders_gradebook(tmp_path):
    """Extensions are stored as nbgrader's own SubmittedAssignment.extension."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{tmp_path / 'gb.db'}") as gb:
        gb.update_or_create_assignment("ps01", duedate=DUE.replace(tzinfo=None))
        for student in ("ann", "bo", "cy"):
            gb.update_or_create_student(student)
        gb.update_or_create_submission(
            "ps01", "ann", timestamp=dt.datetime(2026, 10, 7, 10, 0)
        )  # 34 h late
        gb.update_or_create_submission("ps01", "bo", timestamp=dt.datetime(2026, 10, 7, 10, 0))
        (tmp_path / "extensions.csv").write_text(f"{HEADER}\nann,ps01,48,\ncy,ps01,12,\n")
        deadlines.apply_extensions(gb, deadlines.read_extensions(tmp_path))
        assert gb.find_submission("ps01", "ann").extension == dt.timedelta(hours=48)
        assert gb.find_submission("ps01", "ann").total_seconds_late == 0
        assert gb.find_submission("ps01", "bo").total_seconds_late > 0
        rules = deadlines.CourseDeadlines(LatePolicy(method="zero"), {})
        assert rules.assess(gb, "ann", "ps01", raw_score=4).penalty == 0
        bo = rules.assess(gb, "bo", "ps01", raw_score=4)
        assert (bo.penalty, bo.seconds_late) == (4, 34 * HOUR + 60)
        # extensions.csv wins over the gradebook's extension
        csv_rules = deadlines.CourseDeadlines(
            LatePolicy(method="zero"), {("bo", "ps01"): Extension("bo", "ps01", hours=40)}
        )
        assert csv_rules.assess(gb, "bo", "ps01", raw_score=4).penalty == 0
        assert csv_rules.assess(gb, "nobody", "ps01", raw_score=4).penalty == 0
        (tmp_path / "extensions.csv").write_text(f"{HEADER}\nnobody,ps01,48,\n")
        with pytest.raises(ValueError, match="line 2: unknown student or assignment 'nobody'"):
            deadlines.apply_extensions(gb, deadlines.read_extensions(tmp_path))
