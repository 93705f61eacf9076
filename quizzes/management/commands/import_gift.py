"""``manage.py import_gift PATH [--quiz PAGE_ID] [--dry-run] [--json] [--skip-invalid]``.

Imports a Moodle GIFT file into a quiz and its course's question bank when ``--quiz`` is given
(never changing a question of another course's bank), otherwise into the admins' bank.
All or nothing: one bad question imports nothing, unless ``--skip-invalid`` (then each skipped
question is reported on stderr). Bad input exits with status 2 and says, on stderr, which
line is wrong and what was expected. ``--dry-run --json`` prints the parsed questions as JSON
(the parser's own shape, one object per item in file order) and writes nothing; ``--json``
alone prints the import report as JSON.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.gift_import import GiftImportError, gift_import, gift_plan
from quizzes.models import QuizPage

BAD_INPUT = 2


class Command(BaseCommand):
    help = "Import a Moodle GIFT file into the question bank (and a quiz)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The GIFT file (UTF-8).")
        parser.add_argument("--quiz", type=int, metavar="PAGE_ID", help="Add them to this quiz.")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument("--json", action="store_true", help="Print JSON, not a summary.")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid questions and report the others, instead of importing none.",
        )

    def handle(self, *args, **options):
        try:
            data = Path(options["path"]).read_bytes()
        except OSError as error:
            message = f"can't read {options['path']}: {error.strerror}"
            raise CommandError(message, returncode=BAD_INPUT) from None
        quiz = None
        if options["quiz"] is not None:
            quiz = QuizPage.objects.filter(pk=options["quiz"]).first()
            if quiz is None:
                raise CommandError(f"no quiz with page id {options['quiz']}", returncode=BAD_INPUT)
        try:
            plan = gift_plan(data)
            if plan.problems and not options["skip_invalid"]:
                raise GiftImportError(plan.problems)
            for problem in plan.problems:
                self.stderr.write(f"Skipped {problem}")
            if options["dry_run"] and options["json"]:
                payload = [question.to_json() for question in plan.parsed]
                self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
                return
            report = gift_import(
                data=data,
                quiz=quiz,
                actor=None,
                skip_invalid=options["skip_invalid"],
                dry_run=options["dry_run"],
            )
        except GiftImportError as error:
            for problem in error.problems[1:]:
                self.stderr.write(str(problem))
            raise CommandError(str(error.problems[0]), returncode=BAD_INPUT) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report.summary())
