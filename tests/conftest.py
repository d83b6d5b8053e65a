"""Shared pytest fixtures for the airq test suite."""

import os
from pathlib import Path

import pytest

# The language airq picks without --lang follows AIRQ_LANG and the system locale (airq.cli_common.resolve_lang).
# The suite's expectations of the default language must not depend on the machine that runs it: every test and
# every command it starts run with no AIRQ_LANG and a neutral locale; the tests of that choice set them themselves.
for _name in ("AIRQ_LANG", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

#: The project's read-only real-data folder (outside the repository, next to it).
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def shared_real() -> Path:
    """Path of ``../shared/data/real``; skips the test when the folder is absent."""
    if not REAL_DATA.is_dir():
        pytest.skip(f"real data not available: {REAL_DATA} does not exist (read-only project data outside the repo)")
    return REAL_DATA


@pytest.fixture(scope="session")
def demo_job(tmp_path_factory) -> dict:
    """``airq demo`` run once for the session (it takes ~35 s: data, store, forecasts, the monthly report),
    then once more with ``--skip-report`` on the same folders (the determinism checks compare the two). The first
    run is in English (``--lang en``), the second in the plan's language (Chinese).

    Returns the folders, both runs' stdout and the bytes of the first run's result files."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    base = tmp_path_factory.mktemp("demo_job")
    args = ["--out", str(base / "reports"), "--raw", str(base / "raw"), "--store", str(base / "store")]

    def demo(*extra):
        proc = subprocess.run([sys.executable, "-m", "airq.cli", "demo", *args, *extra], capture_output=True, text=True,
                              cwd=base)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    first = demo("--lang", "en")
    files = {p.name: p.read_bytes() for p in sorted((base / "reports").glob("*.json"))}
    second = demo("--skip-report")  # in the plan's language: Chinese
    return {"base": base, "reports": base / "reports", "first": first, "second": second, "first_files": files,
            "root": root}


#: The four Guigang stations of the two-month store below.
JANFEB_STATIONS = ["2506A", "2507A", "2508A", "3405A"]


@pytest.fixture(scope="session")
def janfeb_raw(tmp_path_factory) -> Path:
    """Synthetic demo files (with flagged values) of January and February 2025, four Guigang stations."""
    from airq.demo import write_demo

    folder = tmp_path_factory.mktemp("janfeb_raw")
    write_demo(folder, start="2025-01-01", end="2025-02-28", stations=JANFEB_STATIONS)
    return folder


@pytest.fixture(scope="session")
def janfeb_built(tmp_path_factory, janfeb_raw) -> Path:
    """A store of those files, January and February ingested separately; never modified: tests copy it
    (``shutil.copytree(..., copy_function=shutil.copy2)`` keeps the mtimes, the store's fast path)."""
    from airq.ingestion import ingest_files

    store = tmp_path_factory.mktemp("janfeb_built") / "store"
    for month in ("2025-01", "2025-02"):
        ingest_files("tidy", janfeb_raw / f"demo_{month}.csv", store, known_stations=JANFEB_STATIONS)
    return store
