"""Tools for course authors and instructors (not imported by the lessons): banks, exercises, execution."""

from __future__ import annotations

import argparse


def command(name: str, description: str) -> argparse.ArgumentParser:
    """The argument parser of `python -m turneast.authoring.<name>`."""
    return argparse.ArgumentParser(prog=f"python -m turneast.authoring.{name}", description=description)
