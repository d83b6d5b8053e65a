"""Speed of the monthly report (`make benchmark`): the Guigang report — 6 groups, all notebooks,
HTML — warm, <= 60 s on this machine (issue 8)."""

from __future__ import annotations

import time
from pathlib import Path

from airq.config import load_plan
from airq.demo import write_demo
from airq.ingestion import ingest_files
from airq.monthly import run_report

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config" / "guigang_2023.toml"


def test_guigang_monthly_report(tmp_path):
    plan = load_plan(CONFIG)
    write_demo(tmp_path / "raw", end="2026-04-30")
    ingest_files("tidy", tmp_path / "raw", tmp_path / "store", known_stations=list(plan.stations))
    run_report(CONFIG, tmp_path / "store", "2026-03", out=tmp_path / "cold", n_sims=2000)  # warm the caches
    t = time.perf_counter()
    run = run_report(CONFIG, tmp_path / "store", "2026-03", out=tmp_path / "warm", n_sims=2000)
    secs = time.perf_counter() - t
    print(f"\nGuigang monthly report, 7 notebooks + HTML + summary, 2000 simulated years per group, warm: {secs:.1f} s")
    assert not run.failed
    assert secs <= 60
