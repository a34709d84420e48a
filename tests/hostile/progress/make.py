"""Write the damaged progress files of this corpus (deterministic; run again after changing a case).

    python tests/hostile/progress/make.py

Each file is a progress file as a crash, an editor, a sync tool or a curious learner might leave it.
What the course must do with each one is in cases.json (see README.md); tests/test_store.py runs them all.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEARNER = "corpus-learner-01"


def attempt(qid: str, status: str = "correct", response: object = "B") -> dict:
    return {
        "qid": qid,
        "notebook": "00_start_here",
        "response": response,
        "status": status,
        "time": "2026-01-02T03:04:05+00:00",
    }


RECORDS = [attempt("a.one"), attempt("a.two", "incorrect", 29.5), attempt("a.three", "saved", "My view: café, Москва.")]


def doc(records: list, **extra: object) -> dict:
    return {"format": "turneast-progress", "version": 1, "learner": LEARNER, **extra, "attempts": records}


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


def files() -> dict[str, bytes]:
    """Every file of the corpus by name."""
    valid = dumps(doc(RECORDS))
    third = valid.index('"a.three"')
    cut_mid = valid.rindex("{", 0, third) + 40  # inside the third record
    cut_after = valid.rindex("}", 0, third) + 1  # just after the second record
    out: dict[str, str | bytes] = {
        "valid.json": valid,
        "empty.json": "",
        "whitespace.json": "\n   \n\t\n",
        "zeros.json": b"\x00" * 4096,
        "not_json.json": "{ this is not json",
        "truncated_mid_entry.json": valid[:cut_mid],
        "truncated_after_entry.json": valid[:cut_after],
        "truncated_in_header.json": valid[:25],
        "bom_utf8.json": b"\xef\xbb\xbf" + valid.encode(),
        "utf16le_bom.json": valid.encode("utf-16"),  # little-endian with BOM on every platform CPython runs on
        "utf16be_bom.json": b"\xfe\xff" + valid.encode("utf-16-be"),
        "utf16le_no_bom.json": valid.encode("utf-16-le"),
        "utf32_bom.json": valid.encode("utf-32"),
        "crlf.json": valid.replace("\n", "\r\n"),
        "latin1.json": dumps(doc([RECORDS[0], attempt("a.two", "saved", "Ça dépend"), RECORDS[2]]))
        .replace("Москва", "Moskva")
        .encode("latin-1"),
        "deep_nesting_5000.json": dumps(doc([RECORDS[0]]))[:-3] + ",\n" + "[" * 5000 + "]" * 5000 + "]}",
        "deep_response.json": dumps(doc([RECORDS[0], attempt("a.two", "incorrect", "@"), RECORDS[2]])).replace(
            '"@"', "[" * 500 + "]" * 500
        ),
        "big_integer.json": dumps(doc([RECORDS[0], attempt("a.two", "incorrect", "@"), RECORDS[2]])).replace(
            '"@"', "9" * 5000
        ),
        "top_level_list.json": "[1, 2, 3]",
        "null.json": "null",
        "string.json": '"hello"',
        "wrong_format.json": dumps({"format": "turneast-answers", "answers": RECORDS}),
        "attempts_not_list.json": dumps({"format": "turneast-progress", "version": 1, "attempts": {"a.one": "B"}}),
        "wrong_types.json": dumps(
            doc(
                [
                    RECORDS[0],
                    {"qid": 7, "status": "correct", "time": "t"},
                    {"qid": "b.one", "status": "maybe", "time": "t"},
                    {"qid": "b.two", "status": "correct"},
                    {"qid": "b.three", "status": "correct", "time": "t", "notebook": 5},
                    "not a record",
                    None,
                    [1, 2],
                ]
            )
        ),
        "nan_response.json": dumps(doc([RECORDS[0], attempt("a.two", "incorrect", "@")])).replace('"@"', "NaN"),
        "lone_surrogate.json": dumps(doc([RECORDS[0], attempt("a.two", "saved", "@"), RECORDS[2]])).replace(
            '"@"', '"bad \\udcff text"'
        ),
        "long_qid.json": dumps(doc([RECORDS[0], attempt("q" * 5_000)])),
        "huge_text.json": dumps(doc([RECORDS[0], attempt("a.two", "saved", "x" * 30_000)])),
        "newer_version.json": dumps({**doc(RECORDS), "version": 99}),
        "bad_learner.json": dumps(doc(RECORDS, learner="has spaces and is far too long " * 5)),
        "trailing_garbage.json": valid + "\ngarbage written by something else",
        "two_documents.json": valid + "\n" + dumps(doc([*RECORDS, attempt("a.four")])),
        "record_in_garbage.bin": bytes(random.Random(1).randrange(256) for _ in range(3000))
        + b"\n"
        + json.dumps(attempt("a.one")).encode()
        + b"\n"
        + bytes(random.Random(2).randrange(256) for _ in range(3000)),
        "binary_garbage.bin": bytes(random.Random(3).randrange(256) for _ in range(8192)),
        "html_page.json": "<!doctype html><html><body>Sign in to continue</body></html>",
    }
    return {name: value if isinstance(value, bytes) else value.encode("utf-8") for name, value in out.items()}


def main() -> None:
    for name, data in files().items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(files())} files to {HERE}")


if __name__ == "__main__":
    main()
