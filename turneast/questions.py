"""Question banks: loading, sealing answer keys, validating and grading (no widgets here).

`grade(q, response)` never raises, whatever Python value `response` is: a value it cannot use gets an
INVALID grade whose message says why (previews of the value are cut by `short()`), and a number typed
in a way that could mean two numbers gets a question back, never a silently different number.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import math
import numbers
import os
import re
import reprlib
import unicodedata
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from . import jsonfile
from ._errors import BankError, did_you_mean
from .paths import data_dir

TYPES = ("single", "multiple", "numeric", "ordering", "matching", "reflection")
GRADED = ("single", "multiple", "numeric", "ordering", "matching")
LEVELS = ("recall", "apply", "analyse", "evaluate")
CORRECT, INCORRECT, SAVED, INVALID = "correct", "incorrect", "saved", "invalid"
STATUSES = (CORRECT, INCORRECT, SAVED, INVALID)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SALT = "turn-to-the-east/v1"
_MAX_TEXT = 5000  # longest reflection
_MAX_ITEMS = 100  # longest list of choices a learner can sensibly give
_MAX_NUMBER_TEXT = 100  # longest text read as a number
_PREVIEW = 60  # how much of a learner's value a one-line message quotes


# ---------------------------------------------------------------- previews
class _Preview(reprlib.Repr):
    """reprlib with a safe int: an integer of thousands of digits is described, not printed."""

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 3000:
            return f"<an integer of about {int(x.bit_length() * 0.30103) + 1} digits>"
        return super().repr_int(x, level)


def _type_name(value: object) -> str:
    """The name of a value's type, without ever failing."""
    try:
        return str(type(value).__name__)[:40]
    except Exception:  # noqa: BLE001 - a preview must never fail
        return "object"


def short(value: Any, limit: int = 200) -> str:
    """A one-line preview of any value for messages: never longer than `limit`, never raises.

    A string is shown as typed (not quoted); anything else by a shortened repr (at most a few
    elements of a list, a few levels of nesting). Line breaks become spaces, characters that cannot
    be written as UTF-8 (lone surrogates) are shown as escapes such as \\udcff, and a preview that
    had to be cut ends with "…".
    """
    return _preview(value, limit)[0]


_CONTAINERS = (str, int, float, list, tuple, dict, set, frozenset, bytes, bytearray)


def _preview(value: Any, limit: int) -> tuple[str, bool]:
    """short()'s text, and False when the value's own repr failed (then the text only names its type)."""
    limit = max(int(limit), 1)
    ok = True
    try:
        if isinstance(value, str):
            text = str.__str__(value)[: limit * 4 + 16]
        elif isinstance(value, int) and not isinstance(value, bool):
            text = _Preview().repr_int(int(value), 0)
        elif not isinstance(value, _CONTAINERS):
            text = repr(value)[: limit * 4 + 16]
        else:
            preview = _Preview()
            preview.maxlevel, preview.maxstring, preview.maxother = 3, limit, limit
            preview.maxlist = preview.maxtuple = preview.maxset = preview.maxdict = 8
            text = preview.repr(value)
        if not isinstance(text, str):
            raise TypeError("repr did not return a str")
    except Exception:  # noqa: BLE001 - an object whose repr fails
        text, ok = f"<{_type_name(value)}>", False
    text = " ".join(str.__str__(text)[: limit * 4 + 16].split())
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return (text if len(text) <= limit else text[: limit - 1] + "…"), ok


def _number_text(x: float) -> str:
    """A number as a learner would write it: 29.5, 1234, 1e+300 (exact, never rounded)."""
    if x == int(x) and abs(x) < 1e16:
        return str(int(x))
    return repr(float(x))


# ---------------------------------------------------------------- sealing
def _keystream(qid: str, n: int) -> bytes:
    """Bytes derived from the question id, to mask its answer key."""
    out = b""
    block = 0
    while len(out) < n:
        out += hashlib.sha256(f"{_SALT}:{qid}:{block}".encode()).digest()
        block += 1
    return out[:n]


def seal(qid: str, secret: dict[str, Any]) -> str:
    """Encode a question's answer and feedback so they cannot be read at a glance."""
    raw = zlib.compress(json.dumps(secret, ensure_ascii=False, sort_keys=True).encode())
    masked = bytes(a ^ b for a, b in zip(raw, _keystream(qid, len(raw))))
    return base64.b64encode(masked).decode()


def unseal(qid: str, blob: str) -> dict[str, Any]:
    """Decode what seal() encoded."""
    try:
        masked = base64.b64decode(blob.encode(), validate=True)
        raw = bytes(a ^ b for a, b in zip(masked, _keystream(qid, len(masked))))
        return json.loads(zlib.decompress(raw))
    except (ValueError, zlib.error) as exc:
        raise BankError(
            f"The answer key of question '{qid}' is damaged ({exc}). Restore the bank with: git checkout -- data/"
        ) from None


# ---------------------------------------------------------------- banks
@dataclass(frozen=True)
class Question:
    """One question as shown to the learner, with its (unsealed) key."""

    id: str
    type: str
    prompt: str
    notebook: str
    thread: str
    level: str = ""  # one of LEVELS, or "" when the bank does not say
    options: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    hint: str = ""
    refs: tuple[dict[str, str], ...] = ()
    answer: Any = None
    feedback: str = ""


def bank_paths() -> list[Path]:
    """Every question bank in the data folder."""
    return sorted(data_dir().glob("*/questions.json"))


def read_bank(path: Path) -> dict[str, Any]:
    """Read one bank file (sealed form); a BankError says which file and what is wrong (missing, not JSON,
    nested too deep, not an object) and how to restore it. Uses the course's one JSON reader."""
    return jsonfile.read(  # type: ignore[return-value] - expect=dict
        path,
        label=f"Question bank {path}",
        error=BankError,
        restore=f"Restore it with: git checkout -- {path}",
        expect=dict,
    )


def _question(raw: dict[str, Any], bank: dict[str, Any]) -> Question:
    """Build a Question from its sealed bank entry."""
    qid = raw.get("id", "?")
    secret = unseal(qid, raw["sealed"]) if "sealed" in raw else {k: raw.get(k) for k in ("answer", "feedback")}
    return Question(
        id=qid,
        type=raw.get("type", "?"),
        prompt=raw.get("prompt", ""),
        notebook=raw.get("notebook", bank.get("notebook", "")),
        thread=bank.get("thread", ""),
        level=raw.get("level", "") if isinstance(raw.get("level", ""), str) else "",
        options=tuple(raw.get("options", ())),
        items=tuple(raw.get("items", ())),
        left=tuple(raw.get("left", ())),
        right=tuple(raw.get("right", ())),
        unit=raw.get("unit", ""),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        hint=raw.get("hint", ""),
        refs=tuple(raw.get("refs", ())),
        answer=secret.get("answer"),
        feedback=secret.get("feedback") or "",
    )


@cache
def _all_questions(root: str) -> dict[str, Question]:
    """All questions of all banks under root, by id."""
    found: dict[str, Question] = {}
    for path in sorted(Path(root).glob("*/questions.json")):
        bank = read_bank(path)
        for raw in bank.get("questions", []):
            found[raw.get("id", "?")] = _question(raw, bank)
    return found


def all_questions() -> dict[str, Question]:
    """All questions in the course, by id."""
    return _all_questions(str(data_dir()))


def get(qid: Any) -> Question:
    """The question with this id, or a BankError naming it and the closest ids."""
    questions = all_questions()
    if not isinstance(qid, str) or not qid.strip():
        raise BankError(f"A question id is a text such as 'start.first_year', not {short(qid, _PREVIEW)}.")
    if qid in questions:
        return questions[qid]
    close = did_you_mean(qid, list(questions)) if len(qid) <= 200 else ""
    raise BankError(f"There is no question with id '{short(qid, _PREVIEW)}'.{close}")


def _fixed_order() -> bool:
    """True when TURNEAST_FIXED_ORDER asks for bank order (tests and stored notebook outputs)."""
    return os.environ.get("TURNEAST_FIXED_ORDER", "").strip().lower() in ("1", "true", "yes", "on")


def shown(q: Question, learner_id: str | None) -> Question:
    """The question as this learner sees it: options, items and right-hand choices in their own order.

    The order is stable for a learner (each text is ranked by sha256 of learner id, question id and
    text, so it does not depend on Python's random module or version) and differs between learners.
    Bank order when learner_id is None or TURNEAST_FIXED_ORDER=1. An ordering question is never
    shown already in the right order. Grading compares texts, so letters a learner gives refer to
    the order returned here.
    """
    if learner_id is None or _fixed_order():
        return q

    def order(texts: tuple[str, ...], part: str) -> tuple[str, ...]:
        def rank(text: str) -> bytes:
            return hashlib.sha256(f"{learner_id}\0{q.id}\0{part}\0{text}".encode("utf-8", "surrogatepass")).digest()

        return tuple(sorted(texts, key=rank))

    changes: dict[str, tuple[str, ...]] = {}
    if q.options:
        changes["options"] = order(q.options, "options")
    if q.items:
        items = order(q.items, "items")
        if len(items) > 1 and isinstance(q.answer, list) and list(items) == q.answer:
            items = items[1:] + items[:1]
        changes["items"] = items
    if q.right:
        changes["right"] = order(q.right, "right")
    return dataclasses.replace(q, **changes)


# ---------------------------------------------------------------- grading
@dataclass(frozen=True)
class Grade:
    """The result of checking one response: status is one of CORRECT, INCORRECT, SAVED, INVALID.

    response is the normalised response (the raw value for INVALID); details are extra lines
    (diagnosis, where to look, hint; feedback and evidence when correct).
    """

    qid: str
    status: str
    message: str
    response: Any = None
    details: tuple[str, ...] = field(default_factory=tuple)

    def __repr__(self) -> str:
        return (
            f"Grade(qid={self.qid!r}, status={self.status!r}, message={self.message!r}, "
            f"response={short(self.response)}, details={self.details!r})"
        )


def _quote(value: Any) -> str:
    """A short preview of a learner's value for a message, or _Unreadable if it cannot even be shown."""
    text, ok = _preview(value, _PREVIEW)
    if not ok:
        raise _Unreadable(
            f"Could not read your answer: it is a {_type_name(value)} that fails when it is shown. "
            "Give a plain value: a number, a letter, a text or a list of them."
        )
    return text


class AnswerError(ValueError):
    """A response the course cannot use, with the message to show the learner."""


class _Unreadable(AnswerError):
    """A value whose content cannot be stored or shown (e.g. a lone surrogate)."""


def _text(value: str) -> str:
    """A plain str copy of a learner's text, refusing characters that cannot be saved or shown."""
    text = str.__str__(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _Unreadable(
            "Could not read your answer: it contains a character that cannot be saved "
            f"(a lone surrogate, shown as {short(text, _PREVIEW)}). Type it again."
        ) from None
    return text


def _pick(value: Any, choices: tuple[str, ...], what: str) -> str:
    """Map a letter ('B') or the exact text of a choice to the choice's text."""
    if isinstance(value, str):
        text = _text(value).strip()
    elif isinstance(value, numbers.Real) and not isinstance(value, bool) and str(value) in choices:
        text = str(value)  # e.g. 2012 for the choice "2012"
    else:
        raise AnswerError(f"{what} should be a letter such as 'A' or the text of a choice, not {_quote(value)}.")
    if not text:
        raise AnswerError(f"{what} is empty.")
    for choice in choices:
        if choice.casefold() == text.casefold():
            return choice
    if len(text) == 1 and text.upper() in LETTERS[: len(choices)]:
        return choices[LETTERS.index(text.upper())]
    letters = ", ".join(LETTERS[: len(choices)])
    raise AnswerError(
        f"'{short(text, _PREVIEW)}' is not one of the choices: use a letter ({letters}) or a choice's exact text."
    )


def _as_list(value: Any, choices: tuple[str, ...], ordered: bool) -> list[Any]:
    """Accept a list or tuple (a set too when order does not matter), or a text such as 'A, C'."""
    if isinstance(value, str):
        text = _text(value).strip()
        if any(text.casefold() == c.casefold() for c in choices):
            return [text]  # one choice whose text contains a comma
        return [part for part in re.split(r"\s*,\s*", text) if part]
    if isinstance(value, (set, frozenset)):
        if ordered:
            raise AnswerError("A set has no order: give a list in square brackets, e.g. ['C', 'A', 'B'].")
        items = list(value)
    elif isinstance(value, (list, tuple)):
        items = list(value)
    elif (
        not isinstance(value, Mapping)
        and callable(getattr(value, "tolist", None))
        and getattr(value, "ndim", 1) == 1
        and int(getattr(value, "size", 0)) <= _MAX_ITEMS
    ):
        items = list(value.tolist())  # a 1-d numpy array or pandas Series of letters
    else:
        example = "['C', 'A', 'B']" if ordered else "['A', 'C']"
        raise AnswerError(f"Give a list such as {example}, not {_quote(value)}.")
    if len(items) > _MAX_ITEMS:
        raise AnswerError(f"That list has {len(items)} entries; this question has only {len(choices)} to choose from.")
    return items


# ---------------------------------------------------------------- numbers
_SIGNS = {"+": "", "-": "-", "\u2212": "-", "\u2012": "-", "\u2013": "-"}
_EXPONENT = re.compile(r"(.*?)([eE][+-]?[0-9]{1,4})?", re.DOTALL)


def _groups_ok(groups: list[str], indian: bool = False) -> bool:
    """True when digit groups form thousands grouping: 1,234,567 (or Indian 12,34,567 when allowed)."""
    if len(groups) < 2 or not all(g.isascii() and g.isdigit() for g in groups):
        return False
    if not 1 <= len(groups[0]) <= 3 or groups[0].startswith("0"):
        return False
    if all(len(g) == 3 for g in groups[1:]):
        return True
    return indian and len(groups[-1]) == 3 and len(groups[0]) <= 2 and all(len(g) == 2 for g in groups[1:-1])


def _readings(raw: str) -> list[Decimal]:
    """Every number a typed text could mean (one, or two when a separator is ambiguous)."""
    bad = AnswerError(f"'{short(raw, _PREVIEW)}' is not a number: type digits, e.g. 12.5.")
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise AnswerError("The answer is empty: type a number, e.g. 12.5.")
    if len(text) > _MAX_NUMBER_TEXT:
        raise AnswerError(f"That text is {len(text)} characters long, too long to be a number: type digits, e.g. 12.5.")
    if text.endswith("%"):
        text = text[:-1].rstrip()
    sign = ""
    if text[:1] in _SIGNS:
        sign, text = _SIGNS[text[0]], text[1:].lstrip()
    mantissa, exponent = _EXPONENT.fullmatch(text).groups()  # type: ignore[union-attr] - always matches
    exponent = exponent or ""
    if not mantissa or not re.fullmatch(r"[0-9.,' _]+", mantissa) or not any(c.isdigit() for c in mantissa):
        raise bad
    cautious = AnswerError(
        f"'{short(raw, _PREVIEW)}' is not a number I can read safely: "
        "type it without thousands separators, e.g. 1234.5."
    )

    def number(digits: str, frac: str | None = None) -> Decimal:
        return Decimal(f"{sign}{digits or '0'}{'.' + (frac or '0') if frac is not None else ''}{exponent}")

    groupers = set(mantissa) & set(" '_")
    commas, dots = mantissa.count(","), mantissa.count(".")
    if groupers:  # 1 234,5 / 1'234.5 / 1_234: the grouping character is unmistakable
        if len(groupers) > 1 or commas + dots > 1 or exponent:
            raise cautious
        whole, sep, frac = mantissa.partition("," if commas else ".")
        groups = whole.split(groupers.pop())
        if not _groups_ok(groups) or (sep and not frac.isdigit()):
            raise cautious
        return [number("".join(groups), frac if sep else None)]
    if commas and dots:  # 1,234.5 or 1.234,5: the last separator is the decimal one
        last = "," if mantissa.rfind(",") > mantissa.rfind(".") else "."
        other = "." if last == "," else ","
        whole, _, frac = mantissa.rpartition(last)
        groups = whole.split(other)
        if mantissa.count(last) != 1 or exponent or not frac.isdigit() or not _groups_ok(groups, indian=other == ","):
            raise cautious
        return [number("".join(groups), frac)]
    if not commas and not dots:
        return [number(mantissa)]
    sep = "," if commas else "."
    parts = mantissa.split(sep)
    if len(parts) > 2:  # 1,234,567 or 1.234.567: only thousands grouping can mean this
        if exponent or not _groups_ok(parts, indian=sep == ","):
            raise cautious
        return [number("".join(parts))]
    whole, frac = parts
    if not (whole + frac).isdigit() or not (whole or frac):
        raise bad
    decimal = number(whole, frac)
    if len(frac) == 3 and not exponent and _groups_ok([whole, frac]):
        return [decimal, number(whole + frac)]  # 1,234 or 1.234: a decimal, or a thousand and more?
    return [decimal]


def _from_decimal(d: Decimal) -> float:
    """A finite float from a Decimal, or an AnswerError for NaN, infinity or a number out of range."""
    if not d.is_finite():
        raise AnswerError("That is not a finite number.")
    x = float(d)
    if math.isinf(x):
        raise AnswerError(
            f"That number is far too large (about 10^{d.adjusted()}): type the number the question asks for."
        )
    return x


def _one_value(value: Any) -> Any:
    """The single value inside a one-value Series, array or DataFrame (more values: an AnswerError)."""
    size = getattr(value, "size", None)
    if not isinstance(size, numbers.Integral) or isinstance(value, (str, list, tuple, Mapping)):
        return value
    if int(size) != 1:
        raise AnswerError(f"That {_type_name(value)} holds {int(size)} values; give one number, e.g. values.iloc[0].")
    return value.item() if callable(getattr(value, "item", None)) else value.to_numpy().item()


def _scalar(value: Any) -> float:
    """A float from one numeric value: int, float, numpy and pandas scalars, Decimal, Fraction."""
    name = _type_name(value)
    if isinstance(value, bool) or name in ("bool_", "bool"):
        raise AnswerError("True/False is not a number: type digits, e.g. 12.5.")
    if value is None or name in ("NAType", "NaTType"):
        raise AnswerError("That is a missing value (<NA>), not a number: check the cell that computed it.")
    if isinstance(value, numbers.Integral):
        n = int(value)
        if n.bit_length() > 1020:
            digits = int(n.bit_length() * 0.30103) + 1
            raise AnswerError(
                f"That number is far too large (it has about {digits} digits): type the number the question asks for."
            )
        return float(n)
    if isinstance(value, Decimal):
        return _from_decimal(value)
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        raise AnswerError(f"{_quote(value)} is a complex number: give a real number, e.g. 12.5.")
    if isinstance(value, numbers.Real):
        try:
            x = float(value)
        except OverflowError:
            raise AnswerError("That number is far too large: type the number the question asks for.") from None
        if math.isnan(x) or math.isinf(x):
            raise AnswerError("That is not a finite number.")
        return x
    if isinstance(value, (list, tuple)):
        raise AnswerError(f"A {name} is not a number: give the number itself, e.g. 12.5 (not {_quote(value)}).")
    raise AnswerError(f"{_quote(value)} is not a number: type digits, e.g. 12.5.")


def read_number(value: Any, minimum: float | None = None, maximum: float | None = None) -> tuple[float, str]:
    """Read a number the way people type or compute it; return it with a note on how text was read.

    Raises AnswerError (a ValueError) with a message for the learner when the value is not one number.

    Accepted values: int, float, bool excepted; numpy integers and floats; pandas scalars; Decimal and
    Fraction; a 0-d array or a Series/array holding exactly one value (more values: a short message,
    never the whole thing). NaN, infinity and numbers beyond float range (10**400) get a clear message.

    Text, after Unicode normalisation (full-width digits, thin and no-break spaces become plain):
    - a leading +, - or the Unicode minus "−"; a trailing "%" ("12 %" is 12); an exponent ("1.5e3");
    - one "." or one "," is the decimal separator: "29.5" and "29,5" are 29.5, "2,0" is 2.0;
    - separators that can only group thousands are read as such: "1,234,567", "1.234.567",
      "1 234 567", "1'234", "1_234", Indian "12,34,567"; with both "," and ".", the last one is
      the decimal separator ("1,234.5" and "1.234,5" are both 1234.5);
    - a single "," or "." followed by exactly three digits ("1,234", "1.500") could mean a decimal
      or a whole number. If only one of the two readings lies in the question's range
      [minimum, maximum], that one is used and the note says how the text was read; otherwise the
      learner is asked which they meant;
    - anything else (letters, "1,2.3", mixed groupings) is refused with a message, never guessed.
    """
    value = _one_value(value)
    if not isinstance(value, str):
        return _scalar(value), ""
    text = _text(value)
    readings = _readings(text)
    numbers_ = [_from_decimal(r) for r in readings]
    if len(numbers_) == 1:
        return numbers_[0], ""
    fits = [x for x in numbers_ if (minimum is None or x >= minimum) and (maximum is None or x <= maximum)]
    shown_ = [_number_text(x) for x in numbers_]
    if len(fits) == 1:
        other = shown_[1 - numbers_.index(fits[0])]
        return fits[0], (
            f"Read '{short(text, _PREVIEW)}' as {_number_text(fits[0])} ({other} would be outside the possible range)."
        )
    raise AnswerError(
        f"'{short(text, _PREVIEW)}' could mean {shown_[1]} or {shown_[0]}: "
        f"type {shown_[1]} or {shown_[0]} to say which you meant."
    )


def _range_text(q: Question) -> str:
    """The possible range of a numeric question, in words."""
    unit = f" {q.unit}" if q.unit else ""
    if q.minimum is not None and q.maximum is not None:
        return f"{_number_text(q.minimum)} to {_number_text(q.maximum)}{unit}"
    if q.minimum is not None:
        return f"at least {_number_text(q.minimum)}{unit}"
    return f"at most {_number_text(q.maximum)}{unit}"  # type: ignore[arg-type] - one bound is set


def normalise(q: Question, response: Any) -> tuple[Any, str]:
    """The canonical form of a response for its question type and a note on how it was read.

    Raises AnswerError with a learner-facing message; any other exception means the value itself
    misbehaved (grade() turns that into "could not read your answer").
    """
    if response is None or response is Ellipsis:
        raise AnswerError("No answer given yet.")
    if q.type == "single":
        return _pick(response, q.options, "The answer"), ""
    if q.type == "multiple":
        picked = [_pick(v, q.options, "Each choice") for v in _as_list(response, q.options, ordered=False)]
        if not picked:
            raise AnswerError("Choose at least one option.")
        return sorted(set(picked), key=q.options.index), ""
    if q.type == "numeric":
        number, note = read_number(response, q.minimum, q.maximum)
        if (q.minimum is not None and number < q.minimum) or (q.maximum is not None and number > q.maximum):
            raise AnswerError(f"{_number_text(number)} is outside the possible range ({_range_text(q)}).")
        return number, note
    if q.type == "ordering":
        order = [_pick(v, q.items, "Each item") for v in _as_list(response, q.items, ordered=True)]
        missing = [i for i in q.items if i not in order]
        if len(order) != len(set(order)) or missing:
            raise AnswerError(f"Put every item exactly once; missing: {short(', '.join(missing) or 'none')}.")
        return order, ""
    if q.type == "matching":
        if not isinstance(response, Mapping):
            raise AnswerError("Give a dict such as {'first item': 'A', ...} pairing each left item with a choice.")
        if len(response) > _MAX_ITEMS:
            raise AnswerError(f"That dict has {len(response)} entries; this question has {len(q.left)} items to match.")
        pairs: dict[str, str] = {}
        for key, value in list(response.items()):
            left = _pick(key, q.left, "Each left-hand item")
            if value is None:
                continue
            if left in pairs:
                raise AnswerError(f"'{short(left, _PREVIEW)}' is matched twice.")
            pairs[left] = _pick(value, q.right, f"The match for '{short(left, _PREVIEW)}'")
        missing = [item for item in q.left if item not in pairs]
        if missing:
            raise AnswerError(f"Match every item; missing: {short(', '.join(missing))}.")
        return {item: pairs[item] for item in q.left}, ""
    if q.type == "reflection":
        if not isinstance(response, str):
            raise AnswerError("A reflection is a text in quotes.")
        text = _text(response).strip()
        if not text:
            raise AnswerError("The reflection is empty: write a few sentences.")
        if len(text) > _MAX_TEXT:
            raise AnswerError(f"Keep the reflection under {_MAX_TEXT} characters (it has {len(text)}).")
        return text, ""
    raise AnswerError(f"Unknown question type '{short(q.type, _PREVIEW)}'.")


def _count(n: int, noun: str) -> str:
    """'1 item', '2 items'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _diagnose(q: Question, given: Any) -> str:
    """A short, answer-preserving hint on what is wrong with a graded response."""
    if q.type == "multiple":
        right, n = set(q.answer), len(given)
        hits = len(right & set(given))
        in_all = f"there {'is' if len(right) == 1 else 'are'} {_count(len(right), 'right choice')} in all"
        if n == 1:
            return (
                f"Your choice is right, but {in_all}."
                if hits
                else f"Your choice is not one of the right ones; {in_all}."
            )
        return f"{hits} of your {n} choices {'is' if hits == 1 else 'are'} right, and {in_all}."
    if q.type == "numeric":
        return "Too high." if given > q.answer["value"] else "Too low."
    if q.type == "ordering":
        placed = sum(a == b for a, b in zip(given, q.answer))
        return f"{placed} of {_count(len(q.answer), 'item')} {'is' if placed == 1 else 'are'} in the right place."
    if q.type == "matching":
        hits = sum(given.get(k) == v for k, v in q.answer.items())
        return f"{hits} of {_count(len(q.answer), 'pair')} {'is' if hits == 1 else 'are'} right."
    return ""


def _is_right(q: Question, given: Any) -> bool:
    """Compare a normalised response with the key."""
    if q.type == "numeric":
        value, tolerance = float(q.answer["value"]), float(q.answer["tolerance"])
        return abs(given - value) <= tolerance + 1e-9 * max(1.0, abs(value))  # float noise at the boundary
    if q.type == "multiple":
        return set(given) == set(q.answer)
    return bool(given == q.answer)


def _unreadable(response: Any, exc: BaseException) -> str:
    """The message for a value that failed while it was being read."""
    return (
        f"Could not read your answer: it is a {_type_name(response)} that failed when it was read "
        f"({_type_name(exc)}). Give a plain value: a number, a letter, a text or a list of them."
    )


def grade(q: Question, response: Any) -> Grade:
    """Check a response against the question's key. Never raises, for any Python value."""
    try:
        given, note = normalise(q, response)
    except AnswerError as exc:
        return Grade(q.id, INVALID, str(exc), response)
    except Exception as exc:  # noqa: BLE001 - a value whose __eq__/__iter__/__len__/... raises
        return Grade(q.id, INVALID, _unreadable(response, exc), response)
    notes = (note,) if note else ()
    if q.type == "reflection":
        return Grade(q.id, SAVED, "Saved. Reflections are not graded; compare yours with the discussion.", given)
    try:
        if _is_right(q, given):
            return Grade(q.id, CORRECT, "Correct.", given, (*notes, q.feedback, *evidence(q)))
        details = (*notes, _diagnose(q, given), look_again(q), f"Hint: {q.hint}" if q.hint else "")
    except Exception as exc:  # noqa: BLE001 - a damaged key must not crash a notebook
        return Grade(
            q.id,
            INVALID,
            f"This question's answer key could not be used ({_type_name(exc)}). "
            "Restore the bank with: git checkout -- data/",
            given,
        )
    return Grade(q.id, INCORRECT, "Not quite.", given, tuple(d for d in details if d))


def _ref_code(ref: dict[str, str]) -> str:
    """The code a learner can paste (after `import turneast as te`) to see one piece of evidence."""
    if "excerpt" in ref:
        return f"te.excerpt('{ref['excerpt']}')"
    return f"te.load('{ref['dataset']}')" + (f" (rows where {ref['rows']})" if ref.get("rows") else "")


def look_again(q: Question) -> str:
    """Where to look after a wrong answer, as code to paste; never the answer itself."""
    codes = [_ref_code(ref) for ref in q.refs if "excerpt" in ref or "dataset" in ref]
    return f"Look again at the evidence: {'; '.join(codes)}." if codes else ""


def evidence(q: Question) -> list[str]:
    """One line per excerpt or data row that supports the answer, with code that shows it."""
    lines = []
    for ref in q.refs:
        if "excerpt" in ref:
            lines.append(f"Evidence: excerpt '{ref['excerpt']}' (show it with te.excerpt('{ref['excerpt']}')).")
        if "dataset" in ref:
            rows = f", rows where {ref['rows']}" if ref.get("rows") else ""
            lines.append(f"Evidence: dataset '{ref['dataset']}'{rows} (load it with te.load('{ref['dataset']}')).")
    return lines


def explanation(q: Question) -> str:
    """The worked explanation, for a learner who wants to see it."""
    if q.type == "reflection":
        return f"[{q.id}] {q.feedback}"
    if q.type == "numeric":
        key = f"{q.answer['value']:g} {q.unit} (accepted within ±{q.answer['tolerance']:g})".strip()
    elif q.type == "matching":
        key = "; ".join(f"{k} → {v}" for k, v in q.answer.items())
    elif isinstance(q.answer, list):
        key = " → ".join(q.answer) if q.type == "ordering" else ", ".join(q.answer)
    else:
        key = str(q.answer)
    return "\n".join([f"[{q.id}] Answer: {key}", q.feedback, *evidence(q)])
