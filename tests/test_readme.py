"""The README's examples run as written (issue 9: "the README's every example runs as written").

The command block of "## Command line" and the Python block of "## In Python" are read from
README.md and executed, in order, in a fresh folder laid out like a checkout next to ``../shared``
(``config/`` linked from the repository, ``data/`` and ``reports/`` new). Each command must exit
0 and print no traceback; the Python block must run after them.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.realdata


def _block(text: str, heading: str, lang: str) -> str:
    section = text.split(heading, 1)[1]
    m = re.search(rf"```{lang}\n(.*?)```", section, re.S)
    assert m, f"no ```{lang} block under {heading}"
    return m.group(1)


def _commands(block: str) -> list[str]:
    joined = block.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]


@pytest.fixture(scope="module")
def checkout(shared_real, tmp_path_factory):
    base = tmp_path_factory.mktemp("readme")
    (base / "shared").symlink_to(shared_real.parents[1], target_is_directory=True)
    work = base / "main"
    work.mkdir()
    (work / "config").symlink_to(ROOT / "config", target_is_directory=True)
    return work


def test_readme_commands_and_python_run_as_written(checkout):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = _commands(_block(text, "## Command line", "sh"))
    assert len(commands) >= 10 and all(c.startswith("airq ") for c in commands)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    for command in commands:
        proc = subprocess.run(command, shell=True, cwd=checkout, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, f"{command}\n{proc.stderr[-2000:]}"
        assert "Traceback" not in proc.stderr, command
    assert (checkout / "reports" / "guigang_2023" / "2026-10" / "index.html").is_file()
    code = _block(text, "## In Python", "python")
    proc = subprocess.run([sys.executable, "-c", code], cwd=checkout, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "港北区" in proc.stdout and "at_risk" in proc.stdout
