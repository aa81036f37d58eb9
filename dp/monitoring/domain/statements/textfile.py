"""Reading a statement file as text, line by line, and as CSV rows, without holding the file.

Design overview
---------------
`text_lines` reads a binary stream (an uploaded file, a file from storage) in 64 KiB chunks,
decodes it incrementally with the file's encoding and yields physical lines (each ending "\\n",
except perhaps the last), so memory stays flat however large the file is. A text stream is read
the same way. A UTF-8 byte-order mark is dropped.

Bytes that are not valid in the encoding are not an immediate error: they are decoded with
`surrogateescape`, so the reader can say *which* line and *which* column holds them
(`check_decoded`), which is far more useful than "the file is not UTF-8".

`csv_rows` runs the standard `csv` reader (RFC 4180 quoting, strict) over those lines and yields
`(first physical line of the row, values)`; a quoted value may span lines. Blank rows are
skipped. A line longer than `MAX_LINE_CHARS` is refused, which also bounds memory for a file
with no line breaks at all.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from dp.monitoring.domain.statements.base import StatementFormatError, Where, show

CHUNK_BYTES = 64 * 1024
MAX_LINE_CHARS = 1 << 20

_UNDECODABLE = re.compile("[\udc80-\udcff]")


def codec_for(encoding: str) -> str:
    """The codec to decode with: UTF-8 always tolerates (and drops) a byte-order mark."""
    name = codecs.lookup(encoding).name
    return "utf-8-sig" if name == "utf-8" else name


def text_lines(stream: IO[Any], *, encoding: str, file_name: str) -> Iterator[str]:
    """Physical lines of the stream, decoded, each with its "\\n" (see the module docstring)."""
    decoder = codecs.getincrementaldecoder(codec_for(encoding))(errors="surrogateescape")
    pending = ""
    count = 0
    first = True
    while True:
        chunk = stream.read(CHUNK_BYTES)
        if not chunk:
            break
        if isinstance(chunk, str):
            text = chunk
            if first:
                text = text.removeprefix("\ufeff")
        else:
            text = decoder.decode(chunk)
        first = False
        pending += text
        if "\n" in pending:
            parts = pending.split("\n")
            pending = parts.pop()
            for part in parts:
                count += 1
                _check_no_nul(part, count, file_name)
                yield part + "\n"
        if len(pending) > MAX_LINE_CHARS:
            raise StatementFormatError(
                file_name,
                count + 1,
                "line",
                f"is longer than {MAX_LINE_CHARS:,} characters: this is not a statement file of this kind",
            )
    pending += decoder.decode(b"", final=True)
    if pending:
        _check_no_nul(pending, count + 1, file_name)
        yield pending


def _check_no_nul(line: str, number: int, file_name: str) -> None:
    if "\x00" in line:
        raise StatementFormatError(
            file_name,
            number,
            "encoding",
            'the line contains NUL characters: the file may be UTF-16 (as Excel\'s "Unicode text"), or not a text '
            "file at all; save it as UTF-8, or set the file's encoding",
        )


def check_decoded(value: str, where: Where, encoding: str) -> str:
    """Refuse a value holding bytes that were not valid text in the file's encoding."""
    if value.isascii():
        return value
    match = _UNDECODABLE.search(value)
    if match:
        byte = ord(match.group()) - 0xDC00
        raise where.error(
            f"{show(value)} is not {encoding} text (byte 0x{byte:02X}); the file may be in another encoding, "
            f"such as Windows-1252: save it as UTF-8, or set the file's encoding"
        )
    return value


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "end of data" in text or "unexpected end" in text:
        return "has a quoted value that never ends: the file may be cut short"
    if "field larger than field limit" in text:
        return "has a value that is far too long"
    if "expected after" in text or "new-line character" in text:
        return "has a quotation mark in the wrong place"
    return f"cannot be read as CSV ({text})"  # pragma: no cover - csv raises only the errors above


def csv_rows(
    lines: Iterable[str], *, delimiter: str, file_name: str, first_line: int = 1
) -> Iterator[tuple[int, list[str]]]:
    """(line number where the row starts, values) for each non-blank CSV row."""
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    start = first_line
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problem = _csv_problem(exc)
            # An unfinished quoted value is reported where its row starts, not where the file ends.
            line = start if "quoted value" in problem else first_line - 1 + reader.line_num
            raise StatementFormatError(file_name, line, "row", problem) from None
        if (row and row[0].strip()) or any(value.strip() for value in row):  # the first test is the usual case
            yield start, row
        start = first_line + reader.line_num
