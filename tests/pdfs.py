"""Reading our PDFs as a person's viewer does, with poppler's tools (pdftotext, pdffonts): the
text a reader sees and copies, and whether each font travels inside the file."""

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts")


def _poppler(*command: str, pdf: bytes) -> str:
    """Run a poppler tool on the PDF given on standard input ("-")."""
    if not POPPLER:  # .ci/run installs poppler-utils; a developer without it is told so
        pytest.skip("poppler-utils (pdftotext, pdffonts) is not installed")
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode()


def pdf_text(pdf: bytes) -> str:
    """The text of every page in reading order, pages separated by form feeds. With PDF_DUMP set
    to a folder, each document read is also saved there, to look at (pdftoppm)."""
    if folder := os.environ.get("PDF_DUMP"):
        digest = hashlib.sha1(pdf).hexdigest()[:8]
        (
            Path(folder)
            / f"{os.environ.get('PYTEST_CURRENT_TEST', 'pdf').split(' ')[0].split('::')[-1]}-{digest}.pdf"
        ).write_bytes(pdf)
    return _poppler("pdftotext", "-layout", "-", "-", pdf=pdf)


def squeezed(text: str) -> str:
    """The text without white space: a reader does not keep the spaces between Chinese characters
    ("第 1 页 共 3 页" reads back as "第1页共3页")."""
    return "".join(text.split())


@dataclass(frozen=True)
class PdfFont:
    name: str
    type: str
    embedded: bool


def pdf_fonts(pdf: bytes) -> list[PdfFont]:
    """Each font the document uses, as `pdffonts` lists it."""
    lines = _poppler("pdffonts", "-", pdf=pdf).splitlines()[2:]
    fonts = []
    for line in lines:
        # name, type (may contain a space), encoding, emb, sub, uni, object, generation
        parts = line.split()
        emb = parts[-5]
        fonts.append(PdfFont(name=parts[0], type=" ".join(parts[1:-6]), embedded=emb == "yes"))
    return fonts


def assert_fonts_embedded(pdf: bytes) -> None:
    fonts = pdf_fonts(pdf)
    assert fonts, "the PDF uses no font"
    assert all(font.embedded for font in fonts), [f for f in fonts if not f.embedded]
