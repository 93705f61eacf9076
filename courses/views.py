"""Learner actions: enrol, withdraw, complete a step, the dashboard and the xAPI export.

Views stay thin: they check the method, the object and the page's view restrictions (as
Wagtail would serve the page), call a service, and redirect.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page

from lms.page_privacy import page_denial
from lms.sites import uses_wagtail_site

from . import dashboard as dashboard_queries
from . import services, xapi
from .models import CoursePage, Enrollment


def _live_course(course_id: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live(), pk=course_id)


@login_required
@require_POST
def enrol(request, course_id: int):
    course = _live_course(course_id)
    if denied := page_denial(request, course):
        return denied
    try:
        services.enrollment_create(user=request.user, course=course)
    except services.EnrollmentError as error:
        messages.error(request, str(error))
        return redirect(course.url)
    messages.success(request, f"You are enrolled in “{course.title}”.")
    return redirect(course.url)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, course_id: int):
    course = _live_course(course_id)
    enrollment = get_object_or_404(Enrollment.objects.active(), user=request.user, course=course)
    if denied := page_denial(request, course):
        return denied
    if request.method == "POST":
        services.enrollment_withdraw(enrollment=enrollment)
        messages.success(
            request,
            f"You have left “{course.title}”. Your progress is kept if you enrol again.",
        )
        return redirect("courses:dashboard")
    return render(request, "courses/withdraw_confirm.html", {"course": course})


@login_required
@require_POST
def complete_step(request, step_id: int):
    step = get_object_or_404(Page.objects.live(), pk=step_id).specific
    if not getattr(step, "learner_can_mark_complete", False):
        raise Http404("This step can't be marked complete by hand.")
    if denied := page_denial(request, step):
        return denied
    try:
        services.step_complete(user=request.user, step=step)
    except services.StepError as error:
        messages.error(request, str(error))
        return redirect(step.url)
    course = step.get_parent().specific
    from .progress import course_progress, enrollment_for

    progress = course_progress(course, enrollment_for(request.user, course), request=request)
    if progress.complete:
        messages.success(request, f"You have completed “{course.title}”. Well done.")
        return redirect(course.url)
    messages.success(request, f"“{step.title}” is marked as done.")
    return redirect(progress.next_step.url if progress.next_step else course.url)


@login_required
@uses_wagtail_site
def dashboard(request):
    context = dashboard_queries.dashboard_context(request.user)
    return render(request, "courses/dashboard.html", context)


@login_required
def learning_record_export(request):
    """The learner's own record as xAPI statements (JSON download)."""
    statements = xapi.statements_for(request.user)
    response = HttpResponse(
        json.dumps(statements, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="lineage-learning-record.json"'
    return response
