"""Looking at rendered pages: DOCX to PDF with LibreOffice, PDF pages to PNG with
pdftoppm, where pictures sit (pdftohtml -xml) and words sit (pdftotext -bbox)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

DPI = 60
INK = 235  # a pixel darker than this (in any channel) is ink


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: run scripts/setup (it installs LibreOffice and poppler)")
    return found


def docx_to_pdf(docx: bytes, folder: Path) -> Path:
    source = folder / "report.docx"
    source.write_bytes(docx)
    profile = (folder / "lo-profile").as_uri()
    result = subprocess.run(
        [
            tool("soffice"),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return folder / "report.pdf"


@dataclass(frozen=True)
class Box:
    """A rectangle on a page, in points from the top left."""

    page: int
    left: float
    top: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def overlaps(self, other: Box) -> bool:
        return self.page == other.page and self.top < other.bottom and other.top < self.bottom


@dataclass(frozen=True)
class Pages:
    pdf: Path
    count: int
    width: float  # points
    height: float


def pages(pdf: Path) -> Pages:
    info = subprocess.run([tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True)
    count = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info.stdout)
    assert size is not None
    return Pages(pdf, count, float(size.group(1)), float(size.group(2)))


def pictures(pdf: Path, folder: Path) -> list[Box]:
    """Where each picture is placed, page by page (pdftohtml writes them out too)."""
    out = folder / "html"
    out.mkdir(exist_ok=True)
    subprocess.run(
        [tool("pdftohtml"), "-xml", "-q", "-zoom", "1", str(pdf), str(out / "p")], check=True
    )
    tree = ET.parse(out / "p.xml")
    keys = ("left", "top", "width", "height")
    return [
        Box(int(page.get("number", 0)), *(float(image.get(k, 0)) for k in keys))
        for page in tree.getroot().iter("page")
        for image in page.iter("image")
    ]


def page_image(pdf: Path, page: int) -> Image.Image:
    png = subprocess.run(
        [tool("pdftoppm"), "-r", str(DPI), "-f", str(page), "-l", str(page), "-png", str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def ink_rows(image: Image.Image, box: tuple[float, float, float, float]) -> tuple[int, int] | None:
    """First and last pixel row with ink inside ``box`` (points: left, top, right, bottom)."""
    scale = DPI / 72
    crop = image.crop(tuple(round(v * scale) for v in box))  # type: ignore[arg-type]
    inked = crop.point(lambda v: 255 if v < INK else 0).getbbox()
    return None if inked is None else (inked[1], inked[3])


def drawn_share(pdf: Path, box: Box) -> float:
    """How much of a picture's height shows ink on the rendered page: about 1 for a
    chart drawn whole, small for one clipped to a strip."""
    image = page_image(pdf, box.page)
    rows = ink_rows(image, (box.left, box.top, box.left + box.width, box.bottom))
    if rows is None:
        return 0.0
    return (rows[1] - rows[0]) / (box.height * DPI / 72)


def own_share(png: bytes) -> float:
    """The same measure on the chart's own picture: the share its ink spans."""
    image = Image.open(io.BytesIO(png)).convert("L")
    inked = image.point(lambda v: 255 if v < INK else 0).getbbox()
    assert inked is not None
    return (inked[3] - inked[1]) / image.height


def last_ink(pdf: Path, page: int, top: float, bottom: float) -> float:
    """The lowest ink between ``top`` and ``bottom`` (points) of a page, in points."""
    image = page_image(pdf, page)
    width = image.width * 72 / DPI
    rows = ink_rows(image, (0, top, width, bottom))
    return top if rows is None else top + rows[1] * 72 / DPI


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    left: float
    top: float
    right: float


def words(pdf: Path) -> list[Word]:
    html = subprocess.run(
        [tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for number, page in enumerate(re.findall(r"<page .*?</page>", html, re.S), start=1):
        for left, top, right, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
            page,
        ):
            found.append(Word(number, text, float(left), float(top), float(right)))
    return found


def page_text(pdf: Path, page: int) -> str:
    out = subprocess.run(
        [tool("pdftotext"), "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return "".join(out.split())
