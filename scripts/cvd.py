"""Simulate colour-vision deficiency and greyscale on a screenshot or a chart PNG.

    python scripts/cvd.py IMAGE.png [--out DIR]

Writes IMAGE-protanopia.png, -deuteranopia.png, -tritanopia.png and -greyscale.png beside the
image (or in DIR), using the same matrices the palette test uses
(``alignment.charts.colour_vision``), so what you look at is what the test measures.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402

from alignment.charts import colour_vision  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("images", nargs="+", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    for path in args.images:
        pixels = np.asarray(Image.open(path).convert("RGB"), dtype=float) / 255
        folder = args.out or path.parent
        folder.mkdir(parents=True, exist_ok=True)
        for vision in (*colour_vision.MATRICES, "greyscale"):
            seen = colour_vision.simulate(pixels, vision)
            target = folder / f"{path.stem}-{vision}.png"
            Image.fromarray(np.round(seen * 255).astype(np.uint8)).save(target)
            print(target)


if __name__ == "__main__":
    main()
