"""The question list as a one-click PDF (fpdf2, pure Python): large type, room for answers.

People type accents, curly quotes and emoji into their questions, and the PDF's built-in fonts
only know Latin-1, so the text is set in DejaVu Sans, a TrueType font with wide Unicode coverage.
It is not vendored: Rasa's pinned matplotlib ships it (``mpl-data/fonts/ttf``), and Debian's
``fonts-dejavu-core`` puts it in ``/usr/share/fonts``. Characters the font lacks (e.g. Chinese)
become "?" instead of failing or silently vanishing; with no DejaVu at all the PDF falls back to
Helvetica and Latin-1. Either way a PDF is always produced: a crash here would leave an anxious
person without their list right before an appointment.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.logic.sharing import BRING_NOTE, LIST_TITLE, long_date

logger = logging.getLogger(__name__)

FONT_FAMILY = "DejaVu"
FALLBACK_FAMILY = "helvetica"
REGULAR_FILE, BOLD_FILE = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
MISSING = "?"
# Typography Latin-1 lacks, for the Helvetica fallback only.
_LATIN1 = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                         "\u2026": "...", "\u2022": "-"})  # fmt: skip

# Sizes in points: big enough to read without glasses in a waiting room.
TITLE_SIZE, TEXT_SIZE, SMALL_SIZE = 22, 15, 12
LINE_HEIGHT = 8.0  # mm, for TEXT_SIZE
ANSWER_LINES = 2


@dataclass(frozen=True)
class Fonts:
    regular: Path
    bold: Path
    glyphs: frozenset[int]

    def clean(self, text: str) -> str:
        """Replace what the font cannot draw, so the PDF shows "?" rather than empty boxes."""
        return "".join(ch if ord(ch) in self.glyphs or ch in "\n\t" else MISSING for ch in text)


def _font_dirs() -> list[Path]:
    dirs: list[Path] = []
    spec = importlib.util.find_spec("matplotlib")  # finds the package without importing it
    if spec is not None and spec.submodule_search_locations:
        dirs.extend(Path(location) / "mpl-data" / "fonts" / "ttf" for location in spec.submodule_search_locations)
    return [*dirs, *SYSTEM_FONT_DIRS]


@lru_cache(maxsize=1)
def find_fonts() -> Fonts | None:
    """DejaVu Sans regular and bold, with the characters it covers; None if not installed."""
    for folder in _font_dirs():
        regular, bold = folder / REGULAR_FILE, folder / BOLD_FILE
        if regular.is_file() and bold.is_file():
            with TTFont(regular, lazy=True) as font:
                glyphs = frozenset(font.getBestCmap())
            return Fonts(regular, bold, glyphs)
    logger.warning("DejaVu Sans not found; question PDFs use Helvetica and show only Latin-1 characters")
    return None


class _QuestionsPdf(FPDF):
    def __init__(self, fonts: Fonts | None) -> None:
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self.font_set = fonts
        self.text_family = FONT_FAMILY if fonts else FALLBACK_FAMILY
        if fonts:
            self.add_font(FONT_FAMILY, "", str(fonts.regular))
            self.add_font(FONT_FAMILY, "B", str(fonts.bold))
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(auto=True, margin=20)

    def safe(self, text: str) -> str:
        if self.font_set:
            return self.font_set.clean(text)
        return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.text_family, "", 9)
        self.set_text_color(110)
        self.cell(0, 6, f"Page {self.page_no()}", align="C")
        self.set_text_color(0)


def build_pdf(questions: Sequence[Mapping[str, object]], today: date) -> bytes:
    """A Letter-size PDF: title, date, blanks for the doctor and the visit, numbered questions each
    followed by ruled lines for the answer, and the reminder to bring it along.

    Left-aligned, never justified: even word spacing is easier to read, and copy or search in a
    PDF reader gets whole lines back.
    """
    pdf = _QuestionsPdf(find_fonts())
    pdf.set_title(LIST_TITLE)
    pdf.set_creator("Second Opinion Advocate")
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(pdf.text_family, "B", TITLE_SIZE)
    pdf.multi_cell(width, 11, pdf.safe(LIST_TITLE), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_font(pdf.text_family, "", SMALL_SIZE)
    pdf.cell(width, 7, pdf.safe(long_date(today)), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(3)
    blanks = "Doctor: ______________________    Appointment date: ______________"
    pdf.cell(width, 7, blanks, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(5)

    if not questions:
        pdf.set_font(pdf.text_family, "", TEXT_SIZE)
        pdf.multi_cell(width, LINE_HEIGHT, "No questions saved yet. Add some in the chat, then open this again.",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")  # fmt: skip
    number_width = 12
    for index, question in enumerate(questions, start=1):
        if pdf.will_page_break(LINE_HEIGHT * 2 + ANSWER_LINES * 9):
            pdf.add_page()
        pdf.set_font(pdf.text_family, "B", TEXT_SIZE)
        pdf.cell(number_width, LINE_HEIGHT, f"{index}.")
        pdf.set_font(pdf.text_family, "", TEXT_SIZE)
        text = pdf.safe(str(question["text"]))
        pdf.multi_cell(width - number_width, LINE_HEIGHT, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        pdf.set_draw_color(190)
        for _ in range(ANSWER_LINES):
            pdf.ln(8)
            pdf.line(pdf.l_margin + number_width, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.set_draw_color(0)
        pdf.ln(6)

    pdf.ln(2)
    pdf.set_font(pdf.text_family, "", SMALL_SIZE)
    pdf.multi_cell(width, 6.5, pdf.safe(BRING_NOTE), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.multi_cell(width, 6.5, "Not for emergencies: call 911. Thinking about suicide or self-harm? Call or text 988.",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")  # fmt: skip
    return bytes(pdf.output())
