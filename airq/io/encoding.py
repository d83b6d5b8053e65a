"""Text encodings of raw files: detected (BOM, then UTF-8, then GB18030) or given by name.

Excel on Chinese Windows saves "CSV (逗号分隔)" in GBK (code page 936), whose superset is
GB18030; "CSV UTF-8" adds a UTF-8 byte-order mark; "Unicode text" is UTF-16 with a BOM. With
``encoding="auto"`` (the readers' default) a file is decoded as

1. the encoding its byte-order mark names: ``utf-8-sig`` (EF BB BF), ``utf-32`` (FF FE 00 00 /
   00 00 FE FF), ``utf-16`` (FF FE / FE FF);
2. else strict UTF-8 (``utf-8``; plain ASCII is UTF-8);
3. else GB18030 (``gb18030``; every GBK file is valid GB18030 and reads the same).

A file that is none of these raises :class:`~airq.io.ReadError` naming the line where it stops
being UTF-8 and the bytes there. Any other encoding must be named (``encoding="big5"``,
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
        raise ValueError(
            f"unknown text encoding {encoding!r}: give a Python codec name such as utf-8, gb18030, gbk, "
            "big5 or utf-16, or 'auto' to detect it (byte-order mark, then UTF-8, then GB18030)"
        )
    return info.name


def is_utf8(codec: str | None) -> bool:
    """True for UTF-8 with or without BOM (what needs no mention in a report)."""
    return codec in ("utf-8", "utf-8-sig")


def _decode(data: bytes, path: Path, codec: str, why: str = "") -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(codec, errors="replace").count("\n") + 1
        raise ReadError(path, line, None, data[exc.start : exc.end], f"not valid {codec} text{why}") from None


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
        if encoding == "utf-8" and data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        hint = " (gb18030 is its superset: try that)" if encoding in ("gbk", "gb2312") else ""
        text = _decode(data, path, encoding, hint)
        return (data if encoding == "utf-8" else text.encode("utf-8")), encoding
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _decode(data, path, codec, " (the file starts with its byte-order mark)")
            return text.encode("utf-8"), codec
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return data.decode("gb18030").encode("utf-8"), "gb18030"
    except UnicodeDecodeError as exc:
        gb_line = data.count(b"\n", 0, exc.start) + 1
    bad = utf8_error
    raise ReadError(
        path,
        data.count(b"\n", 0, bad.start) + 1,
        None,
        data[bad.start : bad.end],
        f"not valid utf-8 text, nor gb18030 (invalid from line {gb_line}); name the encoding "
        "(encoding=..., airq ingest --encoding NAME)",
    )
