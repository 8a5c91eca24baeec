"""Fonts for the PDF: every name a team types prints as typed, in any script.

reportlab's built-in Helvetica has Latin-1 only, so "Łukasz Dvořák" and
"Дмитрий" printed as black boxes. The body font is DejaVu Sans, which ships with
matplotlib (and so with the app and its standalone bundle) and covers Latin,
Greek and Cyrillic. Characters it lacks (Chinese, Japanese, Korean, Arabic, ...)
are set in the first font of the computer that has them, when there is one.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from itertools import groupby
from pathlib import Path

import matplotlib
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

log = logging.getLogger(__name__)

SANS = "DFTSans"
SANS_BOLD = "DFTSans-Bold"
_FACES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    "DFTSans-Oblique": "DejaVuSans-Oblique.ttf",
    "DFTSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}
# Fonts with wide coverage of the scripts DejaVu lacks, by file name, best first:
# Linux (Droid, Noto, WenQuanYi, Nanum, Un), Windows (YaHei, Malgun, MS Gothic,
# SimSun, Arial Unicode), macOS (Arial Unicode, AppleGothic).
_FALLBACK_FILES = (
    "droidsansfallbackfull",
    "droidsansfallback",
    "wqy-zenhei",
    "wqy-microhei",
    "nanumgothic",
    "unbatang",
    "notosansarabic-regular",
    "notosanshebrew-regular",
    "notosansthai-regular",
    "notosansdevanagari-regular",
    "msyh",
    "malgun",
    "msgothic",
    "simsun",
    "arialuni",
    "arial unicode",
    "applegothic",
)
_FONT_FOLDERS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path("C:/Windows/Fonts"),
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
    Path("/System/Library/Fonts/Supplemental"),
)


@cache
def register_fonts() -> None:
    """Register the body font and its bold and italic faces, once per process."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file_name in _FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file_name)))
    pdfmetrics.registerFontFamily(
        SANS, normal=SANS, bold=SANS_BOLD, italic="DFTSans-Oblique",
        boldItalic="DFTSans-BoldOblique",
    )  # fmt: skip


@cache
def _covered() -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(SANS)
    assert isinstance(font, TTFont)
    return frozenset(font.face.charToGlyph)


@cache
def _fallbacks() -> tuple[tuple[str, frozenset[int]], ...]:
    """The computer's fonts for other scripts, registered under names of ours."""
    found: list[tuple[str, frozenset[int]]] = []
    files = [
        path
        for folder in _FONT_FOLDERS
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.suffix.lower() in (".ttf", ".ttc")
    ]
    for wanted in _FALLBACK_FILES:
        for path in files:
            if path.stem.lower() != wanted:
                continue
            name = f"DFTFallback{len(found)}"
            try:
                font = TTFont(name, str(path), subfontIndex=0)
            except (TTFError, OSError):  # a font reportlab cannot read is passed over
                log.info("Font %s cannot be used in PDFs", path)
                continue
            pdfmetrics.registerFont(font)
            # <b> and <i> around a fallback run keep the run's font.
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(name, bold, italic, name)
            found.append((name, frozenset(font.face.charToGlyph)))
            break
    return tuple(found)


def body_font_has(text: str) -> bool:
    """True when the body font has every character of ``text``."""
    covered = _covered()
    return all(ord(char) in covered for char in text)


# A capturing group: re.split keeps the tags and entities between the texts.
_TAG_OR_ENTITY = re.compile(r"(<[^>]*>|&[#\w]+;)")


def with_fallback(markup: str) -> str:
    """``markup`` with each run of characters the body font lacks set in a font that has
    them. Tags and entities are ASCII, which the body font has: they are left whole."""
    if body_font_has(markup):
        return markup
    covered = _covered()
    parts = _TAG_OR_ENTITY.split(markup)
    return "".join(
        part if index % 2 else _set_in_fonts(part, covered) for index, part in enumerate(parts)
    )


def _set_in_fonts(text: str, covered: frozenset[int]) -> str:
    runs = groupby(text, key=lambda char: _font_for(char, covered))
    return "".join(
        f'<font face="{font}">{"".join(run)}</font>' if font else "".join(run) for font, run in runs
    )


def _font_for(char: str, covered: frozenset[int]) -> str | None:
    """None for the body font; else the first fallback that has ``char``."""
    code = ord(char)
    if code in covered or char.isspace():
        return None
    for name, has in _fallbacks():
        if code in has:
            return name
    return None
