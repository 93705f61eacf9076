"""Shared Hypothesis settings and mutators for the bad-input tests.

Reproducible in CI (``derandomize``, no example database written into the checkout) and
bounded: a test takes its ``max_examples`` and no more, with no per-example deadline (the
2-core CI box is noisy; timings belong in bench/).
"""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fuzz(max_examples: int) -> settings:
    """``FUZZ`` with fewer examples, for tests that touch the database on each one."""
    return settings(FUZZ, max_examples=max_examples)


@st.composite
def mutated(draw, corpus: list[str], specials: str):
    """One of ``corpus``, changed by up to six random edits biased toward ``specials``."""
    text = draw(st.sampled_from(corpus))
    payload = st.one_of(
        st.text(alphabet=specials, min_size=1, max_size=6),
        st.text(min_size=1, max_size=6),
    )
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "truncate"]))
        length = draw(st.integers(1, 40))
        if kind == "insert":
            text = text[:at] + draw(payload) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + length :]
        elif kind == "replace":
            text = text[:at] + draw(payload) + text[at + length :]
        elif kind == "duplicate":
            text = text[:at] + text[at : at + length] * 2 + text[at + length :]
        else:
            text = text[:at]
    return text
