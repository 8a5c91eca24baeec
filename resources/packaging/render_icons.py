"""Render resources/icons/dft-tracker.svg to the PNG sizes desktops look for.

Usage: python render_icons.py OUT_DIR. Writes OUT_DIR/hicolor/<N>x<N>/apps/dft-tracker.png
for the usual hicolor sizes and OUT_DIR/hicolor/scalable/apps/dft-tracker.svg, with Qt's
own SVG renderer, so the PNGs always match the SVG the window uses.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
SOURCE = Path(__file__).resolve().parents[1] / "icons" / "dft-tracker.svg"


def render(out_dir: Path) -> None:
    """Write the hicolor tree of the app icon under ``out_dir``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SOURCE}")
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out_dir / "hicolor" / f"{size}x{size}" / "apps" / "dft-tracker.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"cannot write {target}")
    scalable = out_dir / "hicolor" / "scalable" / "apps" / "dft-tracker.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, scalable)
    del app


if __name__ == "__main__":
    render(Path(sys.argv[1]))
