"""Announcements other apps subscribe to. ``courses`` never imports its subscribers.

``course_completed`` is sent synchronously inside the transaction that records the
completion, so a subscriber's rows (e.g. a pending credential) commit or roll back with it.
Receivers must not swallow their own errors: an exception aborts the completion.
"""

from django.dispatch import Signal

# kwargs: completion (CourseCompletion)
course_completed = Signal()
