"""Taking a quiz over HTTP: the quiz page, the attempt form, submitting and the result."""

import re
from datetime import timedelta
from html import unescape
from unittest.mock import patch

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from courses.models import CourseIndexPage, CoursePage, LessonPage
from quizzes import services
from quizzes.models import Attempt, QuizPage
from quizzes.question_types import get_type
from tests.quizzes.quiz_factories import (
    DEFINITIONS,
    SECRET_MARKERS,
    answers_for,
    enrol,
    every_type_bank,
    make_question,
    make_quiz,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(make_course):
    return make_course(lessons=2)


@pytest.fixture
def quiz(course):
    return make_quiz(course, [make_question("single_choice"), make_question("true_false")])


@pytest.fixture
def learner_client(client, learner, course):
    enrol(learner, course)
    client.force_login(learner)
    return client


def start(client, quiz) -> Attempt:
    response = client.post(f"/quizzes/{quiz.pk}/start/")
    assert response.status_code == 302
    attempt = Attempt.objects.filter(quiz=quiz).latest("pk")
    assert response.url == f"/quizzes/attempts/{attempt.pk}/"
    return attempt


def main(response) -> str:
    """The page's <main>, with entities unescaped so assertions read like the page."""
    html = response.content.decode()
    return unescape(html[html.index("<main") : html.index("</main>")])


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


# --- the page tree -----------------------------------------------------------------------------


def test_quizzes_live_only_inside_courses():
    assert QuizPage in CoursePage.allowed_subpage_models()
    assert QuizPage.allowed_parent_page_models() == [CoursePage]
    assert not QuizPage.allowed_subpage_models()
    assert CourseIndexPage not in QuizPage.allowed_parent_page_models()
    assert QuizPage.learner_can_mark_complete is False


def test_a_quiz_cannot_be_ticked_off_by_hand(learner_client, quiz):
    assert learner_client.post(f"/learn/steps/{quiz.pk}/complete/").status_code == 404


# --- the quiz page -----------------------------------------------------------------------------


def test_quiz_page_for_visitors_explains_the_rules_and_asks_to_log_in(client, quiz):
    response = client.get(quiz.url)
    assert response.status_code == 200
    page = main(response)
    assert "2 questions" in page and "You pass with 70 % or more." in page
    assert "There is no time limit." in page and "Log in</a> to take this quiz" in page
    assert "Start" not in page


def test_quiz_page_asks_a_learner_who_is_not_enrolled_to_enrol(client, learner, quiz, course):
    client.force_login(learner)
    page = main(client.get(quiz.url))
    assert f"/learn/courses/{course.pk}/enrol/" in page and "Start the quiz" not in page


def test_quiz_page_shows_the_rules_and_the_start_button(learner_client, course):
    quiz = make_quiz(
        course,
        [make_question("true_false")],
        title="Timed",
        attempts_allowed=3,
        time_limit_minutes=20,
        cooldown_minutes=5,
    )
    page = main(learner_client.get(quiz.url))
    assert "You have 3 attempts." in page and "Time limit: 20 minutes" in page
    assert "You wait 5 minutes between attempts." in page
    assert f'action="/quizzes/{quiz.pk}/start/"' in page and "Start the quiz" in page


def test_start_needs_login_and_enrolment(client, learner, quiz):
    response = client.post(f"/quizzes/{quiz.pk}/start/")
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(learner)
    response = client.post(f"/quizzes/{quiz.pk}/start/", follow=True)
    assert "Enrol in" in main(response)
    assert not Attempt.objects.exists()
    assert client.get(f"/quizzes/{quiz.pk}/start/").status_code == 405


def test_quiz_page_lists_attempts_and_says_why_another_must_wait(learner_client, course):
    quiz = make_quiz(course, [make_question("true_false")], title="Cool", cooldown_minutes=60)
    attempt = start(learner_client, quiz)
    learner_client.post(
        f"/quizzes/attempts/{attempt.pk}/submit/", answers_for(attempt, right=False)
    )
    page = main(learner_client.get(quiz.url))
    assert "Your attempts" in page and "Not passed" in page and "0 %" in page
    assert "You can start another attempt in 60 minutes" in page
    assert 'action="/quizzes/' not in page


def test_quiz_page_offers_to_continue_an_attempt_in_progress(learner_client, quiz):
    attempt = start(learner_client, quiz)
    page = main(learner_client.get(quiz.url))
    assert f'href="/quizzes/attempts/{attempt.pk}/"' in page and "Continue attempt 1" in page


# --- the attempt page: nothing that grades reaches the browser ---------------------------------


def test_the_attempt_page_never_shows_answers_weights_or_feedback(learner_client, course):
    quiz = make_quiz(course, every_type_bank(), title="Every type", shuffle_options=True)
    attempt = start(learner_client, quiz)
    response = learner_client.get(f"/quizzes/attempts/{attempt.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for marker in SECRET_MARKERS:
        assert marker.lower() not in html.lower(), marker
    for definition in DEFINITIONS.values():
        for option in definition.get("options", []):
            assert option["feedback"] not in html
    assert "GENERAL-" not in html and "rubric" not in html.lower()
    # Every form value is a display position (or true/false): no definition index, no answer.
    form = main(response).replace(
        re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', html)[0], ""
    )
    values = set(re.findall(r'value="([^"]*)"', form))
    assert values <= {str(n) for n in range(10)} | {"", "true", "false"}
    # The ordering question's items in the attempt's display order (the right one as likely as
    # any other: tests/quizzes/test_question_types.py).
    items = re.findall(r'<label for="q5-i\d">([^<]+)</label>', html)
    order = attempt.questions.get(position=4).option_order
    assert items == [DEFINITIONS["ordering"]["items"][index] for index in order]
    # Questions are fieldsets with the stem as legend; options are labelled radios.
    assert html.count("<fieldset") == len(DEFINITIONS)
    assert "<legend" in html and 'type="radio" id="q1-0" name="q1"' in html


def test_the_attempt_order_is_fixed_for_the_attempt(learner_client, course):
    quiz = make_quiz(course, every_type_bank(), shuffle_options=True, shuffle_questions=True)
    attempt = start(learner_client, quiz)
    first = main(learner_client.get(f"/quizzes/attempts/{attempt.pk}/"))
    again = main(learner_client.get(f"/quizzes/attempts/{attempt.pk}/"))
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", first) == strip.sub("", again)


def test_a_scenario_shows_its_artefact_image_with_alt_text_and_disclosure(learner_client, course):
    image = get_image_model().objects.create(title="Ad", file=get_test_image_file())
    definition = {**DEFINITIONS["scenario"]}
    definition["artefact"] = {
        **definition["artefact"],
        "kind": "image",
        "text": "",
        "image": image.pk,
        "alt_text": "Four smiling people holding a phone",
    }
    quiz = make_quiz(course, [make_question("scenario", definition=definition)])
    attempt = start(learner_client, quiz)
    page = main(learner_client.get(f"/quizzes/attempts/{attempt.pk}/"))
    assert 'alt="Four smiling people holding a phone"' in page
    assert "AI-generated · made with ImageGen 4 · reviewed by Sam Editor" in page


# --- other learners ----------------------------------------------------------------------------


def test_another_learners_attempt_is_not_found(learner_client, quiz, client, other_learner):
    attempt = start(learner_client, quiz)
    data = answers_for(attempt)
    client.force_login(other_learner)
    assert client.get(f"/quizzes/attempts/{attempt.pk}/").status_code == 404
    assert client.post(f"/quizzes/attempts/{attempt.pk}/submit/", data).status_code == 404
    assert client.get(f"/quizzes/attempts/{attempt.pk}/result/").status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open


# --- submitting --------------------------------------------------------------------------------


def test_bad_answers_redisplay_the_form_with_an_error_summary_and_keep_values(
    learner_client, course
):
    quiz = make_quiz(
        course,
        [
            make_question("single_choice"),
            make_question("numerical"),
            make_question("matching"),
            make_question("short_answer"),
            make_question("multiple_response"),
        ],
    )
    attempt = start(learner_client, quiz)
    data = {"q1": "2", "q2": "five", "q3-p0": "1", "q4": "my typed words", "q5": ["0", "2"]}
    response = learner_client.post(f"/quizzes/attempts/{attempt.pk}/submit/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert 'class="error-summary"' in html and "There is a problem" in html
    assert '<a href="#q2">Question 2: Enter a number using digits, like 42 or 3.5.</a>' in html
    assert '<a href="#q3-p1">' not in html and '<a href="#q3-p0">Question 3:' in html
    assert 'id="q2-error"' in html and 'aria-describedby="q2-error"' in html
    # Every typed or chosen value is kept.
    assert 'id="q1-2" name="q1" value="2" checked' in html
    assert 'value="five"' in html and 'value="my typed words"' in html
    assert re.search(r'<select id="q3-p0" name="q3-p0">.*?<option value="1" selected>', html, re.S)
    assert 'id="q5-0" name="q5" value="0" checked' in html
    assert 'id="q5-2" name="q5" value="2" checked' in html
    attempt.refresh_from_db()
    assert attempt.is_open


def test_submitting_grades_on_the_server_and_shows_the_result(learner_client, quiz):
    attempt = start(learner_client, quiz)
    response = learner_client.post(
        f"/quizzes/attempts/{attempt.pk}/submit/", answers_for(attempt, right=False)
    )
    assert response.status_code == 302 and response.url.endswith(f"/{attempt.pk}/result/")
    page = main(learner_client.get(response.url))
    assert "Not passed: 0 %" in page and "The pass mark is 70 %" in page
    assert "FB-SC-WRONG-qzx" in page and "FB-TF-FALSE-qzx" in page
    assert "GENERAL-single_choice-qzx" in page
    assert "Right answer" in page and "Made with a diffusion model" in page
    assert "Try again" in page


def test_review_off_hides_the_right_answers(learner_client, course):
    quiz = make_quiz(
        course, [make_question("single_choice")], title="No review", allow_review=False
    )
    attempt = start(learner_client, quiz)
    learner_client.post(
        f"/quizzes/attempts/{attempt.pk}/submit/", answers_for(attempt, right=False)
    )
    page = main(learner_client.get(f"/quizzes/attempts/{attempt.pk}/result/"))
    assert "FB-SC-WRONG-qzx" in page  # feedback on the answer given is still shown
    assert "Right answer" not in page and "Made with a diffusion model" not in page


def test_result_waits_for_submission_and_the_form_for_results(learner_client, quiz):
    attempt = start(learner_client, quiz)
    response = learner_client.get(f"/quizzes/attempts/{attempt.pk}/result/")
    assert response.status_code == 302 and response.url == f"/quizzes/attempts/{attempt.pk}/"
    learner_client.post(f"/quizzes/attempts/{attempt.pk}/submit/", answers_for(attempt))
    response = learner_client.get(f"/quizzes/attempts/{attempt.pk}/")
    assert response.status_code == 302 and response.url.endswith("/result/")


def test_a_replayed_submit_is_refused_with_a_message(learner_client, quiz):
    attempt = start(learner_client, quiz)
    data = answers_for(attempt)
    learner_client.post(f"/quizzes/attempts/{attempt.pk}/submit/", data)
    response = learner_client.post(f"/quizzes/attempts/{attempt.pk}/submit/", data, follow=True)
    assert "Attempt 1 was already submitted" in main(response)
    assert Attempt.objects.get().score == 100


def test_answers_to_unknown_questions_are_refused_with_a_message(learner_client, quiz):
    attempt = start(learner_client, quiz)
    data = {**answers_for(attempt), "q7": "1"}
    response = learner_client.post(f"/quizzes/attempts/{attempt.pk}/submit/", data, follow=True)
    assert response.redirect_chain[-1][0] == f"/quizzes/attempts/{attempt.pk}/"
    assert "question 7, which isn't part of this attempt" in main(response)


def test_a_late_submit_is_refused_and_the_result_says_time_ran_out(learner_client, course):
    quiz = make_quiz(course, [make_question("true_false")], title="Timed", time_limit_minutes=5)
    attempt = start(learner_client, quiz)
    later = timezone.now() + timedelta(minutes=6)
    with patch("django.utils.timezone.now", return_value=later):
        response = learner_client.post(
            f"/quizzes/attempts/{attempt.pk}/submit/", answers_for(attempt), follow=True
        )
    page = main(response)
    assert "Answers sent after the time limit can't be accepted" in page
    assert "Time ran out before this attempt was submitted" in page


def test_an_expired_attempt_sends_the_learner_back_to_the_quiz(learner_client, course):
    quiz = make_quiz(course, [make_question("true_false")], title="Timed", time_limit_minutes=5)
    attempt = start(learner_client, quiz)
    later = timezone.now() + timedelta(minutes=6)
    with patch("django.utils.timezone.now", return_value=later):
        response = learner_client.get(f"/quizzes/attempts/{attempt.pk}/", follow=True)
        page = main(response)
    assert response.redirect_chain[-1][0] == quiz.url
    assert "Time ran out for attempt 1" in page and "Time ran out" in page


def test_an_essay_result_waits_for_grading(learner_client, course):
    quiz = make_quiz(course, [make_question("essay")], title="Essay")
    attempt = start(learner_client, quiz)
    learner_client.post(f"/quizzes/attempts/{attempt.pk}/submit/", answers_for(attempt))
    page = main(learner_client.get(f"/quizzes/attempts/{attempt.pk}/result/"))
    assert "Waiting for grading" in page and "RUBRIC" not in page


# --- the course around it ----------------------------------------------------------------------


def test_the_course_and_lesson_outlines_show_the_quiz_and_mark_it_done(
    learner_client, learner, course, quiz
):
    course_page = main(learner_client.get(course.url))
    assert quiz.title in course_page and "· 15 min" in course_page
    lesson = LessonPage.objects.child_of(course).first()
    assert f'href="{quiz.url}"' in main(learner_client.get(lesson.url))

    attempt = start(learner_client, quiz)
    learner_client.post(
        f"/quizzes/attempts/{attempt.pk}/submit/", answers_for(attempt, right=False)
    )
    outline = main(learner_client.get(course.url))
    item = re.search(rf"<li><a href=\"{quiz.url}\">.*?</li>", outline, re.S).group(0)
    assert "Done" not in item

    attempt = services.attempt_start(user=learner, quiz=quiz)
    learner_client.post(f"/quizzes/attempts/{attempt.pk}/submit/", answers_for(attempt))
    outline = main(learner_client.get(course.url))
    item = re.search(rf"<li><a href=\"{quiz.url}\">.*?</li>", outline, re.S).group(0)
    assert "Done" in item
    assert "You have passed this quiz." in main(learner_client.get(quiz.url))


# --- scoring rules and feedback beside each choice ---------------------------------------------


def test_the_quiz_page_states_how_each_question_type_is_scored(learner_client, course):
    quiz = make_quiz(
        course,
        [make_question("multiple_response"), make_question("ordering")],
        title="Rules first",
    )
    page = main(learner_client.get(quiz.url))
    assert "How each question is scored" in page
    for type_name in ("multiple_response", "ordering"):
        assert get_type(type_name).scoring_rule in page
    assert get_type("single_choice").scoring_rule not in page  # only the types it asks


def test_the_attempt_page_states_the_rules_of_its_questions(learner_client, course):
    quiz = make_quiz(course, [make_question("multiple_response")], title="Rules again")
    attempt = start(learner_client, quiz)
    page = main(learner_client.get(f"/quizzes/attempts/{attempt.pk}/"))
    assert get_type("multiple_response").scoring_rule in page
    assert page.index("How each question is scored") < page.index("<form")


def test_feedback_on_each_choice_is_shown_beside_it(learner_client, course):
    # One right and one wrong choice: each choice's feedback next to it, not in a loose list.
    quiz = make_quiz(course, [make_question("multiple_response")], title="Beside")
    attempt = start(learner_client, quiz)
    aq = attempt.questions.get()
    positions = {index: str(position) for position, index in enumerate(aq.option_order)}
    learner_client.post(
        f"/quizzes/attempts/{attempt.pk}/submit/", {"q1": [positions[0], positions[2]]}
    )
    html = learner_client.get(f"/quizzes/attempts/{attempt.pk}/result/").content.decode()
    answers = BeautifulSoup(html, "html.parser").select("ul.result__answer > li")
    beside = {
        li.find(string=True, recursive=False).strip(): li.find(class_="result__choice-feedback")
        for li in answers
    }
    assert set(beside) == {"Mismatched earrings", "A signed model release"}
    assert "FB-MR-A-qzx" in beside["Mismatched earrings"].get_text()
    assert "FB-MR-C-qzx" in beside["A signed model release"].get_text()
    assert html.count("FB-MR-A-qzx") == 1  # not repeated in a list of its own
