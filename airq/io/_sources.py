"""Reader arguments and sources: the ``errors`` argument, files from paths, folders and patterns."""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Iterable, Sequence

from ..notes import note
from .errors import ReadError

__all__ = ["ERRORS", "check_errors", "expand_sources", "progress_iter", "joined"]

#: Accepted values of the ``errors`` argument.
ERRORS = ("raise", "flag")


def check_errors(errors: str) -> None:
    if errors not in ERRORS:
        raise ValueError(note("error.read.errors_value", value=errors))


def joined(items, key: str):
    """``items`` joined by the note ``key`` (``{a} or {b}``, ``{a}; {b}`` ...): said in either language."""
    items = list(items)
    out = items[0] if items else ""
    for item in items[1:]:
        out = note(key, a=out, b=item)
    return out


def expand_sources(sources, patterns: Sequence[str]) -> list[Path]:
    """Resolve ``sources`` to a sorted, de-duplicated list of files.

    ``sources`` is a path to a file, a folder (every file matching one of ``patterns`` inside,
    recursively, hidden files left out), a glob pattern (``**`` allowed), or a list of those.
    Files are returned in the order of the items; the files of one folder or pattern are
    sorted by path. A file named twice is read once.
    """
    if isinstance(sources, (str, os.PathLike)):
        items = [sources]
    else:
        try:
            items = list(sources)
        except TypeError:
            raise TypeError(
                f"sources must be a path, a folder, a glob pattern or a list of those, not {type(sources).__name__}"
            ) from None
    if not items:
        raise ReadError(None, reason=note("error.read.no_sources"))
    out: list[Path] = []
    seen: set[Path] = set()
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise TypeError(f"a source must be a path or a glob pattern, not {type(item).__name__}: {item!r}")
        p = Path(item)
        if p.is_file():
            found = [p]
        elif p.is_dir():
            found = sorted(
                {
                    f
                    for pat in patterns
                    for f in p.rglob(pat)
                    if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
                }
            )
            if not found:
                raise ReadError(p, reason=note("error.read.folder_no_match", patterns=joined(patterns, "read.either")))
        elif glob.has_magic(os.fspath(item)):
            found = sorted(Path(f) for f in glob.glob(os.fspath(item), recursive=True) if os.path.isfile(f))
            if not found:
                raise ReadError(item, reason=note("error.read.no_match"))
        else:
            raise ReadError(item, reason=note("error.read.no_such"))
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def progress_iter(files: Sequence[Path], progress: bool, fmt: str) -> Iterable[Path]:
    """``files``, with a progress bar ("CNEMC files" / "CNEMC 文件", :func:`airq.i18n.display_lang`) when ``progress``."""
    if not progress:
        return files
    from tqdm.auto import tqdm

    from ..i18n import display_lang, t

    lang = display_lang()
    return tqdm(files, desc=t("progress.files", lang, format=fmt), unit=t("progress.file_unit", lang))
