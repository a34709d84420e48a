"""Question banks: loading, sealing answer keys, validating and grading (no widgets here)."""
from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ._errors import BankError, did_you_mean
from .paths import data_dir

TYPES = ("single", "multiple", "numeric", "ordering", "matching", "reflection")
GRADED = ("single", "multiple", "numeric", "ordering", "matching")
_SALT = "turn-to-the-east/v1"
_MAX_TEXT = 5000
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


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
        raise BankError(f"The answer key of question '{qid}' is damaged ({exc}). "
                        "Restore the bank with: git checkout -- data/") from None


# ---------------------------------------------------------------- banks
@dataclass(frozen=True)
class Question:
    """One question as shown to the learner, with its (unsealed) key."""

    id: str
    type: str
    prompt: str
    notebook: str
    thread: str
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
    """Read one bank file (sealed form) with a clear error if it is unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BankError(f"Question bank {path} is missing. Restore it with: git checkout -- {path}") from None
    except json.JSONDecodeError as exc:
        raise BankError(f"Question bank {path} is not valid JSON (line {exc.lineno}: {exc.msg}). "
                        f"Restore it with: git checkout -- {path}") from None


def _question(raw: dict[str, Any], bank: dict[str, Any]) -> Question:
    """Build a Question from its sealed bank entry."""
    qid = raw.get("id", "?")
    secret = unseal(qid, raw["sealed"]) if "sealed" in raw else {k: raw.get(k) for k in ("answer", "feedback")}
    return Question(
        id=qid, type=raw.get("type", "?"), prompt=raw.get("prompt", ""),
        notebook=raw.get("notebook", bank.get("notebook", "")), thread=bank.get("thread", ""),
        options=tuple(raw.get("options", ())), items=tuple(raw.get("items", ())),
        left=tuple(raw.get("left", ())), right=tuple(raw.get("right", ())),
        unit=raw.get("unit", ""), minimum=raw.get("min"), maximum=raw.get("max"),
        hint=raw.get("hint", ""), refs=tuple(raw.get("refs", ())),
        answer=secret.get("answer"), feedback=secret.get("feedback") or "",
    )


@lru_cache(maxsize=None)
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
        raise BankError(f"A question id is a text such as 'warmup.first_year', not {qid!r}.")
    if qid in questions:
        return questions[qid]
    raise BankError(f"There is no question with id '{qid}'.{did_you_mean(qid, list(questions))}")


# ---------------------------------------------------------------- grading
@dataclass(frozen=True)
class Outcome:
    """The result of checking one response: status is correct, incorrect, invalid or saved."""

    qid: str
    status: str
    message: str
    response: Any = None
    details: tuple[str, ...] = field(default_factory=tuple)

    @property
    def correct(self) -> bool:
        """True when the response was right."""
        return self.status == "correct"


def _pick(value: Any, choices: tuple[str, ...], what: str) -> str:
    """Map a letter ('B') or the exact text of a choice to the choice's text."""
    if not isinstance(value, str):
        raise ValueError(f"{what} should be a letter such as 'A' or the text of a choice, not {value!r}.")
    text = value.strip()
    if not text:
        raise ValueError(f"{what} is empty.")
    for choice in choices:
        if choice.casefold() == text.casefold():
            return choice
    if len(text) == 1 and text.upper() in LETTERS[: len(choices)]:
        return choices[LETTERS.index(text.upper())]
    letters = ", ".join(LETTERS[: len(choices)])
    raise ValueError(f"'{text}' is not one of the choices: use a letter ({letters}) or a choice's exact text.")


def _as_list(value: Any) -> list[Any]:
    """Accept a list/tuple/set, or a comma-separated string such as 'A, C'."""
    if isinstance(value, str):
        return [part for part in re.split(r"\s*,\s*", value.strip()) if part]
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    raise ValueError(f"Give a list such as ['A', 'C'], not {value!r}.")


def parse_number(value: Any) -> float:
    """Read a number from an int, float or text such as '12.5', '1,234' or '12 %'."""
    if isinstance(value, bool):
        raise ValueError("True/False is not a number: type digits, e.g. 12.5.")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").rstrip("%").strip()
        if not text:
            raise ValueError("The answer is empty: type a number, e.g. 12.5.")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"'{value.strip()}' is not a number: type digits, e.g. 12.5.") from None
    else:
        raise ValueError(f"{value!r} is not a number: type digits, e.g. 12.5.")
    if math.isnan(number) or math.isinf(number):
        raise ValueError("That is not a finite number.")
    return number


def normalise(q: Question, response: Any) -> Any:
    """Turn a raw response into the canonical form for its question type, or raise ValueError."""
    if response is None or response is Ellipsis:
        raise ValueError("No answer given yet.")
    if q.type == "single":
        return _pick(response, q.options, "The answer")
    if q.type == "multiple":
        picked = [_pick(v, q.options, "Each choice") for v in _as_list(response)]
        if not picked:
            raise ValueError("Choose at least one option.")
        return sorted(set(picked), key=q.options.index)
    if q.type == "numeric":
        number = parse_number(response)
        if (q.minimum is not None and number < q.minimum) or (q.maximum is not None and number > q.maximum):
            raise ValueError(f"{number:g} is outside the possible range ({q.minimum:g} to {q.maximum:g} {q.unit}).")
        return number
    if q.type == "ordering":
        order = [_pick(v, q.items, "Each item") for v in _as_list(response)]
        missing = [i for i in q.items if i not in order]
        if len(order) != len(set(order)) or missing:
            raise ValueError(f"Put every item exactly once; missing: {', '.join(missing) or 'none'}.")
        return order
    if q.type == "matching":
        if not isinstance(response, dict):
            raise ValueError("Give a dict such as {'first item': 'A', ...} pairing each left item with a choice.")
        pairs = {}
        for key, value in response.items():
            left = _pick(key, q.left, "Each left-hand item")
            pairs[left] = _pick(value, q.right, f"The match for '{left}'")
        missing = [item for item in q.left if item not in pairs]
        if missing:
            raise ValueError(f"Match every item; missing: {', '.join(missing)}.")
        return pairs
    if q.type == "reflection":
        if not isinstance(response, str):
            raise ValueError("A reflection is a text in quotes.")
        if not response.strip():
            raise ValueError("The reflection is empty: write a few sentences.")
        if len(response) > _MAX_TEXT:
            raise ValueError(f"Keep the reflection under {_MAX_TEXT} characters.")
        return response.strip()
    raise ValueError(f"Unknown question type '{q.type}'.")


def _diagnose(q: Question, given: Any) -> str:
    """A short, answer-preserving hint on what is wrong with a graded response."""
    if q.type == "multiple":
        right = set(q.answer)
        hits = len(right & set(given))
        return f"{hits} of your {len(given)} choices are right, and there are {len(right)} right choices in all."
    if q.type == "numeric":
        return "Too high." if given > q.answer["value"] else "Too low."
    if q.type == "ordering":
        placed = sum(a == b for a, b in zip(given, q.answer))
        return f"{placed} of {len(q.answer)} items are in the right place."
    if q.type == "matching":
        hits = sum(given[k] == v for k, v in q.answer.items())
        return f"{hits} of {len(q.answer)} pairs are right."
    return ""


def grade(q: Question, response: Any) -> Outcome:
    """Check a response against the question's key; never raises for bad input."""
    try:
        given = normalise(q, response)
    except ValueError as exc:
        return Outcome(q.id, "invalid", str(exc), response)
    if q.type == "reflection":
        return Outcome(q.id, "saved", "Saved. Reflections are not graded; compare yours with the discussion.", given)
    if q.type == "numeric":
        right = abs(given - q.answer["value"]) <= q.answer["tolerance"]
    elif q.type == "multiple":
        right = set(given) == set(q.answer)
    else:
        right = given == q.answer
    if right:
        return Outcome(q.id, "correct", "Correct.", given, (q.feedback, *evidence(q)))
    details = tuple(d for d in (_diagnose(q, given), f"Hint: {q.hint}" if q.hint else "") if d)
    return Outcome(q.id, "incorrect", "Not quite.", given, details)


def evidence(q: Question) -> list[str]:
    """One line per excerpt or data row that supports the answer."""
    lines = []
    for ref in q.refs:
        if "excerpt" in ref:
            lines.append(f"Evidence: excerpt '{ref['excerpt']}' (show it with excerpt('{ref['excerpt']}')).")
        if "dataset" in ref:
            rows = f", rows where {ref['rows']}" if ref.get("rows") else ""
            lines.append(f"Evidence: dataset '{ref['dataset']}'{rows}.")
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
