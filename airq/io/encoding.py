"""Text encodings of raw files: detected (BOM, then UTF-8, then GB18030) or given by name.

Excel on Chinese Windows saves "CSV (逗号分隔)" in GBK (code page 936), whose superset is
GB18030; "CSV UTF-8" adds a UTF-8 byte-order mark; "Unicode text" is UTF-16 with a BOM. With
``encoding="auto"`` (the readers' default) a file is decoded as

1. the encoding its byte-order mark names: ``utf-8-sig`` (EF BB BF), ``utf-32`` (FF FE 00 00 /
   00 00 FE FF), ``utf-16`` (FF FE / FE FF);
2. else strict UTF-8 (``utf-8``; plain ASCII is UTF-8);
3. else GB18030 (``gb18030``; every GBK file is valid GB18030 and reads the same).

A file cut inside its last character (a download or copy that stopped inside a multi-byte
sequence) is decoded up to that character; it then ends without a newline, which the readers
treat as a possibly cut last line (:mod:`airq.io._checks`). A file that is none of these raises
:class:`~airq.io.ReadError` naming the line where it stops being UTF-8 and the bytes there. Any other encoding must be named (``encoding="big5"``,
``airq ingest --encoding big5``): a given encoding is used as is, nothing is guessed (``utf-8``
still skips a UTF-8 BOM). The encoding used is reported, never silent: readers put ``{codec: [file names]}`` in
``df.attrs["encodings"]`` and ``df.attrs["encoding_detected"]`` (True for ``"auto"``), and
``airq ingest`` prints the files that were not UTF-8.

References
----------
.. [1] The Unicode Standard, U+FEFF BYTE ORDER MARK; GB 18030 (superset of GBK / code page 936).
.. [2] Python ``codecs`` standard encodings (the names accepted).
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ..notes import note
from .errors import ReadError

__all__ = ["AUTO", "check_encoding", "to_utf8", "is_utf8"]

#: The ``encoding`` value that asks for detection.
AUTO = "auto"
# longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def check_encoding(encoding) -> str:
    """``"auto"`` or the canonical name of a text codec (``"GBK"`` -> ``"gbk"``).

    Raises
    ------
    ValueError
        One sentence for a name Python does not know as a text encoding.
    """
    if isinstance(encoding, str) and encoding.strip().lower() == AUTO:
        return AUTO
    try:
        info = codecs.lookup(encoding)
    except (LookupError, TypeError):
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise ValueError(note("error.read.unknown_encoding", encoding=encoding))
    return info.name


def is_utf8(codec: str | None) -> bool:
    """True for UTF-8 with or without BOM (what needs no mention in a report)."""
    return codec in ("utf-8", "utf-8-sig")


# what the codecs say when the bytes end inside a character (utf-8; utf-16/32; gb18030, gbk, ...)
_CUT_REASONS = ("unexpected end of data", "truncated data", "incomplete multibyte sequence")


def _cut_inside_char(exc: UnicodeDecodeError, data: bytes) -> bool:
    """True when the only problem is a character cut off at the very end of ``data``."""
    return exc.end >= len(data) and exc.reason in _CUT_REASONS


def _decode(data: bytes, path: Path, codec: str, why: str = "") -> str:
    """``data`` decoded; ``why`` adds to the error: ``""``, ``"superset"`` (try gb18030) or ``"bom"``."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if _cut_inside_char(exc, data):
            return _decode(data[: exc.start], path, codec, why)  # a cut file: the last line has no newline
        line = data[: exc.start].decode(codec, errors="replace").count("\n") + 1
        if why == "superset":
            reason = note("error.read.not_valid_text_superset", codec=codec)
        elif why == "bom":
            reason = note("error.read.not_valid_text_bom", codec=codec)
        else:
            reason = note("error.read.not_valid_text", codec=codec)
        raise ReadError(path, line, None, data[exc.start : exc.end], reason) from None


def _gb_error(data: bytes) -> UnicodeDecodeError:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError as exc:
        return exc
    raise AssertionError("gb18030 decoded")  # pragma: no cover


def to_utf8(data: bytes, path: Path, encoding: str = AUTO) -> tuple[bytes, str]:
    """The file's bytes as UTF-8 without BOM, and the codec used.

    Parameters
    ----------
    data : bytes
        The raw file (never modified).
    path : pathlib.Path
        For error messages.
    encoding : str, default "auto"
        ``"auto"`` (see the module docstring) or a codec name (checked with
        :func:`check_encoding`).

    Raises
    ------
    ReadError
        The bytes are not valid text in the given or in any detected encoding (file, line, bytes).
    """
    encoding = check_encoding(encoding)
    if encoding != AUTO:
        utf8 = encoding in ("utf-8", "utf-8-sig")
        if utf8 and data.startswith(codecs.BOM_UTF8):  # decoded without it: error positions are the file's
            data = data[len(codecs.BOM_UTF8) :]
        hint = "superset" if encoding in ("gbk", "gb2312") else ""
        text = _decode(data, path, "utf-8" if utf8 else encoding, hint)
        if utf8 and len(text) == len(data):  # ASCII: the bytes are the text
            return data, encoding
        return text.encode("utf-8"), encoding
    for bom, codec in _BOMS:
        if data.startswith(bom):
            why = "bom"
            if codec == "utf-8-sig":  # decoded without the BOM, so that error positions are the file's
                text = _decode(data[len(bom) :], path, "utf-8", why)
                return data[len(bom) : len(bom) + len(text.encode("utf-8"))], codec
            text = _decode(data, path, codec, why)
            return text.encode("utf-8"), codec
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
        if _cut_inside_char(exc, data):  # valid UTF-8 cut inside its last character
            return data[: exc.start], "utf-8"
    try:
        return _decode(data, path, "gb18030").encode("utf-8"), "gb18030"
    except ReadError:
        exc = _gb_error(data)
        gb_line = data.count(b"\n", 0, exc.start) + 1
    bad = utf8_error
    raise ReadError(
        path,
        data.count(b"\n", 0, bad.start) + 1,
        None,
        data[bad.start : bad.end],
        note("error.read.not_utf8_nor_gb18030", line=gb_line),
    )
