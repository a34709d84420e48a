"""Property tests: numbers as people type them are read as meant, or asked about, never read as another number."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from turneast.questions import AnswerError, read_number

settings.register_profile(
    "turneast", max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("turneast")


def _group(digits: str, size: int = 3) -> list[str]:
    """'1234567' -> ['1', '234', '567']."""
    head = len(digits) % size or size
    return [digits[:head]] + [digits[i : i + size] for i in range(head, len(digits), size)]


def _indian(digits: str) -> list[str]:
    """'1234567' -> ['12', '34', '567'] (lakh and crore grouping)."""
    if len(digits) <= 3:
        return [digits]
    return _group(digits[:-3], 2) + [digits[-3:]]


STYLES = {  # how people write a number: (group separator, decimal separator, grouping)
    "python": ("", ".", _group),
    "english": (",", ".", _group),
    "european": (".", ",", _group),
    "decimal comma": ("", ",", _group),
    "french/russian (thin space)": ("\u202f", ",", _group),
    "no-break space": ("\u00a0", ",", _group),
    "swiss": ("'", ".", _group),
    "indian": (",", ".", _indian),
}


def write(value: Decimal, places: int, style: str, minus: str = "-", percent: str = "") -> str:
    """value with `places` decimals, written the way `style` writes numbers."""
    sep, point, grouping = STYLES[style]
    text = f"{abs(value):.{places}f}"
    whole, _, frac = text.partition(".")
    body = sep.join(grouping(whole)) if sep else whole
    return ("" if value >= 0 else minus) + body + (point + frac if places else "") + percent


numbers = st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False, allow_infinity=False)


@given(
    numbers,
    st.integers(0, 4),
    st.sampled_from(sorted(STYLES)),
    st.sampled_from(["-", "\u2212"]),
    st.sampled_from(["", "%", " %"]),
    st.one_of(st.none(), st.decimals(-(10**10), 10**10, places=2, allow_nan=False)),
    st.one_of(st.none(), st.decimals(-(10**10), 10**10, places=2, allow_nan=False)),
)
def test_a_written_number_is_read_as_meant_or_asked_about(
    value: Decimal, places: int, style: str, minus: str, percent: str, low: Decimal | None, high: Decimal | None
) -> None:
    meant = float(round(value, places))
    lo = None if low is None else min(float(low), meant)  # the question's range always holds the number meant
    hi = None if high is None else max(float(high), meant)
    text = write(value, places, style, minus, percent)
    try:
        number, note = read_number(text, lo, hi)
    except AnswerError as exc:
        assert "could mean" in str(exc), (text, str(exc))  # a question back, never a refusal of a plain number
        return
    assert number == meant, (text, number, meant)
    assert not note or note.startswith(f"Read '{text}' as ")


@given(numbers, st.integers(0, 4), st.sampled_from(sorted(STYLES)))
def test_without_an_ambiguous_separator_a_number_is_always_read(value: Decimal, places: int, style: str) -> None:
    text = write(value, places, style)
    seps = [c for c in text if c in ",."]
    ambiguous = len(seps) == 1 and len(text.split(seps[0])[1]) == 3 and text.lstrip("-").split(seps[0])[0] not in ("0",)
    if not ambiguous:
        assert read_number(text)[0] == float(round(value, places)), text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_value_is_taken_exactly(x: float) -> None:
    assert read_number(x) == (x, "")
    assert read_number(np.float64(x)) == (x, "")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_python_s_own_way_of_writing_a_float_is_read_back_or_asked_about(x: float) -> None:
    try:
        assert read_number(repr(x))[0] == x
    except AnswerError as exc:
        assert "could mean" in str(exc)


@given(st.integers(min_value=-(10**400), max_value=10**400))
def test_any_integer_is_taken_or_refused_with_a_message(n: int) -> None:
    try:
        number, _ = read_number(n)
    except AnswerError as exc:
        assert "far too large" in str(exc) and abs(n) > 10**300
        return
    assert number == float(n)


@given(st.decimals(allow_nan=True, allow_infinity=True) | st.fractions())
def test_decimals_and_fractions_are_taken_or_refused_with_a_message(value: Decimal | Fraction) -> None:
    try:
        number, _ = read_number(value)
    except AnswerError as exc:
        assert "finite" in str(exc) or "far too large" in str(exc)
        return
    assert math.isfinite(number) and number == pytest.approx(float(value))


@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=40))
def test_any_text_is_read_or_refused_with_a_short_message(text: str) -> None:
    try:
        number, note = read_number(text)
    except AnswerError as exc:
        assert len(str(exc)) <= 250
        str(exc).encode("utf-8")
        return
    assert math.isfinite(number) and not note


@given(st.text(alphabet="0123456789,. '_-+%e\u2212\u202f", max_size=16))
def test_digit_soup_is_read_or_refused_never_crashing(text: str) -> None:
    try:
        number, _ = read_number(text, 0, 100)
    except AnswerError:
        return
    assert math.isfinite(number)
