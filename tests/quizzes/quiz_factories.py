"""Builders for quiz tests: a question of every type, quizzes in a course, and posted answers.

Feedback strings and weights are distinctive (``SECRET_MARKERS``) so a test can prove none of
them reaches the page a learner answers on.
"""

from decimal import Decimal

from courses.services import enrollment_create
from quizzes.models import QuizPage, QuizQuestion
from quizzes.question_types.base import field_prefix
from quizzes.question_types.matching import choice_texts
from quizzes.services import question_create

DEFINITIONS = {
    "single_choice": {
        "text": "<p>Which caption states the image's provenance?</p>",
        "options": [
            {
                "text": "Made with a diffusion model, reviewed by the desk",
                "correct": True,
                "feedback": "FB-SC-RIGHT-qzx",
            },
            {"text": "A stunning photo", "correct": False, "feedback": "FB-SC-WRONG-qzx"},
            {"text": "Stock image", "correct": False, "feedback": "FB-SC-WRONG2-qzx"},
        ],
    },
    "multiple_response": {
        "text": "<p>Which signs suggest a generated portrait?</p>",
        "options": [
            {"text": "Mismatched earrings", "weight": 50.0, "feedback": "FB-MR-A-qzx"},
            {"text": "Garbled background text", "weight": 50.0, "feedback": "FB-MR-B-qzx"},
            {"text": "A signed model release", "weight": -37.5, "feedback": "FB-MR-C-qzx"},
        ],
    },
    "true_false": {
        "text": "<p>Alt text can say an image is AI-generated.</p>",
        "answer": True,
        "feedback_true": "FB-TF-TRUE-qzx",
        "feedback_false": "FB-TF-FALSE-qzx",
    },
    "matching": {
        "text": "<p>Match each problem to its kind.</p>",
        "pairs": [
            {"prompt": "Only men shown as surgeons", "answer": "Representation bias"},
            {"prompt": "An invented statistic", "answer": "Hallucination"},
            {"prompt": "A real logo on a fake product", "answer": "Trademark misuse"},
        ],
        "distractors": ["Compression artefact"],
    },
    "ordering": {
        "text": "<p>Put the review steps in order.</p>",
        "items": ["Check provenance", "Check representation", "Check claims", "Disclose"],
    },
    "short_answer": {
        "text": "<p>What does C2PA attach to a file?</p>",
        "answers": [
            {"text": "content credentials", "weight": 100.0, "feedback": "FB-SA-FULL-qzx"},
            {"text": "*manifest*", "weight": 62.5, "feedback": "FB-SA-PART-qzx"},
        ],
    },
    "numerical": {
        "text": "<p>How many fingers should the hand have?</p>",
        "answers": [
            {
                "kind": "tolerance",
                "value": 5.0,
                "tolerance": 0.0,
                "min": None,
                "max": None,
                "weight": 100.0,
                "feedback": "FB-NUM-EXACT-qzx",
            },
            {
                "kind": "range",
                "value": None,
                "tolerance": None,
                "min": 4.0,
                "max": 6.0,
                "weight": 12.5,
                "feedback": "FB-NUM-NEAR-qzx",
            },
        ],
    },
    "essay": {
        "text": "<p>Explain how you would brief a reviewer.</p>",
        "rubric": "<p>RUBRIC-ESSAY-qzx</p>",
    },
    "scenario": {
        "artefact": {
            "kind": "text",
            "text": "Our new campaign features real customers.",
            "image": None,
            "alt_text": "",
            "disclosure": {
                "involvement": "ai_generated",
                "tool": "ImageGen 4",
                "reviewer": "Sam Editor",
            },
        },
        "text": "<p>Spot the issue with this copy.</p>",
        "multiple": False,
        "options": [
            {
                "text": "It claims generated people are real customers",
                "weight": 100.0,
                "feedback": "FB-SCN-RIGHT-qzx",
            },
            {"text": "It is too short", "weight": 0.0, "feedback": "FB-SCN-WRONG-qzx"},
            {"text": "It names the tool", "weight": -25.0, "feedback": "FB-SCN-NEG-qzx"},
        ],
    },
}

# Nothing graded may reach the answering page: feedback, rubrics, weights.
SECRET_MARKERS = ["qzx", "RUBRIC", "37.5", "62.5", "12.5", "-25", "correct", "weight"]


def make_question(type_name: str, title: str = "", definition: dict | None = None, **fields):
    return question_create(
        title=title or f"A {type_name} question",
        type_name=type_name,
        definition=definition or DEFINITIONS[type_name],
        general_feedback=fields.pop("general_feedback", f"<p>GENERAL-{type_name}-qzx</p>"),
        **fields,
    )


def make_quiz(course, questions, *, title="Check your eye", slug=None, **fields) -> QuizPage:
    """A published quiz under ``course`` asking ``questions`` (one point each, in order).

    Questions in no course's bank join ``course``'s, as a quiz asks only its course's."""
    fields.setdefault("shuffle_options", False)
    quiz = QuizPage(title=title, slug=slug or title.lower().replace(" ", "-"), **fields)
    course.add_child(instance=quiz)
    for order, question in enumerate(questions):
        if question.course_id is None:
            question.course = course
            question.save(update_fields=["course"])
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=order, points=1)
    quiz.save_revision().publish()
    return QuizPage.objects.get(pk=quiz.pk)


def every_type_bank() -> list:
    return [make_question(name) for name in DEFINITIONS]


def enrol(user, course):
    return enrollment_create(user=user, course=course)


def answer_for(aq, *, right: bool = True) -> dict:
    """POST data answering one attempt question all right (or all wrong)."""
    definition, order = aq.version.definition, aq.option_order
    prefix, kind = field_prefix(aq.position), aq.version.type_name
    if kind in {"single_choice", "multiple_response", "scenario"}:
        options = definition["options"]

        def worth(option):
            if kind == "single_choice":
                return 1 if option["correct"] else 0
            return option["weight"]

        best = max(worth(o) for o in options)
        multiple = kind == "multiple_response" or definition.get("multiple")
        if not right:
            chosen = [next(i for i, o in enumerate(options) if worth(o) <= 0)]
        elif multiple:
            chosen = [i for i, o in enumerate(options) if worth(o) > 0]
        else:
            chosen = [next(i for i, o in enumerate(options) if worth(o) == best)]
        return {prefix: [str(order.index(index)) for index in chosen]}
    if kind == "true_false":
        return {prefix: "true" if definition["answer"] == right else "false"}
    if kind == "matching":
        texts = [choice_texts(definition)[i] for i in order["choices"]]
        data = {}
        for position, pair_index in enumerate(order["prompts"]):
            answer = definition["pairs"][pair_index]["answer"]
            if not right:
                answer = next(t for t in texts if t != answer)
            data[f"{prefix}-p{position}"] = str(texts.index(answer))
        return data
    if kind == "ordering":
        count = len(order)
        return {
            f"{prefix}-i{position}": str(index + 1 if right else (index + 1) % count + 1)
            for position, index in enumerate(order)
        }
    if kind == "short_answer":
        full = next(a for a in definition["answers"] if a["weight"] >= 100)
        return {prefix: full["text"].replace("*", "x") if right else "no idea at all"}
    if kind == "numerical":
        full = next(a for a in definition["answers"] if a["weight"] >= 100)
        value = full["value"] if full["kind"] == "tolerance" else full["min"]
        return {prefix: str(value) if right else "-999"}
    if kind == "essay":
        return {prefix: "I would brief them on provenance, representation and claims."}
    raise AssertionError(f"no answer builder for {kind}")


def answers_for(attempt, *, right: bool = True) -> dict:
    data = {}
    for aq in attempt.questions.select_related("version").order_by("position"):
        data.update(answer_for(aq, right=right))
    return data


def points(value) -> Decimal:
    return Decimal(str(value))
