"""Hostile answers: any strings posted to any field of any question type get a grade or the form
error, never a crash (issue 12, finding 6: ``q1=²`` answered 500).

The fields are the ones each type's form really renders, and the types come from the registry,
so a new question type is fuzzed as soon as it has a definition in ``DEFINITIONS``.
"""

import json
import random
import re

import pytest
from django.db import transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from quizzes import services
from quizzes.forms import QuestionField, legend_html
from quizzes.question_types import REGISTRY, ResponseError, get_type
from tests.fuzzing import FUZZ, fuzz
from tests.quizzes.quiz_factories import (
    DEFINITIONS,
    answers_for,
    enrol,
    every_type_bank,
    make_quiz,
)

FIELD_NAME = re.compile(r'\bname="(q\d+[^"]*)"')
# Digits of other scripts (², ٣, １), signs, padding, NUL, huge numbers and plain positions.
SPECIAL = [
    "²",
    "³",
    "٣",
    "１",
    "-1",
    "+1",
    " 1 ",
    "1\x00",
    "\x00",
    "1e3",
    "0x1",
    "",
    " ",
    "\t\r\n",
    "true",
    "TRUE",
    "99999999999999999999",
    *[str(n) for n in range(6)],
]
NASTY = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Zs", "Cc"]), max_size=8),
    st.integers().map(str),
    st.integers(4_000, 6_000).map(lambda n: "9" * n),  # past int()'s 4,300-digit limit
)
VALUES = st.lists(NASTY, max_size=3)


def form_fields(type_name: str, definition: dict, order) -> list[str]:
    """The names of the fields the type's form renders for one question (prefix ``q1``)."""
    qtype = get_type(type_name)
    public = qtype.public_view(definition, order)
    question = QuestionField(
        number=1,
        prefix="q1",
        template=qtype.form_template,
        view=qtype.form_view(public, None, "q1"),
        legend=legend_html(public["stem"]),
        anchor=qtype.first_input_id("q1"),
    )
    return sorted(set(FIELD_NAME.findall(render_to_string(qtype.form_template, {"q": question}))))


@pytest.mark.parametrize("type_name", sorted(REGISTRY))
@FUZZ
@given(data=st.data())
def test_any_strings_in_any_field_are_read_or_refused_with_a_message(type_name, data):
    assert type_name in DEFINITIONS, f"add a definition of {type_name!r} to DEFINITIONS"
    qtype, definition = get_type(type_name), DEFINITIONS[type_name]
    order = qtype.initial_option_order(definition, random.Random(3), True)
    public = qtype.public_view(definition, order)
    fields = form_fields(type_name, definition, order)
    assert fields, f"{type_name}'s form renders no fields"
    posted = QueryDict(mutable=True)
    for name in fields:
        posted.setlist(name, data.draw(VALUES, label=name))
    try:
        response = qtype.parse_response(posted, "q1", public, order)
    except ResponseError as error:
        assert str(error)
        return
    json.dumps(response)  # stored as JSON
    grade = qtype.grade(definition, response)
    assert 0 <= grade.fraction <= 1
    qtype.response_view(definition, response)


def test_a_digit_of_another_script_is_refused_not_a_crash():
    """The review's reproduction: ``²`` as a position of a choice, a match and an order."""
    for type_name, field in [("single_choice", "q1"), ("matching", "q1-p0"), ("ordering", "q1-i0")]:
        qtype, definition = get_type(type_name), DEFINITIONS[type_name]
        order = qtype.initial_option_order(definition, random.Random(3), False)
        public = qtype.public_view(definition, order)
        with pytest.raises(ResponseError):
            qtype.parse_response({field: "²"}, "q1", public, order)


# --- through the submit view --------------------------------------------------------------------


@pytest.fixture
def open_attempt(db, make_course, learner, client):
    course = make_course(lessons=0)
    enrol(learner, course)
    quiz = make_quiz(course, every_type_bank(), title="Every type", shuffle_options=True)
    client.force_login(learner)
    attempt = services.attempt_start(user=learner, quiz=quiz)
    page = client.get(f"/quizzes/attempts/{attempt.pk}/").content.decode()
    typed = set(re.findall(r'<(?:input type="text"|textarea) id="[^"]+" name="(q\d+)"', page))
    return attempt, sorted(set(FIELD_NAME.findall(page))), typed


@pytest.mark.django_db
@fuzz(40)
@given(data=st.data())
def test_the_submit_view_grades_or_shows_the_form_again_keeping_typed_answers(
    client, open_attempt, data
):
    attempt, fields, typed = open_attempt
    right = answers_for(attempt)
    # A few hostile fields among right answers, so grading is reached as well as the form.
    hostile = data.draw(st.sets(st.sampled_from(fields), max_size=3), label="hostile fields")
    posted = {}
    for name in fields:
        valid = [right[name]] if isinstance(right.get(name), str) else right.get(name, [])
        posted[name] = data.draw(VALUES, label=name) if name in hostile else valid
    with transaction.atomic():
        response = client.post(f"/quizzes/attempts/{attempt.pk}/submit/", posted)
        if response.status_code == 302:
            assert response.url == f"/quizzes/attempts/{attempt.pk}/result/"
            assert client.get(response.url).status_code == 200
        else:
            assert response.status_code == 200
            page = response.content.decode()
            assert "There is a problem" in page
            assert re.search(r'<p class="field-error" id="q\d+-error">', page)
            for name in typed:
                kept = posted[name][-1].strip() if posted[name] else ""
                assert escape(kept) in page, f"{name}'s answer was not kept"
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_control_character_in_a_typed_answer_is_refused_and_the_rest_kept(client, open_attempt):
    """PostgreSQL can't store NUL in an answer: it gets the form error, never a 500."""
    attempt, _, typed = open_attempt
    posted = answers_for(attempt)
    essay = attempt.questions.get(version__type_name="essay")
    prefix = f"q{essay.position + 1}"
    posted[prefix] = "Check provenance\x00 first"
    response = client.post(f"/quizzes/attempts/{attempt.pk}/submit/", posted)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<p class="field-error" id="{prefix}-error">' in page
    assert "invisible control character" in page
    for name in typed - {prefix}:
        assert escape(posted[name]) in page
