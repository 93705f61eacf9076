"""Taking a quiz: start, answer, submit, see the result. No JavaScript needed.

Views stay thin: they find the learner's own object (anyone else's is a 404), answer as the
quiz page would when its view restrictions turn the learner away, call a service, and
redirect, or redisplay the form with an error summary when answers can't be read.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lms.page_cache import view_restrictions_exist
from lms.page_privacy import page_denial

from . import forms, services
from .models import Attempt, QuizPage
from .question_types import scoring_rules
from .selectors import attempts_left, clock, is_late, start_blocker


def _own_attempt(request, attempt_id: int) -> Attempt:
    return get_object_or_404(
        Attempt.objects.select_related("quiz"), pk=attempt_id, user=request.user
    )


def _attempt_page(request, attempt: Attempt, data=None, errors=None):
    questions = forms.attempt_form(attempt, data=data, errors=errors)
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "course": attempt.quiz.get_parent(),
        "crumb": f"Attempt {attempt.number}",
        "questions": questions,
        "scoring_rules": scoring_rules(q.type_name for q in questions),
        "errors": [q for q in questions if q.error],
        "deadline": clock(attempt.deadline) if attempt.deadline else "",
    }
    return render(request, "quizzes/attempt.html", context)


@login_required
@require_POST
def start(request, quiz_id: int):
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    if denied := page_denial(request, quiz):
        return denied
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz)
    except services.AttemptError as error:
        messages.error(request, str(error))
        return redirect(quiz.url)
    return redirect("quizzes:attempt", attempt_id=attempt.pk)


@login_required
def attempt(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if denied := page_denial(request, attempt.quiz):
        return denied
    if not attempt.is_open:
        return redirect("quizzes:result", attempt_id=attempt.pk)
    if is_late(attempt, timezone.now()):
        messages.error(
            request,
            f"Time ran out for attempt {attempt.number} at {clock(attempt.deadline)}, so it "
            "can no longer be submitted.",
        )
        return redirect(attempt.quiz.url)
    return _attempt_page(request, attempt)


@login_required
@require_POST
def submit(request, attempt_id: int):
    # Ownership is checked by the query that locks the attempt (one query, not two); the
    # rarer paths below load the attempt again for the page they show. The quiz is loaded
    # for its view restrictions only on a site where some page has one.
    if view_restrictions_exist():
        if denied := page_denial(request, _own_attempt(request, attempt_id).quiz):
            return denied
    try:
        services.attempt_submit(attempt=attempt_id, owner=request.user, data=request.POST)
    except Attempt.DoesNotExist:
        raise Http404("No such attempt.") from None
    except services.AnswerErrors as error:
        attempt = _own_attempt(request, attempt_id)
        return _attempt_page(request, attempt, data=request.POST, errors=error.errors)
    except services.AnswersRejected as error:
        messages.error(request, str(error))
        return redirect("quizzes:attempt", attempt_id=attempt_id)
    except services.AttemptClosed as error:
        messages.error(request, str(error))
        return redirect("quizzes:result", attempt_id=attempt_id)
    except services.AttemptError as error:
        messages.error(request, str(error))
        return redirect(_own_attempt(request, attempt_id).quiz.url)
    return redirect("quizzes:result", attempt_id=attempt_id)


@login_required
def result(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if denied := page_denial(request, attempt.quiz):
        return denied
    if attempt.is_open:
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    quiz = attempt.quiz
    attempts = list(Attempt.objects.filter(user=request.user, quiz=quiz))
    context = {
        "attempt": attempt,
        "quiz": quiz,
        "course": quiz.get_parent(),
        "crumb": f"Result of attempt {attempt.number}",
        "results": forms.attempt_results(attempt, review=quiz.allow_review),
        "attempts_left": attempts_left(quiz, len(attempts)),
        "can_retry": not any(a.is_open for a in attempts)
        and start_blocker(quiz, attempts, timezone.now()) is None,
    }
    return render(request, "quizzes/result.html", context)
