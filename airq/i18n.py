"""The string catalogue: every user-facing text of airq in Chinese and English, in one place.

The catalogue is data: ``airq/locale/zh.toml`` and ``airq/locale/en.toml``, with the topics split out
into ``airq/locale/zh/*.toml`` and ``airq/locale/en/*.toml`` (shipped as package data). Both languages
define the same keys, grouped in TOML tables (``[cli]``, ``[report]``,
``[dispatch]`` ...); a key is the dotted path, e.g. ``"report.status.safe"``. A text is a
:meth:`str.format` template whose ``{fields}`` are the same in both languages
(``tests/test_i18n.py`` checks both).

* :func:`t` — one text, with its fields filled: ``t("cli.error", "zh", message=...)``;
* :func:`section` — every text of a table as a dict (e.g. the chart labels);
* :func:`default_lang` — ``"zh"`` for a plan whose name or any group name is Chinese, else ``"en"``.

JSON keys and JSON values (``"safe"``, ``"at_risk"`` ...) are never translated: JSON is for
machines and does not change with the language. Messages of the library's exceptions
(:mod:`airq.assessment`, :mod:`airq.store` ...) are English. ``docs/i18n.md`` says how to add a
string.
"""

from __future__ import annotations

import re
import string
import tomllib
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

__all__ = ["LANGS", "CatalogueError", "t", "section", "keys", "fields", "files", "default_lang", "has_cjk", "check_lang",
           "display_lang", "set_display_lang"]

#: The languages of the catalogue (the first is the language of the Chinese plans).
LANGS = ("zh", "en")
_DIR = Path(__file__).resolve().parent / "locale"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


class CatalogueError(LookupError):
    """A key, a language or a field the catalogue does not have (a programming error: one sentence)."""


def check_lang(lang: str) -> str:
    """``lang`` if it is one of :data:`LANGS`, else :class:`CatalogueError`."""
    if lang not in LANGS:
        raise CatalogueError(f"unknown language {lang!r}; the catalogue has {', '.join(LANGS)}")
    return lang


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        elif isinstance(v, str):
            out[key] = v
        else:
            raise CatalogueError(f"the catalogue entry {key!r} is a {type(v).__name__}, not a text")
    return out


def files(lang: str) -> list[Path]:
    """The files of the catalogue of ``lang``: ``locale/<lang>.toml`` then ``locale/<lang>/*.toml`` by name.

    The catalogue is one set of keys; the files only split it by topic (the readers' errors, the plan
    file's, the store's ...). A key defined in two files is a :class:`CatalogueError`.
    """
    check_lang(lang)
    return [_DIR / f"{lang}.toml", *sorted((_DIR / lang).glob("*.toml"))]


@lru_cache(maxsize=None)
def _catalogue(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    where: dict[str, str] = {}
    for path in files(lang):
        with open(path, "rb") as fh:
            part = _flatten(tomllib.load(fh))
        for key in part:
            if key in out:
                raise CatalogueError(f"the catalogue key {key!r} is defined twice: in {where[key]} and in "
                                     f"locale/{path.relative_to(_DIR)}")
            where[key] = f"locale/{path.relative_to(_DIR)}"
        out.update(part)
    return out


def keys(lang: str = "en") -> set[str]:
    """Every key of the catalogue of ``lang``."""
    return set(_catalogue(lang))


def fields(template: str) -> set[str]:
    """The names of the ``{fields}`` of a template (``{x:.1f}`` -> ``x``)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def t(key: str, lang: str, /, **values) -> str:
    """The text ``key`` in ``lang`` with its ``{fields}`` filled from ``values``.

    Raises :class:`CatalogueError` for an unknown language or key, or a field not given.
    """
    cat = _catalogue(check_lang(lang))
    try:
        template = cat[key]
    except KeyError:
        raise CatalogueError(f"the string catalogue (airq/locale/{lang}.toml) has no key {key!r}") from None
    try:
        return template.format(**values)
    except (KeyError, IndexError) as exc:
        raise CatalogueError(f"the catalogue text {key!r} ({lang}) needs the field {exc.args[0]!r}") from None


def section(prefix: str, lang: str) -> dict[str, str]:
    """The texts under ``prefix`` (a TOML table) as ``{rest of the key: template}``, unformatted."""
    cat = _catalogue(check_lang(lang))
    head = prefix.rstrip(".") + "."
    out = {k[len(head):]: v for k, v in cat.items() if k.startswith(head)}
    if not out:
        raise CatalogueError(f"the string catalogue (airq/locale/{lang}.toml) has no table {prefix!r}")
    return out


def has_cjk(text) -> bool:
    """Whether ``text`` holds a CJK ideograph."""
    return bool(_CJK.search(str(text or "")))


def default_lang(plan) -> str:
    """``"zh"`` when the plan is Chinese (its name or any group name holds CJK characters), else ``"en"``.

    ``plan`` is a :class:`airq.config.Plan` (or anything with ``name`` and ``groups``); ``None``
    (no plan) gives ``"en"``.
    """
    if plan is None:
        return "en"
    names = [getattr(plan, "name", ""), *(getattr(plan, "groups", None) or {})]
    return "zh" if any(has_cjk(n) for n in names) else "en"


#: The language of what the library shows while it works (progress bars), set by the command that runs it.
_DISPLAY = ContextVar("airq_display_lang", default="en")


def set_display_lang(lang: str) -> None:
    """The language of the progress bars from now on (the command line sets it to the command's language)."""
    _DISPLAY.set(check_lang(lang))


def display_lang() -> str:
    """The language of the progress bars: the command's (:func:`set_display_lang`), English by default."""
    return _DISPLAY.get()
