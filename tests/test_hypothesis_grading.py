"""Property tests: grading any Python value never raises, never lies, and what it grades can always be saved."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from turneast import questions, store
from turneast.questions import CORRECT, INCORRECT, INVALID, SAVED, STATUSES, Question, grade, shown

settings.register_profile(
    "turneast", max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("turneast")

BANK = sorted(questions.all_questions().values(), key=lambda q: q.id)
TEST_QUESTIONS = [
    Question(id="h.single", type="single", prompt="p", notebook="nb", thread="t", options=("2008", "2012", "A, B"),
             answer="2012", feedback="f", refs=({"excerpt": "x"},)),
    Question(id="h.multi", type="multiple", prompt="p", notebook="nb", thread="t", options=("x", "y", "z"),
             answer=["x", "z"], feedback="f"),
    Question(id="h.num", type="numeric", prompt="p", notebook="nb", thread="t", unit="%", minimum=-100, maximum=1000,
             answer={"value": 29.54, "tolerance": 0.5}, feedback="f"),
    Question(id="h.order", type="ordering", prompt="p", notebook="nb", thread="t", items=("c", "a", "b"),
             answer=["a", "b", "c"], feedback="f"),
    Question(id="h.match", type="matching", prompt="p", notebook="nb", thread="t", left=("l1", "l2"),
             right=("r1", "r2", "r3"), answer={"l1": "r2", "l2": "r1"}, feedback="f"),
    Question(id="h.reflect", type="reflection", prompt="p", notebook="nb", thread="t", feedback="f"),
]  # fmt: skip


class Raises:
    """A value one of whose methods raises (which one is drawn)."""

    def __init__(self, method: str) -> None:
        self.method = method

    def _maybe(self, name: str) -> None:
        if self.method == name:
            raise RuntimeError(name)

    def __repr__(self) -> str:
        self._maybe("repr")
        return "Raises()"

    def __str__(self) -> str:
        self._maybe("str")
        return "raises"

    def __eq__(self, other: object) -> bool:
        self._maybe("eq")
        return False

    __hash__ = object.__hash__

    def __iter__(self):
        self._maybe("iter")
        return iter(["A"])

    def __len__(self) -> int:
        self._maybe("len")
        return 1

    def __float__(self) -> float:
        self._maybe("float")
        return 1.0


def words_of(q: Question) -> list[str]:
    """Texts a learner would plausibly type for this question (so that values hit the key sometimes)."""
    return [*q.options, *q.items, *q.left, *q.right, "A", "b", "C", "2,0", "29,5", "1,234", "29.54", "−3"]


def scalars(q: Question) -> st.SearchStrategy[object]:
    texts = st.text(alphabet=st.characters(exclude_categories=()), max_size=30)
    return st.one_of(
        st.none(), st.just(...), st.booleans(), st.integers(), st.integers(-(10**500), 10**500),
        st.floats(), st.decimals(), st.fractions(), st.complex_numbers(), texts, st.binary(max_size=20),
        st.sampled_from(words_of(q)), st.builds(Raises, st.sampled_from(["repr", "str", "eq", "iter", "len", "float"])),
        st.sampled_from([np.int64(29), np.float32(29.5), np.array(29.54), np.bool_(True), pd.NA, np.nan, Decimal("NaN"),
                         pd.Series([29.54]), pd.Series([1.0, 2.0]), np.array(["A", "C"]), pd.Series(["x", "z"])]),
    )  # fmt: skip


def values(q: Question) -> st.SearchStrategy[object]:
    """Any value: scalars, and lists, tuples, sets and dicts of them, nested."""
    return st.recursive(
        scalars(q),
        lambda inner: st.one_of(
            st.lists(inner, max_size=6),
            st.lists(inner, max_size=6).map(tuple),
            st.frozensets(st.sampled_from(words_of(q)), max_size=6),
            st.sets(st.sampled_from(words_of(q)), max_size=6),
            st.dictionaries(st.sampled_from(words_of(q)) | st.text(max_size=5), inner, max_size=5),
        ),
        max_leaves=12,
    )


def plausible(q: Question) -> st.SearchStrategy[object]:
    """Answers a learner might really give: right, nearly right and wrong, typed in several ways."""
    letters = list(questions.LETTERS[: max(len(q.options), len(q.items), len(q.right), 1)])
    if q.type == "single":
        return st.sampled_from([*q.options, *letters, *(o.upper() for o in q.options)])
    if q.type == "multiple":
        return st.lists(st.sampled_from([*q.options, *letters]), max_size=len(q.options) + 1) | st.sets(
            st.sampled_from(q.options)
        ).map(lambda chosen: ", ".join(sorted(chosen)))
    if q.type == "numeric":
        key, tol = float(q.answer["value"]), float(q.answer["tolerance"])
        near = st.floats(key - 3 * tol, key + 3 * tol, allow_nan=False)
        return st.one_of(
            near, near.map(lambda x: f"{x:.2f}".replace(".", ",")), near.map(lambda x: f"{x:.3f}"),
            near.map(lambda x: f"{x:.1f} %"), near.map(lambda x: f"{x:,.3f}"), near.map(lambda x: np.float32(x)),
        )  # fmt: skip
    if q.type == "ordering":
        return st.permutations(q.items) | st.permutations(letters)
    if q.type == "matching":
        return st.fixed_dictionaries({left: st.sampled_from([*q.right, *letters]) for left in q.left})
    return st.text(max_size=200)


_VALUES: dict[str, st.SearchStrategy[object]] = {}  # built once per question: building strategies is slow


def _values_for(q: Question) -> st.SearchStrategy[tuple[Question, object]]:
    if q.id not in _VALUES:
        _VALUES[q.id] = st.tuples(st.just(q), st.one_of(plausible(q), plausible(q), values(q)))
    return _VALUES[q.id]


def question_and_value() -> st.SearchStrategy[tuple[Question, object]]:
    return st.sampled_from(TEST_QUESTIONS + BANK).flatmap(_values_for)


def _safe_text(text: str, limit: int) -> None:
    assert isinstance(text, str) and len(text) <= limit
    text.encode("utf-8")  # nothing that could break a notebook's output


@given(question_and_value())
def test_grading_any_value_never_raises_and_always_says_something_short(case: tuple[Question, object]) -> None:
    q, value = case
    g = grade(q, value)
    assert g.status in STATUSES and g.qid == q.id
    _safe_text(g.message, 300)
    for line in g.details:
        _safe_text(line, 2000)
    assert len(repr(g)) < 5000


@given(question_and_value())
def test_whatever_is_graded_can_be_saved_and_grades_the_same_again(case: tuple[Question, object]) -> None:
    q, value = case
    g = grade(q, value)
    if g.status == INVALID:
        return
    attempt = {"qid": q.id, "notebook": q.notebook, "response": g.response, "status": g.status, "time": "t"}
    assert store._valid_attempt(attempt), attempt  # the progress file can hold it ...
    assert json.loads(json.dumps(g.response)) == g.response  # ... as plain JSON
    again = grade(q, g.response)  # the saved form is a canonical answer: same verdict when read back
    assert (again.status, again.response) == (g.status, g.response)


@given(question_and_value())
def test_a_correct_grade_is_never_a_lie(case: tuple[Question, object]) -> None:
    q, value = case
    g = grade(q, value)
    if g.status != CORRECT:
        assert g.status in (INCORRECT, INVALID, SAVED)
        return
    if q.type == "numeric":
        assert abs(g.response - q.answer["value"]) <= q.answer["tolerance"] + 1e-6
        if isinstance(value, str) and not g.details[0].startswith("Read '"):
            assert len(questions._readings(value)) == 1  # text graded correct could mean only that number
    elif q.type == "multiple":
        assert set(g.response) == set(q.answer)
    else:
        assert g.response == q.answer


@given(st.sampled_from(TEST_QUESTIONS + BANK), st.text(min_size=1, max_size=20))
def test_the_order_a_learner_sees_still_grades_the_key_as_correct(q: Question, learner: str) -> None:
    import os

    os.environ.pop("TURNEAST_FIXED_ORDER", None)
    try:
        mine = shown(q, learner)
        assert sorted(mine.options) == sorted(q.options) and sorted(mine.right) == sorted(q.right)
        assert sorted(mine.items) == sorted(q.items)
        if q.type == "ordering":
            assert list(mine.items) != q.answer
        if q.type in ("single", "multiple", "ordering", "matching"):
            assert grade(mine, q.answer).status == CORRECT
        if q.type == "single":
            letter = questions.LETTERS[mine.options.index(q.answer)]
            assert grade(mine, letter).status == CORRECT
    finally:
        os.environ["TURNEAST_FIXED_ORDER"] = "1"
