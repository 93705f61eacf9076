"""A fresh learner fails a quiz, reads the feedback, retries and passes: keyboard only.

The quiz is made here, through the ORM against the demo server's database, so the journey
doesn't depend on which quizzes the demo content ships. The learner is created the same way
and signed in with a session cookie (sign-up has its own journey). Every action afterwards is
a key press: Tab, Space, the arrow keys and Enter. No mouse clicks.
"""

import json
import uuid

import pytest

from tests.browser.conftest import axe_violations

MAX_TABS = 80
FLAGSHIP = "detecting-bias-and-inaccuracy-in-ai-generated-media"

SETUP = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from courses.models import CoursePage
from quizzes.models import QuizPage, QuizQuestion
from quizzes.services import question_create

course = CoursePage.objects.get(slug={flagship!r})
quiz = QuizPage.objects.child_of(course).filter(slug="journey-check").first()
if quiz is None:
    first = question_create(
        title="Journey: provenance caption",
        type_name="single_choice",
        definition={{
            "text": "<p>Which caption tells viewers how the image was made?</p>",
            "options": [
                {{"text": "A stunning shot of the city", "correct": False,
                  "feedback": "Praise says nothing about how the image was made."}},
                {{"text": "Generated with an image model, reviewed by the picture desk",
                  "correct": True, "feedback": "Yes: it names the tool and the reviewer."}},
                {{"text": "Photo: staff", "correct": False,
                  "feedback": "That credits a photographer for an image nobody photographed."}},
            ],
        }},
    )
    second = question_create(
        title="Journey: disclosure",
        type_name="true_false",
        definition={{
            "text": "<p>A generated image used in an advert should be disclosed.</p>",
            "answer": True,
            "feedback_true": "Right: disclosure keeps the audience's trust.",
            "feedback_false": "Disclosure is expected whenever people could be misled.",
        }},
    )
    quiz = QuizPage(title="Journey check: captions and disclosure", slug="journey-check",
                    pass_mark=100, shuffle_options=False, estimated_minutes=5)
    course.add_child(instance=quiz)
    for order, question in enumerate((first, second)):
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=order)
    quiz.save_revision().publish()
user = get_user_model().objects.create_user(
    username={username!r}, email={username!r} + "@example.org", password=None,
    display_name="Quinn Quiz",
)
client = Client()
client.force_login(user)
print(json.dumps({{"session": client.cookies["sessionid"].value, "quiz": quiz.url,
                  "course": course.url}}))
"""


@pytest.fixture
def journey(demo_server, page):
    username = f"quinn-{uuid.uuid4().hex[:8]}"
    output = demo_server.manage("shell", "-c", SETUP.format(flagship=FLAGSHIP, username=username))
    data = json.loads(output.strip().splitlines()[-1])
    page.context.add_cookies([{"name": "sessionid", "value": data["session"], "url": demo_server}])
    return data


def focused(page, script: str):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")


def tab_until(page, script: str, what: str) -> None:
    """Press Tab until ``script`` (about ``el``, the focused element) is true."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused(page, script):
            return
    raise AssertionError(f"could not reach {what} with the keyboard")


def tab_to_text(page, text: str) -> None:
    tab_until(page, f"el && el.innerText && el.innerText.trim() === {text!r}", text)


def press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def answer_quiz(page, *, first_option_moves: int) -> None:
    """Answer both questions from the keyboard: Space selects, arrows move within a group."""
    tab_until(page, "el && el.name === 'q1'", "question 1")
    page.keyboard.press("Space")
    for _ in range(first_option_moves):
        page.keyboard.press("ArrowDown")
    tab_until(page, "el && el.name === 'q2'", "question 2")
    page.keyboard.press("Space")  # True
    tab_to_text(page, "Submit answers")
    press_enter_and_wait(page)


def test_fail_read_feedback_retry_and_pass_with_the_keyboard(demo_server, page, journey):
    # Enrol from the course page.
    page.goto(demo_server + journey["course"])
    tab_to_text(page, "Enrol in this course")
    press_enter_and_wait(page)
    assert "You are enrolled" in page.locator("main").inner_text()

    # The quiz page explains the rules.
    page.goto(demo_server + journey["quiz"])
    main = page.locator("main").inner_text()
    assert "You pass with 100 % or more." in main
    assert axe_violations(page) == []
    tab_to_text(page, "Start the quiz")
    press_enter_and_wait(page)
    assert "/quizzes/attempts/" in page.url
    assert axe_violations(page) == []

    # Submitting with nothing chosen shows the error summary, focused, and keeps the form.
    tab_to_text(page, "Submit answers")
    press_enter_and_wait(page)
    assert page.title().startswith("Error: ")
    assert focused(page, "el.classList.contains('error-summary')")
    assert "Question 1: Choose an answer." in page.locator(".error-summary").inner_text()
    assert axe_violations(page) == []

    # First try: the first option is wrong.
    answer_quiz(page, first_option_moves=0)
    assert page.url.endswith("/result/")
    heading = page.locator("h1").inner_text()
    assert "Not passed: 50 %" in heading
    results = page.locator(".results").inner_text()
    assert "Praise says nothing about how the image was made." in results
    assert "Right: disclosure keeps the audience's trust." in results
    assert axe_violations(page) == []

    # Try again: ArrowDown moves from the first option to the second (and selects it).
    tab_to_text(page, "Try again")
    press_enter_and_wait(page)
    assert "/quizzes/attempts/" in page.url
    answer_quiz(page, first_option_moves=1)
    assert "You passed with 100 %" in page.locator("h1").inner_text()
    assert "Yes: it names the tool and the reviewer." in page.locator(".results").inner_text()
    assert axe_violations(page) == []

    # The course outline shows the quiz step done.
    tab_to_text(page, "Back to the course")
    press_enter_and_wait(page)
    item = page.locator("ol.outline li", has_text="Journey check: captions and disclosure")
    assert "Done" in item.inner_text()
    page.goto(demo_server + journey["quiz"])
    assert "You have passed this quiz." in page.locator("main").inner_text()
    assert axe_violations(page) == []
