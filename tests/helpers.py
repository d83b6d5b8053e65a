"""Small helpers shared by the test files (tests/ is on sys.path under pytest's default import mode)."""

from __future__ import annotations

import pytest

from airq.cli import main
from airq.notes import Note


def airq(capsys, *argv):
    """``airq ARGV`` run in this process: (exit status, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def raised(fn, exc=ValueError):
    """The exception ``fn()`` raises; its message (``args[0]``) must be a catalogue note."""
    with pytest.raises(exc) as info:
        fn()
    assert isinstance(info.value.args[0], Note), info.value.args[0]
    return info.value
