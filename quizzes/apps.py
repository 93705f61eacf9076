from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self):
        # "Your quizzes" on the learner dashboard, through courses' extension point.
        from . import dashboard  # noqa: F401
