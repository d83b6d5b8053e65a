"""What the command modules share: the one-line error, loading a plan, reading dust days, dates.

Every error is one line on stderr starting with ``airq: error:`` and a non-zero exit status.
The prefix is the same in every language (scripts and cron logs look for it); the text output of a
command is in the language :func:`resolve_lang` picks (``--lang``, ``AIRQ_LANG``, the plan's, the system
locale), and so are its help and argparse's own sentences (:class:`Parser`, :func:`help_lang`).
"""

from __future__ import annotations

import argparse
import functools
import os
import re
from contextlib import contextmanager

__all__ = ["CLIError", "error_text", "error_sentence", "load_plan", "read_dust", "add_plan_arguments", "plan_from_args", "as_of_arg", "cli_message",
           "add_lang_argument", "lang_of", "resolve_lang", "env_lang", "system_lang", "help_lang", "helps", "Parser"]

#: The environment variable that chooses the language of every command (``zh`` or ``en``).
LANG_ENV = "AIRQ_LANG"
#: The locale variables, in POSIX order of precedence (the first one set decides).
LOCALE_ENV = ("LC_ALL", "LC_MESSAGES", "LANG")


class CLIError(Exception):
    """A user-facing error: printed as one line, exit status 1 (its message may be an :class:`airq.notes.Note`,
    said in the user's language by :func:`error_sentence`)."""


def error_text(exc: BaseException):
    """The message of a library exception: its :class:`airq.notes.Note` when it carries one, else its text."""
    from .notes import Note

    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Note) else str(exc)


def error_sentence(exc: BaseException, lang: str) -> str:
    """The error's sentence in ``lang``: a note from the catalogue said in it with the command line's words
    (:func:`cli_message`: ``extra_heavy_days`` -> ``--assume heavy`` in every language), any other message as it is."""
    from .notes import Note

    first = exc.args[0] if exc.args else None
    if isinstance(first, Note):
        return cli_message(str(first) if lang == "en" else first.to(lang))
    return str(exc)


def load_plan(path: str):
    """The plan TOML at ``path``; its errors become one :class:`CLIError` sentence."""
    from .config import ConfigError
    from .config import load_plan as _load

    try:
        return _load(path)
    except (ConfigError, FileNotFoundError, OSError) as exc:
        raise CLIError(error_text(exc)) from None


def read_dust(args):
    """``--dust-days FILE`` as a table (None when not given)."""
    if not getattr(args, "dust_days", None):
        return None
    from .assessment import read_dust_days

    try:
        return read_dust_days(args.dust_days)
    except ValueError as exc:
        raise CLIError(error_text(exc)) from None


# --------------------------------------------------------------------------- which language


def _lang_word(value) -> str | None:
    """``zh``/``en`` (also ``zh_CN.UTF-8``, ``EN``) as a language of the catalogue; anything else None."""
    v = str(value or "").strip().lower()
    return "zh" if v.startswith("zh") else "en" if v.startswith("en") else None


def env_lang(environ=None) -> str | None:
    """The language ``AIRQ_LANG`` asks for (``zh`` or ``en``), else None (unset, or not a language of airq)."""
    return _lang_word((os.environ if environ is None else environ).get(LANG_ENV))


def system_lang(environ=None) -> str:
    """The system locale's language: ``zh`` when the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set
    starts with ``zh`` (``zh_CN.UTF-8``), else ``en`` (``C.UTF-8``, ``en_US.UTF-8``, none set)."""
    env = os.environ if environ is None else environ
    for var in LOCALE_ENV:
        if env.get(var):
            return "zh" if env[var].strip().lower().startswith("zh") else "en"
    return "en"


def resolve_lang(given: str | None = None, plan=None, environ=None) -> str:
    """The language of a command: ``given`` (``--lang``), else ``AIRQ_LANG``, else the plan's
    (:func:`airq.i18n.default_lang`: zh for a Chinese plan), else the system locale (:func:`system_lang`), else en.

    The environment is read at each call (``environ``: a mapping instead of :data:`os.environ`).
    """
    from .i18n import check_lang, default_lang

    if given:
        return check_lang(given)
    chosen = env_lang(environ)
    if chosen:
        return chosen
    if plan is not None:
        return default_lang(plan)
    return system_lang(environ)


def argv_lang(argv) -> str | None:
    """The last ``--lang zh|en`` (or ``--lang=zh``) anywhere in ``argv``, else None."""
    from .i18n import LANGS

    found = None
    argv = list(argv or [])
    for i, word in enumerate(argv):
        value = argv[i + 1] if word == "--lang" and i + 1 < len(argv) else word[7:] if word.startswith("--lang=") else None
        if value in LANGS:
            found = value
    return found


def help_lang(argv=None, environ=None) -> str:
    """The language of the help and of argparse's own errors: ``--lang`` anywhere in ``argv``, else
    :func:`resolve_lang` without a plan (``AIRQ_LANG``, the system locale, en)."""
    return argv_lang(argv) or resolve_lang(None, None, environ)


def lang_of(args, plan=None) -> str:
    """The language of a command's text (:func:`resolve_lang`): ``--lang``, ``AIRQ_LANG``, ``plan``'s, the system
    locale, en."""
    from .i18n import set_display_lang

    lang = resolve_lang(getattr(args, "lang", None), plan)
    set_display_lang(lang)  # the progress bars of the library speak the command's language
    return lang


# --------------------------------------------------------------------------- argparse in the user's language


@functools.lru_cache(maxsize=None)
def _argparse_table(lang: str) -> dict:
    """argparse's English message ids -> their ``lang`` text (the catalogue's ``[cli.argparse]``)."""
    from .i18n import section

    en, said = section("cli.argparse", "en"), section("cli.argparse", lang)
    return {en[k]: said[k] for k in en}


@contextmanager
def argparse_words(lang: str):
    """Within the block, argparse says its own sentences (usage:, options, its parse errors) in ``lang``.

    argparse words them through ``gettext`` (its module globals ``_`` and ``ngettext``); these are pointed at the
    catalogue for the block and put back after (a process-wide change for the block: the command line parses in
    one thread). English changes nothing; a sentence of another Python version not in the catalogue stays English.
    """
    if lang == "en":
        yield
        return
    table = _argparse_table(lang)
    saved = argparse._, argparse.ngettext
    argparse._ = lambda message: table.get(message, message)
    argparse.ngettext = lambda one, many, n: table.get(one if n == 1 else many, one if n == 1 else many)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


_WIDE = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_TOKENS = re.compile(f"[{_WIDE}]|[^\\s{_WIDE}]+|\\s+")
_NO_LINE_START = set("，。；：、）》」』！？,.;:)")


class WideHelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, wrapped by display columns (a Chinese character takes two) and between any two
    Chinese characters — never before a closing punctuation mark."""

    def _split_lines(self, text, width):
        from .textable import display_width

        lines, line = [], ""
        for token in _TOKENS.findall(re.sub(r"\s+", " ", text).strip()):
            if token.isspace():
                line += " " if line else ""
            elif line and display_width(line + token) > width and token not in _NO_LINE_START:
                lines.append(line.rstrip())
                line = token
            else:
                line += token
        return lines + [line.rstrip()] if line else lines

    def _format_usage(self, usage, actions, groups, prefix):
        """argparse indents the usage's next lines by the prefix's characters: by its columns here (用法：)."""
        from .textable import display_width

        if prefix is None:
            prefix = argparse._("usage: ")
        extra = max(0, display_width(prefix) - len(prefix))
        self._width -= extra  # the lines are wrapped as if the prefix took its columns
        try:
            text = super()._format_usage(usage, actions, groups, prefix)
        finally:
            self._width += extra
        head, *rest = text.split("\n")
        return "\n".join([head, *((" " * extra + line) if line.strip() and extra > 0 else line for line in rest)])

    def _fill_text(self, text, width, indent):
        return "\n".join(indent + line for line in self._split_lines(text, width - len(indent)))


class Parser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` that says argparse's own words (usage:, positional arguments, options,
    show this help message and exit, its parse errors) in ``lang`` (:func:`argparse_words`), wraps Chinese help by
    display width, and makes its sub-command parsers the same. The ``airq: error:`` prefix stays as it is."""

    def __init__(self, *args, lang: str = "en", **kwargs):
        self.lang = lang
        if lang != "en":
            kwargs.setdefault("formatter_class", WideHelpFormatter)
        with argparse_words(lang):
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs):
        kwargs.setdefault("parser_class", functools.partial(Parser, lang=self.lang))
        with argparse_words(self.lang):
            return super().add_subparsers(**kwargs)

    def parse_known_args(self, args=None, namespace=None):
        with argparse_words(self.lang):
            return super().parse_known_args(args, namespace)

    def parse_args(self, args=None, namespace=None):
        with argparse_words(self.lang):
            return super().parse_args(args, namespace)

    def format_usage(self):
        with argparse_words(self.lang):
            return super().format_usage()

    def format_help(self):
        with argparse_words(self.lang):
            return super().format_help()

    def error(self, message):
        with argparse_words(self.lang):
            super().error(message)


def helps(topic: str, lang: str) -> dict:
    """The help texts of a command's options: the catalogue's ``[cli.help.<topic>]`` (``[cli.help]`` for ``""``),
    unformatted (argparse %-expands them)."""
    from .i18n import section

    return section("cli.help" + (f".{topic}" if topic else ""), lang)


def add_lang_argument(p: argparse.ArgumentParser, dest: str = "lang", metavar: str | None = None) -> None:
    """``--lang zh|en``: the language of the command's text output (never of its JSON); its help in ``p.lang``."""
    from .i18n import LANGS

    p.add_argument("--lang", dest=dest, choices=list(LANGS), default=None, metavar=metavar,
                   help=helps("", getattr(p, "lang", "en"))["lang"])


def add_plan_arguments(p: argparse.ArgumentParser, *, required: bool = True) -> None:
    """``--config CONFIG`` or ``--by station`` (every station of the store its own group)."""
    h = helps("", getattr(p, "lang", "en"))
    g = p.add_mutually_exclusive_group(required=required)
    g.add_argument("--config", help=h["config"])
    g.add_argument("--by", choices=["station"], help=h["by"])


def plan_from_args(args):
    """The plan named by ``--config``, or one group per station of ``--store`` with ``--by station``."""
    if getattr(args, "by", None) == "station":
        from . import store
        from .config import plan_by_station

        try:
            return plan_by_station(store.stations(args.store))
        except (FileNotFoundError, ValueError) as exc:
            raise CLIError(error_text(exc)) from None
    return load_plan(args.config)


def as_of_arg(text: str | None):
    """``--as-of`` as a day; anything but a full ``YYYY-MM-DD`` date is refused (never read as the 1st)."""
    if text is None:
        return None
    from .util import as_day

    try:
        return as_day(text, "--as-of")
    except ValueError as exc:
        raise CLIError(error_text(exc)) from None


#: Library argument names -> the command-line words, for messages raised by the library.
_CLI_WORDS = {"as_of ": "--as-of ", "dust_mode=": "--dust-mode ", "remaining_pm25_mean": "--assume pm25",
              "extra_nongood_days": "--assume nongood", "extra_heavy_days": "--assume heavy",
              "remaining_valid_days": "--assume valid_days"}


def cli_message(message):
    """A library message in the words of the command line (``as_of`` -> ``--as-of`` ...); a note is kept as it
    is (its words are chosen when it is said, :func:`error_sentence`)."""
    from .notes import Note

    if isinstance(message, Note):
        return message
    if message.startswith("as_of "):
        message = "--as-of " + message[len("as_of "):]
    message = message.replace(" (dust_mode= in Python)", "")
    for internal, word in _CLI_WORDS.items():
        if internal != "as_of ":
            message = message.replace(internal, word)
    return message
