"""Notes that travel with results (on rules, data, options) and read in either language.

A :class:`Note` *is* its English text (a ``str``: JSON, logs and every existing reader see the
same sentence as before) and also carries its catalogue key and fields, so that a presentation
layer can say it in the reader's language with :func:`render` — the Chinese 通报, ``airq assess``
for a Chinese plan. The templates are the ``[note]`` table of the string catalogue
(``airq/locale/{zh,en}.toml``, :mod:`airq.i18n`). A plain ``str`` note (a library message not in
the catalogue) renders as it is.
"""

from __future__ import annotations

from functools import lru_cache

from .i18n import fields, section, t

__all__ = ["Note", "note", "render", "from_text"]


class Note(str):
    """A note's English text, with ``key`` and ``fields`` to say it in another language."""

    key: str
    fields: dict

    def __new__(cls, key: str, fields: dict):
        obj = super().__new__(cls, _say(key, fields, "en"))
        obj.key, obj.fields = key, dict(fields)
        return obj

    def __reduce__(self):  # copies and pickles rebuild the note from its key and fields
        return (Note, (self.key, self.fields))

    def to(self, lang: str) -> str:
        """The note in ``lang``."""
        return _say(self.key, self.fields, lang)


def _say(key: str, fields: dict, lang: str) -> str:
    """A field that is a list is joined (its items rendered, e.g. notes of their own) with the language's separator."""
    sep = t("note.list_sep", lang)
    done = {k: sep.join(render(x, lang) for x in v) if isinstance(v, (list, tuple)) else render(v, lang) if isinstance(v, Note)
            else v for k, v in fields.items()}
    return t(f"note.{key}", lang, **done)


def note(key: str, **fields) -> Note:
    """The note ``note.<key>`` of the catalogue with its fields (texts and numbers)."""
    return Note(key, fields)


def render(text, lang: str) -> str:
    """A note in ``lang``: a :class:`Note` from the catalogue, any other text as it is."""
    return text.to(lang) if isinstance(text, Note) else str(text)


@lru_cache(maxsize=None)
def _fieldless(prefix: str) -> dict:
    """{English text: key} of the notes under ``note.<prefix>`` that have no fields."""
    return {text: f"{prefix}.{k}" for k, text in section(f"note.{prefix}", "en").items() if not fields(text)}


def from_text(text, prefix: str):
    """The note under ``note.<prefix>`` whose English text is ``text`` (a sentence stored as data — a flag's
    reason in the store — said again in the reader's language), else ``text`` as it is."""
    if isinstance(text, Note):
        return text
    key = _fieldless(prefix).get(str(text))
    return Note(key, {}) if key else text
