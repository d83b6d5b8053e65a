"""What the command modules share: the one-line error, loading a plan, reading dust days, dates.

Every error is one line on stderr starting with ``airq: error:`` and a non-zero exit status.
The prefix is the same in every language (scripts and cron logs look for it); the text output of a
command is in the language of ``--lang`` (:func:`add_lang_argument`, :func:`lang_of`).
"""

from __future__ import annotations

import argparse

__all__ = ["CLIError", "error_text", "error_sentence", "load_plan", "read_dust", "add_plan_arguments", "plan_from_args", "as_of_arg", "cli_message",
           "add_lang_argument", "lang_of"]


class CLIError(Exception):
    """A user-facing error: printed as one line, exit status 1 (its message may be an :class:`airq.notes.Note`,
    said in the user's language by :func:`error_sentence`)."""


def error_text(exc: BaseException):
    """The message of a library exception: its :class:`airq.notes.Note` when it carries one, else its text."""
    from .notes import Note

    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Note) else str(exc)


def error_sentence(exc: BaseException, lang: str) -> str:
    """The error's sentence in ``lang``: a note from the catalogue said in it (in English with the command
    line's words, :func:`cli_message`), any other message as it is."""
    from .notes import Note

    first = exc.args[0] if exc.args else None
    if isinstance(first, Note):
        return first.to(lang) if lang != "en" else cli_message(str(first))
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


def add_lang_argument(p: argparse.ArgumentParser) -> None:
    """``--lang zh|en``: the language of the command's text output (never of its JSON)."""
    from .i18n import LANGS, t

    p.add_argument("--lang", choices=list(LANGS), default=None, help=t("cli.lang_help", "en"))


def lang_of(args, plan=None) -> str:
    """The language of a command's text: ``--lang`` when given, else :func:`airq.i18n.default_lang` of
    ``plan`` ("zh" for a Chinese plan; "en" without a plan)."""
    from .i18n import default_lang

    return getattr(args, "lang", None) or default_lang(plan)


def add_plan_arguments(p: argparse.ArgumentParser, *, required: bool = True) -> None:
    """``--config CONFIG`` or ``--by station`` (every station of the store its own group)."""
    g = p.add_mutually_exclusive_group(required=required)
    g.add_argument("--config", help="plan TOML (config/guigang_2023.toml)")
    g.add_argument("--by", choices=["station"], help="no plan: every station of the store is its own group")


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
