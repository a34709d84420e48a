"""The box a learner hands in answers with: a login prompt and one button (imported only when it is shown)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import ipywidgets as w

from .learner import EXPORT_NAME, clean_identifier, export

_DONE, _FAILED = "#1a7f37", "#9a3412"


class ExportWidget(w.VBox):
    """A box with the identifier prompt and one button that writes my-answers.json next to the notebook."""

    def __init__(self, folder: Path | None = None) -> None:
        """Build the box; the file is written in folder (the working folder, i.e. the notebook's, by default)."""
        self.folder = Path(folder) if folder is not None else Path.cwd()
        intro = w.HTML(
            "<b>Hand in your answers</b><br>Type the login or email you use on your course site "
            "(Canvas, Moodle, ...), then press the button. It writes one file, "
            f"<code>{EXPORT_NAME}</code>, next to this notebook: upload it with your notebook."
        )
        self.identifier = w.Text(
            description="Your course-site login or email",
            placeholder="e.g. jsmith",
            style={"description_width": "initial"},
            layout=w.Layout(width="34em"),
        )
        self.button = w.Button(
            description="Write my answers file",
            button_style="primary",
            icon="download",
            tooltip=f"Write {EXPORT_NAME} next to this notebook",
            layout=w.Layout(width="auto"),
        )
        self.status = w.HTML(layout=w.Layout(margin="4px 0 0 0"))
        self.button.on_click(lambda _: self.write())
        super().__init__(
            [intro, self.identifier, self.button, self.status],
            layout=w.Layout(border="1px solid #ccc", padding="8px", margin="8px 0"),
        )
        self.add_class("turneast-export")

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The widget, with a plain-text version that says what to do."""
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = (
            f"Hand in your answers: type your course-site login or email, then press "
            f"'Write my answers file' (it writes {EXPORT_NAME} next to this notebook)."
        )
        return bundle

    def write(self) -> str:
        """Write the export; show and return one line saying where (never raises)."""
        message, colour = self._try_to_write()
        self.status.value = f'<div role="status" aria-live="polite" style="color:{colour}">{html.escape(message)}</div>'
        return message

    def _try_to_write(self) -> tuple[str, str]:
        """(what happened, in one line for the learner; its colour)."""
        try:
            identifier = clean_identifier(self.identifier.value)
            path = export(self.folder / EXPORT_NAME, identifier)
            n = len(json.loads(path.read_text(encoding="utf-8"))["answers"])
            message = f"Wrote {n} answer(s) to {path.resolve()}. Upload this file with your notebook."
            if not identifier:
                message += " You left the login empty: your instructor will have to match the file by hand."
            return message, _DONE
        except ValueError as exc:
            return str(exc), _FAILED
        except OSError as exc:
            return (
                f"Could not write {EXPORT_NAME} in {self.folder} ({exc.strerror or exc}). "
                "Save the notebook in a folder you can write to and press the button again."
            ), _FAILED
        except Exception as exc:  # noqa: BLE001 - a learner must never see a traceback here
            return f"Something went wrong ({exc.__class__.__name__}). Your answers are safe.", _FAILED
