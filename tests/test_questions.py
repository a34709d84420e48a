"""The checking logic, tested directly: every type, right and wrong answers, bad and hostile input,
numbers as people type them, the per-learner order of options.
(The bank tools are tested in test_authoring.py.)"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from turneast import questions
from turneast.questions import CORRECT, INCORRECT, INVALID, SAVED, Question, grade, read_number, short, shown

SINGLE = Question(
    id="t.single",
    type="single",
    prompt="p",
    notebook="nb",
    thread="t",
    options=("2008", "2012", "2014"),
    answer="2012",
    feedback="Because.",
    hint="Think.",
    refs=({"excerpt": "lukin-peak"},),
)
MULTI = Question(
    id="t.multi",
    type="multiple",
    prompt="p",
    notebook="nb",
    thread="t",
    options=("Japan", "South Korea", "China"),
    answer=["Japan", "South Korea"],
    feedback="FEEDBACK-TEXT",
    refs=({"dataset": "un/unga_votes", "rows": "resolution == 'ES-11/1'"},),
)
NUM = Question(
    id="t.num",
    type="numeric",
    prompt="p",
    notebook="nb",
    thread="t",
    unit="%",
    minimum=0,
    maximum=100,
    answer={"value": 29.3, "tolerance": 0.5},
    feedback="FEEDBACK-TEXT",
)
BIG = Question(
    id="t.big",
    type="numeric",
    prompt="p",
    notebook="nb",
    thread="t",
    unit="persons",
    minimum=0,
    maximum=10000,
    answer={"value": 1234, "tolerance": 0.5},
    feedback="FEEDBACK-TEXT",
)
ORDER = Question(
    id="t.order",
    type="ordering",
    prompt="p",
    notebook="nb",
    thread="t",
    items=("beta", "gamma", "alpha"),
    answer=["alpha", "beta", "gamma"],
    feedback="FEEDBACK-TEXT",
)
MATCH = Question(
    id="t.match",
    type="matching",
    prompt="p",
    notebook="nb",
    thread="t",
    left=("x", "y"),
    right=("X", "Y", "Z"),
    answer={"x": "X", "y": "Y"},
    feedback="FEEDBACK-TEXT",
)
FREE = Question(
    id="t.free",
    type="numeric",
    prompt="p",
    notebook="nb",
    thread="t",
    unit="t",
    answer={"value": 1234, "tolerance": 0.5},
    feedback="FEEDBACK-TEXT",
)
REFLECT = Question(id="t.reflect", type="reflection", prompt="p", notebook="nb", thread="t", feedback="FEEDBACK-TEXT")
ALL = (SINGLE, MULTI, NUM, BIG, ORDER, MATCH, REFLECT)


# ---------------------------------------------------------------- contracts
def test_status_words_and_levels_are_defined_once() -> None:
    assert (CORRECT, INCORRECT, SAVED, INVALID) == ("correct", "incorrect", "saved", "invalid")
    assert questions.STATUSES == (CORRECT, INCORRECT, SAVED, INVALID)
    assert questions.LEVELS == ("recall", "apply", "analyse", "evaluate")
    assert not hasattr(questions, "Outcome") and not hasattr(questions.Grade, "correct")


def test_level_is_read_from_the_bank() -> None:
    bank_entry = {
        "id": "t.q",
        "type": "reflection",
        "prompt": "p",
        "level": "evaluate",
        "answer": None,
        "feedback": "f",
    }
    assert questions._question(bank_entry, {"thread": "t", "notebook": "nb"}).level == "evaluate"
    assert questions._question({**bank_entry, "level": 3}, {}).level == ""
    assert SINGLE.level == ""
    assert all(q.level in ("", *questions.LEVELS) for q in questions.all_questions().values())


# ---------------------------------------------------------------- right and wrong
@pytest.mark.parametrize(
    "q, response",
    [
        (SINGLE, "2012"),
        (SINGLE, "B"),
        (SINGLE, "b"),
        (SINGLE, " 2012 "),
        (SINGLE, 2012),
        (SINGLE, np.str_("B")),
        (MULTI, ["A", "B"]),
        (MULTI, ["South Korea", "Japan"]),
        (MULTI, "A, B"),
        (MULTI, {"A", "B"}),
        (MULTI, ("A", "B")),
        (MULTI, np.array(["A", "B"])),
        (MULTI, pd.Series(["Japan", "South Korea"])),
        (NUM, 29.3),
        (NUM, 29),
        (NUM, "29.6"),
        (NUM, "29.3 %"),
        (NUM, "29,5"),
        (NUM, "29,3\u202f%"),
        (NUM, np.float32(29.3)),
        (NUM, np.int64(29)),
        (NUM, Decimal("29.3")),
        (NUM, Fraction(293, 10)),
        (NUM, np.array(29.3)),
        (NUM, 29.8),
        (NUM, pd.Series([29.3])),
        (NUM, pd.array([29.3], dtype="Float64")[0]),
        (NUM, "２９.３"),
        (BIG, 1234),
        (BIG, "1234"),
        (BIG, "1 234"),
        (BIG, "1\u00a0234"),
        (BIG, "1,234.0"),
        (BIG, "1.234,0"),
        (BIG, "1234,0"),
        (ORDER, ["alpha", "beta", "gamma"]),
        (ORDER, ["C", "A", "B"]),
        (ORDER, ("C", "A", "B")),
        (ORDER, "C, A, B"),
        (MATCH, {"x": "X", "y": "B"}),
        (MATCH, {"A": "A", "B": "Y"}),
    ],
)
def test_right_answers_are_correct(q: Question, response: object) -> None:
    outcome = grade(q, response)
    assert outcome.status == CORRECT, outcome
    assert "FEEDBACK-TEXT" in outcome.details or "Because." in outcome.details


@pytest.mark.parametrize(
    "q, response, diagnosis",
    [
        (MULTI, ["A"], "Your choice is right, but there are 2 right choices in all."),
        (MULTI, ["C"], "Your choice is not one of the right ones; there are 2 right choices in all."),
        (MULTI, ["A", "C"], "1 of your 2 choices is right, and there are 2 right choices in all."),
        (MULTI, ["A", "B", "C"], "2 of your 3 choices are right, and there are 2 right choices in all."),
        (NUM, 30, "Too high."),
        (NUM, 28.7, "Too low."),
        (NUM, "2,0", "Too low."),
        (ORDER, ["alpha", "gamma", "beta"], "1 of 3 items is in the right place."),
        (ORDER, ["gamma", "alpha", "beta"], "0 of 3 items are in the right place."),
        (MATCH, {"x": "Y", "y": "Y"}, "1 of 2 pairs is right."),
        (MATCH, {"x": "Y", "y": "X"}, "0 of 2 pairs are right."),
    ],
)
def test_wrong_answers_say_what_is_wrong_without_the_key(q: Question, response: object, diagnosis: str) -> None:
    outcome = grade(q, response)
    assert outcome.status == INCORRECT
    assert outcome.details[0] == diagnosis
    assert all(q.feedback not in d for d in outcome.details)


def test_a_wrong_single_choice_points_to_the_evidence_without_the_key() -> None:
    details = grade(SINGLE, "2014").details
    assert details == ("Look again at the evidence: te.excerpt('lukin-peak').", "Hint: Think.")
    assert not any("2012" in d for d in details)
    assert "te.load('un/unga_votes') (rows where resolution == 'ES-11/1')" in grade(MULTI, ["C"]).details[1]


def test_evidence_shows_code_a_learner_can_paste() -> None:
    assert grade(SINGLE, "B").details[1] == "Evidence: excerpt 'lukin-peak' (show it with te.excerpt('lukin-peak'))."
    assert grade(MULTI, "A, B").details[1] == (
        "Evidence: dataset 'un/unga_votes', rows where resolution == 'ES-11/1' (load it with te.load('un/unga_votes'))."
    )
    for q in questions.all_questions().values():
        for line in questions.evidence(q) + [questions.look_again(q)]:
            assert "excerpt(" not in line.replace("te.excerpt(", "") and "load(" not in line.replace("te.load(", "")


def test_every_question_in_the_course_accepts_its_own_key() -> None:
    for q in questions.all_questions().values():
        if q.type == "reflection":
            assert grade(q, "My view.").status == SAVED
            continue
        assert grade(q, q.answer["value"] if q.type == "numeric" else q.answer).status == CORRECT, q.id
        if q.type == "numeric":  # typed with a decimal comma, as many learners do
            text = repr(float(q.answer["value"])).replace(".", ",")
            assert grade(q, text).status == CORRECT, (q.id, text)


_TENS = sorted(
    qid
    for qid, q in questions.all_questions().items()
    if q.type == "numeric" and q.answer["value"] >= 10 and float(q.answer["value"]) % 10 == 0
)


def test_there_are_keys_a_decimal_comma_could_fake() -> None:
    assert _TENS, "no numeric key that is a multiple of 10: the next test would test nothing"


@pytest.mark.parametrize("qid", _TENS)
def test_a_decimal_comma_is_never_read_as_a_different_number(qid: str) -> None:
    """'2,0' for a key of 20 was once read as 20 and graded correct; it is 2.0."""
    q = questions.get(qid)
    typed = f"{q.answer['value'] / 10:g},0"
    outcome = grade(q, typed)
    assert outcome.status in (INCORRECT, INVALID), (typed, outcome)  # never CORRECT
    if outcome.status == INCORRECT:
        assert outcome.response == q.answer["value"] / 10  # read as a decimal comma, not as ten times more
    else:
        assert "outside the possible range" in outcome.message and outcome.message.startswith(f"{typed[:-2]} ")


# ---------------------------------------------------------------- numbers as people type them
@pytest.mark.parametrize(
    "value, low, high, expected",
    [
        ("29,5", None, None, 29.5),
        ("2,0", None, None, 2.0),
        ("0,125", None, None, 0.125),
        ("1234,567", None, None, 1234.567),
        ("1,234.5", None, None, 1234.5),
        ("1.234,5", None, None, 1234.5),
        ("1 234,5", None, None, 1234.5),
        ("1\u202f234.5", None, None, 1234.5),
        ("1'234.5", None, None, 1234.5),
        ("1_234", None, None, 1234.0),
        ("1,234,567", None, None, 1234567.0),
        ("1.234.567", None, None, 1234567.0),
        ("12,34,567", None, None, 1234567.0),
        ("\u22123,5", None, None, -3.5),
        ("\u2212 3.5", None, None, -3.5),
        ("+4", None, None, 4.0),
        ("12 %", None, None, 12.0),
        (".5", None, None, 0.5),
        ("5.", None, None, 5.0),
        ("1e3", None, None, 1000.0),
        ("2.5E-1", None, None, 0.25),
        ("1.2345", None, None, 1.2345),
        ("0.500", None, None, 0.5),
        (np.int64(7), None, None, 7.0),
        (np.float32(0.5), None, None, 0.5),
        (np.array(2.5), None, None, 2.5),
        (pd.Series([3.0]), None, None, 3.0),
        (pd.DataFrame({"a": [4.0]}), None, None, 4.0),
        (Decimal("1.5"), None, None, 1.5),
        (Fraction(3, 4), None, None, 0.75),
        (10**20, None, None, 1e20),
        ("1,234", 0, 100, 1.234),
        ("1.500", 0, 100, 1.5),
        ("1,234", 1000, 9999, 1234.0),
        ("2,000", 0, 1000, 2.0),
    ],
)
def test_numbers_are_read_as_meant(value: object, low: float | None, high: float | None, expected: float) -> None:
    number, note = read_number(value, low, high)
    assert number == pytest.approx(expected, rel=1e-12)
    assert ("would be outside the possible range" in note) == (
        isinstance(value, str) and low is not None and value in ("1,234", "1.500", "2,000")
    )


@pytest.mark.parametrize(
    "value, words",
    [
        ("1,234", "'1,234' could mean 1234 or 1.234"),
        ("1.500", "could mean 1500 or 1.5"),
        ("-1,000", "could mean -1000 or -1"),
        ("1,2.3", "cannot|can read safely"),
        ("1,23", None),
        ("12 5", "read safely"),
        ("1 234'567", "read safely"),
        ("twelve", "'twelve' is not a number"),
        ("", "empty"),
        ("  ", "empty"),
        ("12..5", "not a number"),
        ("1e400", "far too large"),
        (10**400, "far too large (it has about 401 digits)"),
        (-(10**400), "far too large"),
        (Decimal("1e999"), "far too large"),
        (Fraction(10**400, 3), "far too large"),
        (float("inf"), "finite"),
        ("nan", "not a number"),
        (float("nan"), "finite"),
        (Decimal("NaN"), "finite"),
        (pd.NA, "missing value"),
        (np.nan, "finite"),
        (True, "True/False"),
        (np.bool_(False), "True/False"),
        (3 + 0j, "complex"),
        ([1], "A list is not"),
        (pd.Series([1.0, 2.0]), "That Series holds 2 values"),
        (np.arange(1_000_000), "holds 1000000 values"),
        (b"12", "not a number"),
        pytest.param("x" * 5_000_000, "too long to be a number", id="5MB-text"),
        ("1\udcff", "could not read|cannot be saved"),
    ],
)
def test_values_that_are_not_one_number_get_a_short_clear_message(value: object, words: str | None) -> None:
    outcome = grade(FREE, value)
    if words is None:  # '1,23' is 1.23 (a decimal comma), not refused
        assert outcome.response == 1.23
        return
    assert outcome.status == INVALID, outcome
    assert any(w.lower() in outcome.message.lower() for w in words.split("|")), outcome.message
    assert len(outcome.message) <= 250


def test_an_ambiguous_number_is_asked_about_and_never_graded() -> None:
    outcome = grade(BIG, "1,234")  # 1234 is right and 1.234 is possible: ask, do not guess
    assert outcome.status == INVALID and "type 1234 or 1.234" in outcome.message
    resolved = grade(NUM, "29,300")  # 29300 is outside 0-100: read as 29.3, and say so
    assert resolved.status == CORRECT and resolved.details[0].startswith(
        "Read '29,300' as 29.3 (29300 would be outside"
    )


def test_range_messages_work_with_one_bound() -> None:
    low_only = Question(
        id="t.low",
        type="numeric",
        prompt="p",
        notebook="nb",
        thread="t",
        unit="t",
        minimum=0,
        answer={"value": 5, "tolerance": 1},
        feedback="f",
    )
    assert grade(low_only, -3).message == "-3 is outside the possible range (at least 0 t)."
    assert grade(NUM, 1234567.5).message == "1234567.5 is outside the possible range (0 to 100 %)."


def test_the_tolerance_boundary_is_inclusive_despite_float_noise() -> None:
    assert grade(NUM, 29.8).status == CORRECT and grade(NUM, 28.8).status == CORRECT
    assert grade(NUM, 29.81).status == INCORRECT


# ---------------------------------------------------------------- bad and hostile input
class Hostile:
    """A value every one of whose methods raises."""

    def _boom(self, *_: object) -> None:
        raise RuntimeError("boom")

    __str__ = __repr__ = __iter__ = __len__ = __float__ = __index__ = __bool__ = __hash__ = _boom
    __getitem__ = __contains__ = _boom

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("eq")


class BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("repr")


class BadList(list):
    def __iter__(self):
        raise ValueError("The truth value of an array is ambiguous " * 100)


class BadDict(dict):
    def items(self):
        raise KeyError("items")


class BadFloat(float):
    def __float__(self) -> float:
        raise ArithmeticError("float")


def _deep(n: int) -> list:
    value: list = []
    for _ in range(n):
        value = [value]
    return value


@pytest.mark.parametrize(
    "q, response, words",
    [
        (NUM, "twelve", "'twelve' is not a number"),
        (NUM, "", "empty"),
        (NUM, True, "not a number"),
        (NUM, float("nan"), "finite"),
        (NUM, 250, "outside the possible range"),
        (NUM, [1], "not a number"),
        (SINGLE, None, "No answer given yet"),
        (SINGLE, "", "empty"),
        (SINGLE, 2, "should be a letter"),
        (SINGLE, "Z", "not one of the choices"),
        (MULTI, [], "at least one"),
        (MULTI, 5, "Give a list"),
        (ORDER, ["alpha", "beta"], "missing: gamma"),
        (ORDER, ["alpha", "alpha", "beta"], "exactly once"),
        (ORDER, {"C", "A", "B"}, "A set has no order"),
        (ORDER, frozenset("CAB"), "A set has no order"),
        (ORDER, {"a": 1}, "Give a list"),
        (MATCH, ["x"], "Give a dict"),
        (MATCH, {"x": "X"}, "missing: y"),
        (MATCH, {"x": "X", "y": None}, "missing: y"),
        (MATCH, {"x": "X", "A": "Y"}, "matched twice"),
        (MATCH, {"q": "X", "y": "Y"}, "not one of the choices"),
        (REFLECT, "   ", "empty"),
        (REFLECT, 42, "text in quotes"),
        pytest.param(REFLECT, "x" * 6000, "under 5000", id="6000-chars"),
        (REFLECT, "I think \udcff so.", "Could not read your answer"),
        (SINGLE, "\ud800", "Could not read your answer"),
        (MULTI, _deep(5000), "should be a letter"),
        (ORDER, _deep(100_000), "should be a letter"),
        (NUM, _deep(5000), "not a number"),
        (MATCH, {"x": _deep(5000), "y": "Y"}, "should be a letter"),
        (MULTI, list(range(10**6)), "has 1000000 entries"),
        (MULTI, BadList(["A"]), "Could not read your answer"),
        (MATCH, BadDict(x="X"), "Could not read your answer"),
        (NUM, BadFloat(2.0), "Could not read your answer"),
    ],
)
def test_bad_input_gives_a_clear_message_not_an_exception(q: Question, response: object, words: str) -> None:
    outcome = grade(q, response)
    assert outcome.status == INVALID
    assert words in outcome.message, outcome.message
    assert len(outcome.message) <= 250
    outcome.message.encode("utf-8")  # no lone surrogate can reach the notebook


@pytest.mark.parametrize("q", ALL)
def test_objects_whose_methods_raise_are_could_not_read(q: Question) -> None:
    outcome = grade(q, Hostile())
    assert outcome.status == INVALID
    if q.type in ("multiple", "numeric", "ordering"):  # these look inside the value
        assert outcome.message.startswith("Could not read your answer"), outcome.message
    assert len(outcome.message) <= 250 and len(repr(outcome)) < 1000


@pytest.mark.parametrize("q", ALL)
def test_huge_inputs_are_never_echoed_whole(q: Question) -> None:
    for value in ("Z" * 5_000_000, ["Z" * 1_000_000] * 3, {"Z" * 1_000_000: "y"}, np.zeros(2_000_000)):
        outcome = grade(q, value)
        assert outcome.status == INVALID
        assert len(outcome.message) <= 250 and all(len(d) <= 250 for d in outcome.details)


def test_reflection_is_saved_not_graded() -> None:
    outcome = grade(REFLECT, "  I expect little.  ")
    assert outcome.status == SAVED and outcome.response == "I expect little."


def test_a_damaged_key_is_reported_not_raised() -> None:
    broken = Question(
        id="t.broken", type="numeric", prompt="p", notebook="nb", thread="t", answer={"value": 1}, feedback="f"
    )
    outcome = grade(broken, 1)
    assert outcome.status == INVALID and "answer key could not be used" in outcome.message


# ---------------------------------------------------------------- previews
@pytest.mark.parametrize(
    "make",
    [
        lambda: "x" * 5_000_000,
        lambda: 10**100_000,
        Hostile,
        lambda: _deep(100_000),
        lambda: np.arange(10**6),
        lambda: pd.Series(range(1000)),
        lambda: {"k" * 10**6: "v"},
        lambda: "a\udcffb",
        lambda: b"\xff" * 10**6,
        lambda: "line\n" * 10**5,
        lambda: [Hostile()],
        lambda: {BadRepr(): Hostile()},
    ],
    ids=[
        "5MB-text",
        "huge-int",
        "hostile",
        "deep",
        "array",
        "series",
        "dict",
        "surrogate",
        "bytes",
        "lines",
        "list-of-hostile",
        "dict-of-hostile",
    ],
)
def test_short_never_raises_and_never_exceeds_its_limit(make: object) -> None:
    value = make()  # type: ignore[operator]
    for limit in (1, 20, 200):
        text = short(value, limit)
        assert isinstance(text, str) and len(text) <= limit
        text.encode("utf-8")
    assert short("twelve") == "twelve" and short([1, 2]) == "[1, 2]" and short("a\udcffb") == "a\\udcffb"
    assert short("x" * 300).endswith("…") and len(short("x" * 300)) == 200


# ---------------------------------------------------------------- the order each learner sees
def test_shown_is_stable_per_learner_and_differs_between_learners(monkeypatch) -> None:
    monkeypatch.delenv("TURNEAST_FIXED_ORDER", raising=False)
    q = questions.get("start.unfriendly") if "start.unfriendly" in questions.all_questions() else MULTI
    first = shown(q, "learner-1")
    assert shown(q, "learner-1") == first
    assert sorted(first.options) == sorted(q.options)
    orders = {shown(q, f"learner-{n}").options for n in range(40)}
    assert len(orders) > 1
    assert shown(q, None) is q


def test_fixed_order_gives_bank_order(monkeypatch) -> None:
    monkeypatch.setenv("TURNEAST_FIXED_ORDER", "1")
    assert shown(MATCH, "someone") is MATCH
    assert os.environ.get("TURNEAST_FIXED_ORDER") == "1"


def test_an_ordering_question_is_never_shown_in_the_right_order(monkeypatch) -> None:
    monkeypatch.delenv("TURNEAST_FIXED_ORDER", raising=False)
    seen = {shown(ORDER, f"id{n}").items for n in range(300)}
    assert tuple(ORDER.answer) not in seen and len(seen) == 5  # every other order of three items occurs
    for q in questions.all_questions().values():
        if q.type == "ordering":
            assert all(list(shown(q, f"id{n}").items) != q.answer for n in range(50)), q.id


def test_letters_refer_to_the_order_the_learner_saw(monkeypatch) -> None:
    monkeypatch.delenv("TURNEAST_FIXED_ORDER", raising=False)
    for n in range(20):
        mine = shown(MATCH, f"id{n}")
        letters = {left: questions.LETTERS[mine.right.index(right)] for left, right in MATCH.answer.items()}
        assert grade(mine, letters).status == CORRECT
        single = shown(SINGLE, f"id{n}")
        assert grade(single, questions.LETTERS[single.options.index("2012")]).status == CORRECT


# ---------------------------------------------------------------- banks
def test_seal_round_trip_hides_the_key() -> None:
    secret = {"answer": "2012", "feedback": "APEC in Vladivostok"}
    blob = questions.seal("t.single", secret)
    assert "2012" not in blob and "APEC" not in blob
    assert questions.unseal("t.single", blob) == secret
    with pytest.raises(questions.BankError, match="damaged"):
        questions.unseal("t.single", blob[:-8] + "AAAAAAA=")


def test_sealed_with_another_id_does_not_open() -> None:
    blob = questions.seal("a.one", {"answer": 1, "feedback": ""})
    with pytest.raises(questions.BankError):
        questions.unseal("a.two", blob)


def test_no_bank_holds_a_readable_key() -> None:
    for path in questions.bank_paths():
        raw = json.loads(path.read_text(encoding="utf-8"))
        for q in raw["questions"]:
            assert set(q) & {"answer", "feedback"} == set(), (path, q["id"])


@pytest.mark.parametrize(
    "content, words",
    [
        (None, "is missing"),
        ("{", "is not valid JSON (line 1"),
        ("[1]", "must hold an object"),
        ("[" * 5000, "nested more"),
    ],
)
def test_a_damaged_bank_gives_a_clear_bank_error(tmp_path, content: str | None, words: str) -> None:
    path = tmp_path / "questions.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(questions.BankError) as error:
        questions.read_bank(path)
    assert str(error.value).startswith(f"Question bank {path} ") and words in str(error.value)
    assert str(error.value).endswith(f"Restore it with: git checkout -- {path}")
