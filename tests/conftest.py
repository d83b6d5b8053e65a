"""Shared pytest fixtures for the airq test suite."""

from pathlib import Path

import pytest

#: The project's read-only real-data folder (outside the repository, next to it).
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def shared_real() -> Path:
    """Path of ``../shared/data/real``; skips the test when the folder is absent."""
    if not REAL_DATA.is_dir():
        pytest.skip(f"real data not available: {REAL_DATA} does not exist (read-only project data outside the repo)")
    return REAL_DATA
