"""Quiz statistics on small matrices worked out by hand (no database)."""

import math

import pytest

from quizzes.statistics import (
    FLAG_DISCRIMINATION,
    FLAG_EASY,
    FLAG_HARD,
    AttemptScores,
    pearson,
    question_flags,
    question_statistics,
    quiz_statistics,
    score_distribution,
)


def attempt(number, score, passed, **items):
    """items: q<id>=fraction or (fraction, points)."""
    parsed = {}
    for key, value in items.items():
        fraction, points = value if isinstance(value, tuple) else (value, 1.0)
        parsed[int(key[1:])] = (fraction, points)
    return AttemptScores(attempt_id=number, score=score, passed=passed, items=parsed)


def test_score_distribution_has_ten_buckets_and_100_in_the_last():
    assert score_distribution([0, 9.99, 10, 55, 89.9, 90, 100]) == [2, 1, 0, 0, 0, 1, 0, 0, 1, 2]
    assert score_distribution([]) == [0] * 10


def test_pearson_by_hand():
    # x = [1, 1, 0], y = [1, 0, 0]: cov = 1/3, var_x = var_y = 2/3, so r = 0.5
    assert pearson([1, 1, 0], [1, 0, 0]) == pytest.approx(0.5)
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)


@pytest.mark.parametrize(
    "xs, ys",
    [([], []), ([1], [1]), ([1, 1, 1], [0, 1, 0.5]), ([0, 1], [0.5, 0.5])],
    ids=["empty", "n=1", "no variance in x", "no variance in y"],
)
def test_pearson_is_undefined_without_two_points_or_variance(xs, ys):
    assert pearson(xs, ys) is None


def test_facility_and_discrimination_on_a_two_question_quiz():
    attempts = [
        attempt(1, 100, True, q1=1.0, q2=1.0),
        attempt(2, 50, False, q1=1.0, q2=0.0),
        attempt(3, 0, False, q1=0.0, q2=0.0),
    ]
    stats = question_statistics(attempts)
    # q1 against the rest (q2): r([1,1,0], [1,0,0]) = 0.5
    assert stats[1].facility == pytest.approx(2 / 3)
    assert stats[1].discrimination == pytest.approx(0.5)
    assert stats[1].flags == ()
    # q2 against q1: the same pair of vectors the other way round
    assert stats[2].facility == pytest.approx(1 / 3)
    assert stats[2].discrimination == pytest.approx(0.5)


def test_negative_discrimination_and_zero_variance_rest_score():
    attempts = [
        attempt(1, 67, False, q1=1.0, q2=1.0, q3=0.0),
        attempt(2, 33, False, q1=1.0, q2=0.0, q3=0.0),
        attempt(3, 67, False, q1=0.0, q2=1.0, q3=1.0),
        attempt(4, 33, False, q1=0.0, q2=0.0, q3=1.0),
    ]
    stats = question_statistics(attempts)
    # q1: own [1,1,0,0], rest [.5,0,1,.5]: cov sum = -0.5, sxx = 1, syy = 0.5 -> -1/sqrt(2)
    assert stats[1].discrimination == pytest.approx(-1 / math.sqrt(2))
    assert FLAG_DISCRIMINATION in stats[1].flags
    assert stats[3].discrimination == pytest.approx(-1 / math.sqrt(2))
    # q2: its rest-of-test score is 0.5 in every attempt, so r is undefined, not 0
    assert stats[2].discrimination is None
    assert stats[2].flags == ()
    assert all(s.facility == 0.5 for s in stats.values())


def test_rest_of_test_is_weighted_by_points():
    attempts = [
        attempt(1, 0, False, q1=1.0, q2=(0.0, 3.0), q3=(1.0, 1.0)),
        attempt(2, 0, False, q1=0.0, q2=(1.0, 3.0), q3=(0.0, 1.0)),
        attempt(3, 0, False, q1=1.0, q2=(1.0, 3.0), q3=(1.0, 1.0)),
    ]
    stats = question_statistics(attempts)
    # q1's rest: (0*3 + 1)/4 = .25, (3 + 0)/4 = .75, (3 + 1)/4 = 1 -> r([1,0,1], [.25,.75,1])
    assert stats[1].discrimination == pytest.approx(pearson([1, 0, 1], [0.25, 0.75, 1.0]))


def test_ungraded_and_undrawn_questions_are_left_out():
    attempts = [
        attempt(1, None, None, q1=1.0, q2=None),
        attempt(2, 80, True, q1=0.0, q2=1.0),
        attempt(3, 40, False, q2=0.0),  # q1 not drawn in this attempt
    ]
    stats = question_statistics(attempts)
    assert stats[1].responses == 2 and stats[1].facility == 0.5
    assert stats[2].responses == 2 and stats[2].facility == 0.5
    # only attempt 2 has both q1 and a graded rest, so n < 2
    assert stats[1].discrimination is None


def test_flags_at_the_thresholds():
    assert question_flags(0.19, 0.5) == (FLAG_HARD,)
    assert question_flags(0.2, 0.2) == ()
    assert question_flags(0.9, 0.3) == ()
    assert question_flags(0.95, 0.1) == (FLAG_EASY, FLAG_DISCRIMINATION)
    assert question_flags(None, None) == ()


def test_quiz_statistics_summary():
    attempts = [
        attempt(1, 95, True, q1=1.0),
        attempt(2, 70, True, q1=1.0),
        attempt(3, 30, False, q1=0.0),
        attempt(4, None, None, q1=None),  # an essay still waiting for a grader
    ]
    stats = quiz_statistics(attempts)
    assert stats.attempts == 4
    assert stats.passed == 2
    assert stats.pass_rate == pytest.approx(2 / 3)
    assert stats.mean_score == pytest.approx(65)
    assert stats.distribution == [0, 0, 0, 1, 0, 0, 0, 1, 0, 1]
    assert stats.distribution_rows[0] == ("0–9 %", 0)
    assert stats.distribution_rows[-1] == ("90–100 %", 1)
    assert stats.questions[1].facility == pytest.approx(2 / 3)


def test_quiz_statistics_with_no_attempts():
    stats = quiz_statistics([])
    assert (stats.attempts, stats.pass_rate, stats.mean_score) == (0, None, None)
    assert stats.questions == {}
