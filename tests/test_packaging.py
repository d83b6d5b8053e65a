"""The repository layout and the two dependency lists (pyproject.toml, environment.yml)."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pyproject_requirements() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = list(data["project"]["dependencies"]) + list(data["project"]["optional-dependencies"]["test"])
    out = {}
    for r in reqs:
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", r.strip())
        out[m.group(1).lower()] = m.group(2).replace(" ", "")
    return out


def _environment_requirements() -> dict[str, str]:
    out = {}
    in_deps = False
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        m = re.match(r"^  - ([A-Za-z0-9_.\-]+)\s*([<>=!~][^#\s]*)?\s*(#.*)?$", line)
        m = m or re.match(r"^      - ([A-Za-z0-9_.\-]+)\s*([<>=!~][^#\s]*)?\s*(#.*)?$", line)  # pip: entries
        if in_deps and m:
            out[m.group(1).lower()] = (m.group(2) or "").replace(" ", "")
    out.pop("python", None)
    out.pop("pip", None)
    return out


def test_environment_yml_matches_pyproject():
    py, env = _pyproject_requirements(), _environment_requirements()
    assert py, "no requirements parsed from pyproject.toml"
    assert env == py, f"only in pyproject: {set(py.items()) - set(env.items())}; only in environment.yml: {set(env.items()) - set(py.items())}"


def test_environment_yml_uses_conda_forge_and_python_311():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "  - conda-forge" in text
    assert re.search(r"^  - python>=3\.11$", text, re.M)
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["requires-python"] == ">=3.11"
    assert data["project"]["name"] == "airq-cn"  # "airq" is taken on the package index


def test_layout_folders_exist():
    for folder in ("airq", "notebooks", "data/raw", "data/processed", "reports", "tests", "config"):
        assert (ROOT / folder).is_dir(), folder


def test_readme_opens_with_the_two_commands():
    head = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:40])
    assert "make demo" in head and "make test" in head
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_zh_cn_opens_with_the_two_commands():
    """Issue 13 item 4: the Chinese guide opens, right after its title, with the README's two commands."""
    text = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0].startswith("# "), "README.zh-CN.md must start with its title"
    assert lines[1] == "```sh", "the first thing after the title must be the ```sh block of the two commands"
    block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    assert [c for c in commands if c] == ["make demo", "make test"]
    assert "README.zh-CN.md" in "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:40])


def test_readme_zh_cn_names_only_real_subcommands():
    """Every `airq <command>` of the Chinese guide is a subcommand of the CLI, and the guide covers the main ones."""
    from airq.cli import build_parser

    usage = build_parser().format_usage()
    real = set(re.search(r"\{([a-z_,\-]+)\}", usage).group(1).split(","))
    text = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\bairq +([a-z][a-z_\-]*)", text))
    assert named <= real, f"not airq subcommands: {sorted(named - real)}"
    assert {"ingest", "quality", "assess", "whatif", "forecast", "report", "measures", "verify"} <= named


def test_rule_tables_ship_with_the_package():
    from importlib import resources

    names = {p.name for p in (resources.files("airq") / "rulesets").iterdir()}
    assert {"HJ633-2012.toml", "HJ633-2026.toml", "GB3095-2012.toml", "GB3095-2026.toml"} <= names


def test_import_works_from_the_checkouts_parent_folder(tmp_path):
    """Issue 9 item 10: a notebook server started in the folder above a checkout named ``airq``
    must import the package, not the checkout folder as a namespace package."""
    import subprocess
    import sys

    (tmp_path / "airq").symlink_to(ROOT, target_is_directory=True)
    code = "import airq, pathlib; print(pathlib.Path(airq.__file__).resolve()); print(airq.iaqi('pm25', 75, averaging='24h', rules='HJ633-2012'))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    where, value = proc.stdout.split()
    assert Path(where) == (ROOT / "airq" / "__init__.py").resolve()
    assert value == "100"
