"""The checking logic, tested directly: every type, right and wrong answers, and bad input."""
from __future__ import annotations

import json

import pytest

from turneast import questions
from turneast.questions import Question, grade

SINGLE = Question(id="t.single", type="single", prompt="p", notebook="nb", thread="t",
                  options=("2008", "2012", "2014"), answer="2012", feedback="Because.", hint="Think.",
                  refs=({"excerpt": "lukin-peak"},))
MULTI = Question(id="t.multi", type="multiple", prompt="p", notebook="nb", thread="t",
                 options=("Japan", "South Korea", "China"), answer=["Japan", "South Korea"], feedback="FEEDBACK-TEXT")
NUM = Question(id="t.num", type="numeric", prompt="p", notebook="nb", thread="t", unit="%", minimum=0, maximum=100,
               answer={"value": 29.3, "tolerance": 0.5}, feedback="FEEDBACK-TEXT")
ORDER = Question(id="t.order", type="ordering", prompt="p", notebook="nb", thread="t",
                 items=("beta", "gamma", "alpha"), answer=["alpha", "beta", "gamma"], feedback="FEEDBACK-TEXT")
MATCH = Question(id="t.match", type="matching", prompt="p", notebook="nb", thread="t",
                 left=("x", "y"), right=("X", "Y", "Z"), answer={"x": "X", "y": "Y"}, feedback="FEEDBACK-TEXT")
REFLECT = Question(id="t.reflect", type="reflection", prompt="p", notebook="nb", thread="t", feedback="FEEDBACK-TEXT")


@pytest.mark.parametrize("q, response", [
    (SINGLE, "2012"), (SINGLE, "B"), (SINGLE, "b"), (SINGLE, " 2012 "),
    (MULTI, ["A", "B"]), (MULTI, ["South Korea", "Japan"]), (MULTI, "A, B"),
    (NUM, 29.3), (NUM, 29), (NUM, "29.6"), (NUM, "29.3 %"),
    (ORDER, ["alpha", "beta", "gamma"]), (ORDER, ["C", "A", "B"]),
    (MATCH, {"x": "X", "y": "B"}), (MATCH, {"A": "A", "B": "Y"}),
])
def test_right_answers_are_correct(q: Question, response: object) -> None:
    outcome = grade(q, response)
    assert outcome.status == "correct", outcome
    assert outcome.details[0] == "FEEDBACK-TEXT" or outcome.details[0] == "Because."


@pytest.mark.parametrize("q, response, diagnosis", [
    (SINGLE, "A", ""),
    (MULTI, ["A"], "1 of your 1 choices are right, and there are 2 right choices in all."),
    (MULTI, ["A", "B", "C"], "2 of your 3 choices are right, and there are 2 right choices in all."),
    (NUM, 30, "Too high."),
    (NUM, 28.7, "Too low."),
    (ORDER, ["alpha", "gamma", "beta"], "1 of 3 items are in the right place."),
    (MATCH, {"x": "Y", "y": "Y"}, "1 of 2 pairs are right."),
])
def test_wrong_answers_say_what_is_wrong_without_the_key(q: Question, response: object, diagnosis: str) -> None:
    outcome = grade(q, response)
    assert outcome.status == "incorrect"
    if diagnosis:
        assert outcome.details[0] == diagnosis
    assert all(q.feedback not in d for d in outcome.details)


def test_wrong_single_answer_shows_the_hint() -> None:
    assert grade(SINGLE, "2014").details == ("Hint: Think.",)


@pytest.mark.parametrize("q, response, words", [
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
    (MATCH, ["x"], "Give a dict"),
    (MATCH, {"x": "X"}, "missing: y"),
    (MATCH, {"q": "X", "y": "Y"}, "not one of the choices"),
    (REFLECT, "   ", "empty"),
    (REFLECT, 42, "text in quotes"),
    (REFLECT, "x" * 6000, "under 5000"),
])
def test_bad_input_gives_a_clear_message_not_an_exception(q: Question, response: object, words: str) -> None:
    outcome = grade(q, response)
    assert outcome.status == "invalid"
    assert words in outcome.message


def test_reflection_is_saved_not_graded() -> None:
    outcome = grade(REFLECT, "  I expect little.  ")
    assert outcome.status == "saved" and outcome.response == "I expect little."


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
