"""How a colour looks to someone with colour-vision deficiency, or on a greyscale printout.

The palettes in ``alignment.charts.palette`` promise that their key colours stay apart for
every reader; this module measures it, so a test (and ``scripts/cvd.py`` on a screenshot) can
keep that promise true. Simulation uses the matrices of Machado, Oliveira and Fernandes (2009)
at full severity, applied in linear RGB; distances are CIE76 ΔE in CIELAB (D65), where about
2.3 is a just-noticeable difference and 10 or more is easy to tell apart at a glance.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

# Machado et al. (2009), severity 1.0: linear RGB in, linear RGB out.
MATRICES: dict[str, np.ndarray] = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}
# Rec. 709 luminance weights, as for sRGB.
LUMA = np.array([0.2126, 0.7152, 0.0722])
VISIONS = ("normal", *MATRICES, "greyscale")


def hex_to_rgb(colours: Iterable[str]) -> np.ndarray:
    """'#RRGGBB' strings to an (n, 3) array of sRGB values in 0..1."""
    rows = []
    for c in colours:
        c = c.lstrip("#")
        rows.append([int(c[i : i + 2], 16) / 255 for i in (0, 2, 4)])
    return np.array(rows, dtype=float).reshape(-1, 3)


def to_linear(srgb: np.ndarray) -> np.ndarray:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def to_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


def simulate(srgb: np.ndarray, vision: str) -> np.ndarray:
    """sRGB values (any shape ending in 3, 0..1) as seen with ``vision`` (see ``VISIONS``)."""
    if vision == "normal":
        return np.asarray(srgb, dtype=float)
    linear = to_linear(np.asarray(srgb, dtype=float))
    if vision == "greyscale":
        y = linear @ LUMA
        return to_srgb(np.repeat(y[..., None], 3, axis=-1))
    return to_srgb(linear @ MATRICES[vision].T)


def to_lab(srgb: np.ndarray) -> np.ndarray:
    """sRGB (0..1) to CIELAB under D65."""
    linear = to_linear(np.asarray(srgb, dtype=float))
    m = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )
    xyz = linear @ m.T / np.array([0.95047, 1.0, 1.08883])
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def lightness(colours: Iterable[str], vision: str = "normal") -> np.ndarray:
    """CIELAB L* (0 black .. 100 white) of each colour as seen with ``vision``."""
    return to_lab(simulate(hex_to_rgb(colours), vision))[..., 0]


def delta_e(a: str, b: str, vision: str = "normal") -> float:
    """CIE76 distance between two colours as seen with ``vision``."""
    lab = to_lab(simulate(hex_to_rgb([a, b]), vision))
    return float(np.linalg.norm(lab[0] - lab[1]))


def hue_angle(colour: str) -> float:
    """CIELAB hue angle in degrees (0..360) under normal vision."""
    lab = to_lab(hex_to_rgb([colour]))[0]
    return float(np.degrees(np.arctan2(lab[2], lab[1])) % 360)


def chroma(colour: str) -> float:
    lab = to_lab(hex_to_rgb([colour]))[0]
    return float(np.hypot(lab[1], lab[2]))
