"""Refuse an XLSX (a zip) whose members would unpack beyond a limit, before any parser
opens it. The sizes checked are the ones the zip declares; Python's zipfile never
inflates a member past its declared size, so a lying header gains nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

from yuqing.errors import BadInput, TooLarge

MAX_RATIO = 400  # sheet XML packs ~10-50x; bombs pack thousands of times
RATIO_FLOOR = 8 * 1024 * 1024  # small members may pack as tightly as they like


def check_zip_sizes(path: Path, max_unpacked: int) -> int:
    """The total declared unpacked size; TooLarge beyond ``max_unpacked`` or when a big
    member packs implausibly tightly."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadInput(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    with archive:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            packed = max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and info.file_size / packed > MAX_RATIO:
                raise TooLarge(
                    f"{path.name}：其中 {info.filename} 解压后是压缩大小的 "
                    f"{info.file_size // packed} 倍，疑似压缩炸弹，已拒绝"
                )
    if total > max_unpacked:
        raise TooLarge(
            f"{path.name}：解压后 {total // (1 << 20)} MB，"
            f"超过 {max_unpacked // (1 << 20)} MB 的上限"
        )
    return total
