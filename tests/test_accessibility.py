"""Colour-blind check of the course palette: colours stay distinguishable under simulated colour-vision deficiency."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from turneast.charts import PALETTE, THREAD_COLOURS

# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def _linear(hex_colour: str) -> np.ndarray:
    srgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(linear, 0, 1)
    f = np.cbrt(np.maximum(xyz / np.array([0.95047, 1.0, 1.08883]), 0.008856))
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _delta_e(a: str, b: str, matrix: list[list[float]] | None) -> float:
    m = np.eye(3) if matrix is None else np.array(matrix)
    return float(np.linalg.norm(_lab(m @ _linear(a)) - _lab(m @ _linear(b))))


@pytest.mark.parametrize("vision", [None, *CVD])
def test_thread_colours_stay_distinct(vision: str | None) -> None:
    matrix = CVD.get(vision) if vision else None
    for a, b in itertools.combinations(THREAD_COLOURS.values(), 2):
        assert _delta_e(a, b, matrix) >= 10, (vision, a, b)


@pytest.mark.parametrize("vision", list(CVD))
def test_first_four_palette_colours_stay_distinct(vision: str) -> None:
    for a, b in itertools.combinations(PALETTE[:4], 2):
        assert _delta_e(a, b, CVD[vision]) >= 10, (vision, a, b)


def test_the_check_can_fail() -> None:
    # red and green, the classic confusion pair, must collapse under deuteranopia
    assert _delta_e("#FF0000", "#00FF00", None) > 50
    assert _delta_e("#D62728", "#2CA02C", CVD["deuteranopia"]) < _delta_e("#D62728", "#2CA02C", None) / 3
