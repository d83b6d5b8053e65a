#!/usr/bin/env python
"""National benchmark (issue 11): a SYNTHETIC national year, each stage timed in its own process.

Nothing produced here is a measurement: every value is simulated, deterministically from a seed.

Usage (from the repository folder, with the project's venv)::

    python benchmarks/national.py                         # full size: 1,900 stations, 3 years -> docs/performance.md
    python benchmarks/national.py --stations 200 --years 2 --out /tmp/perf.md
    python benchmarks/national.py generate --stations 1900 --years 3   # only the data (plan TOML, CSVs, frames)

``make benchmark`` runs it through ``benchmarks/test_bench_national.py`` with the other benchmarks;
``make benchmark-national`` runs only it (``STATIONS=``, ``YEARS=`` for other sizes).

What it builds (in ``--workdir``, default ``$TMPDIR/airq-bench-national``; never in the repository):

* a plan TOML with ``--stations`` stations in ``round(stations * 340 / 1900)`` groups of kind
  ``county`` (5-6 stations each at full size), default targets for every group;
* ``--years`` calendar years ending 2025 (all under the 2012 rule sets: no year crosses
  2026-03-01): the last year as 12 monthly tidy CSVs (hour-ending labels, the ``tidy`` ingest
  format), the earlier years as canonical hourly frames (Parquet) merged into a store with
  :func:`airq.store.ingest`;
* seasonal levels with a south-north gradient (heating-season PM, spring dust in the north,
  summer ozone in the north and autumn ozone in the south), regional weather factors shared by
  the groups of a province, station factors and hourly noise, so that every AQI category
  occurs; ~2 % missing hours (whole rows empty, single values empty) and station outages (rows
  absent; a few stations lose about a month).

Each stage runs in a child process of its own. Times are wall-clock seconds: for commands
(``airq ingest``, ``airq assess``) the whole process, interpreter start and imports included;
for library calls the call itself, its inputs read beforehand from files the earlier stages
wrote. Peak memory is the child's peak resident set (``VmHWM``, i.e. its ``ru_maxrss`` without
what a child inherits from its parent at ``exec``), reset at the start of a library call
(``/proc/self/clear_refs``), so it includes the inputs the stage holds. The long-format pandas
way is computed in the same run, on the same store files, and airq's numbers are compared
with it wherever both are defined.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve()
GEN_VERSION = 1  # bump when the generator's output changes
DEFAULT_SEED = 20250101
DEFAULT_STATIONS = 1900
FULL_GROUPS = 340
LAST_YEAR = 2025
POLLUTANTS = ("so2", "no2", "co", "o3", "pm10", "pm25")
GUIGANG_PLAN = ROOT / "config" / "guigang_2023.toml"
GUIGANG_REAL = ROOT.parent / "shared" / "data" / "real" / "cnemc_guigang_2023q1" / "station_daily.csv"
TOL = 1e-9  # absolute tolerance [µg/m³; co mg/m³] for values computed both ways


# ============================================================================ small helpers


def _status_kb(key: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset this process's peak RSS (VmHWM) to its current RSS (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _code_key() -> str:
    """Hash of airq's sources: a cached store is rebuilt whenever the code that wrote it changed."""
    h = hashlib.sha256()
    for p in sorted((ROOT / "airq").rglob("*.py")) + sorted((ROOT / "airq").rglob("*.toml")):
        h.update(str(p.relative_to(ROOT)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _git_state() -> dict:
    """HEAD and the airq files that differ from it (the benchmark measures the code as it is on disk)."""
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    return {"head": git("rev-parse", "--short", "HEAD"), "dirty": git("status", "--porcelain", "--", "airq").splitlines()}


def _prune(keep: Path, code_key: str) -> None:
    """Remove the cached stores of other airq versions (same name but another source hash)."""
    for other in keep.parent.glob(keep.name.replace(code_key, "*")):
        if other != keep and other.is_dir() and not other.name.endswith(".tmp"):
            shutil.rmtree(other, ignore_errors=True)


def _say(msg: str) -> None:
    print(msg, flush=True)


def years_of(n_years: int) -> list[int]:
    return list(range(LAST_YEAR - n_years + 1, LAST_YEAR + 1))


def dirs(workdir: Path, stations: int, years: int, seed: int, code_key: str | None = None) -> dict:
    """Folders of a run; ``code_key`` (airq's source hash, fixed by the parent) names the cached stores."""
    code_key = code_key or _code_key()
    gen = workdir / f"gen-v{GEN_VERSION}-s{stations}-y{years}-seed{seed}"
    return {
        "gen": gen,
        "plan": gen / "plan.toml",
        "csv": gen / "csv" / str(LAST_YEAR),
        "frames": gen / "frames",
        "base": workdir / f"base-store-{code_key}-s{stations}-y{years}-seed{seed}",
        "run": workdir / "run",
        "store": workdir / "run" / "store",
        "guigang": workdir / f"guigang-{code_key}",
    }


# ============================================================================ generator


def _rng(seed: int, *key: int):
    import numpy as np

    return np.random.default_rng(np.random.SeedSequence([int(seed), *map(int, key)]))


def _ar1(rng, shape, phi: float):
    """Stationary unit-variance AR(1) along the last axis (parallel prefix scan, as airq.demo)."""
    import numpy as np

    x = rng.standard_normal(shape)
    x[..., 0] /= np.sqrt(1.0 - phi**2)
    n = x.shape[-1]
    k, p = 1, phi
    while k < n and p > 1e-12:
        x[..., k:] = x[..., k:] + p * x[..., :-k]
        k, p = 2 * k, p * p
    x *= np.sqrt(1.0 - phi**2)
    return x


def _days_to_hours(daily):
    """Linear interpolation of values at noon of each day to every hour (last axis)."""
    import numpy as np

    n_days = daily.shape[-1]
    pos = (np.arange(24 * n_days) + 0.5) / 24.0 - 0.5
    i0 = np.clip(np.floor(pos).astype(np.int64), 0, n_days - 1)
    i1 = np.minimum(i0 + 1, n_days - 1)
    w = np.clip(pos - i0, 0.0, 1.0)
    return daily[..., i0] * (1.0 - w) + daily[..., i1] * w


# diurnal shapes (index = hour start), mean about 1 (as airq.demo)
_DIURNAL = {
    "pm": [1.08, 1.06, 1.03, 1.00, 0.98, 0.98, 1.00, 1.04, 1.09, 1.11, 1.07, 1.00,
           0.93, 0.88, 0.85, 0.84, 0.86, 0.91, 0.97, 1.03, 1.08, 1.11, 1.12, 1.10],
    "no2": [1.05, 0.98, 0.92, 0.88, 0.86, 0.88, 0.97, 1.15, 1.32, 1.25, 1.08, 0.92,
            0.80, 0.74, 0.72, 0.74, 0.82, 0.98, 1.20, 1.36, 1.38, 1.30, 1.20, 1.12],
    "so2": [0.90, 0.88, 0.87, 0.86, 0.86, 0.87, 0.90, 0.96, 1.05, 1.15, 1.20, 1.22,
            1.20, 1.16, 1.10, 1.05, 1.00, 0.98, 1.00, 1.02, 1.00, 0.97, 0.94, 0.92],
    "o3_back": [1.00, 0.98, 0.95, 0.92, 0.88, 0.82, 0.70, 0.58, 0.55, 0.62, 0.75, 0.88,
                0.95, 1.00, 1.00, 1.00, 0.98, 0.92, 0.82, 0.78, 0.80, 0.86, 0.92, 0.97],
}


class Layout:
    """Stations, groups and provinces of the synthetic nation (deterministic from the seed)."""

    def __init__(self, n_stations: int, seed: int):
        import numpy as np

        if n_stations < 5:
            raise ValueError("--stations must be at least 5")
        self.n = n_stations
        self.n_groups = max(1, int(round(n_stations * FULL_GROUPS / DEFAULT_STATIONS)))
        sizes = np.full(self.n_groups, n_stations // self.n_groups)
        sizes[: n_stations % self.n_groups] += 1
        self.sizes = sizes
        self.group_of = np.repeat(np.arange(self.n_groups), sizes)
        r = _rng(seed, 0)
        self.n_prov = min(31, self.n_groups)
        prov_u = np.sort(r.uniform(0.0, 1.0, self.n_prov))  # 0 = far south ... 1 = far north
        self.prov_of_group = np.sort(r.integers(0, self.n_prov, self.n_groups))
        self.u = np.clip(prov_u[self.prov_of_group] + r.normal(0.0, 0.04, self.n_groups), 0.0, 1.0)
        self.codes = np.array([f"{1001 + i}A" for i in range(n_stations)], dtype=object)
        self.groups = [f"county-{g + 1:03d}" for g in range(self.n_groups)]
        g_lon = r.uniform(100.0, 122.0, self.n_groups)
        self.lat = 20.0 + 22.0 * self.u[self.group_of] + r.normal(0.0, 0.05, n_stations)
        self.lon = g_lon[self.group_of] + r.normal(0.0, 0.05, n_stations)

    def members(self) -> dict:
        return {g: [str(c) for c in self.codes[self.group_of == i]] for i, g in enumerate(self.groups)}


def write_plan(lay: Layout, path: Path, years: list[int]) -> None:
    """The plan TOML: every station, the groups (kind county), default targets for every group."""
    lines = [
        "# SYNTHETIC national plan written by benchmarks/national.py (issue 11): invented stations and groups.",
        "[plan]",
        'name = "synthetic national benchmark plan"',
        'city = "synthetic nation"',
        f"years = [{', '.join(map(str, years))}]",
        'source = "benchmarks/national.py (synthetic, not real stations)"',
        "",
    ]
    for i, c in enumerate(lay.codes):
        lines += [f"[stations.{c}]", f'name = "synthetic {c}"', f"lat = {lay.lat[i]:.4f}", f"lon = {lay.lon[i]:.4f}",
                  "contrast = false", "synthetic = true", ""]
    for g, ms in lay.members().items():
        lines += [f'[groups."{g}"]', 'kind = "county"', f"stations = [{', '.join(repr(m).replace(chr(39), chr(34)) for m in ms)}]", ""]
    for g in lay.groups:
        lines += [f'[targets.default."{g}"]', "good_day_ratio = 85.0", "pm25_mean = 35.0", "heavy_day_ratio = 2.0", ""]
    _atomic_write(path, "\n".join(lines))


def generate_year(lay: Layout, year: int, seed: int):
    """One calendar year: (values (6, N, H) float64 in POLLUTANTS order, NaN = missing; present (N, H) bool)."""
    import numpy as np

    n_days = 366 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365
    H = 24 * n_days
    N, G, P = lay.n, lay.n_groups, lay.n_prov
    u = lay.u[:, None]
    prov = lay.prov_of_group
    gof = lay.group_of
    frac = (np.arange(n_days) + 0.5) / n_days
    winter = np.cos(2 * np.pi * (frac - 15 / 365))[None, :]  # +1 mid-January, -1 mid-July
    spring = np.exp(-(((frac - 0.30) / 0.07) ** 2))[None, :]  # dust season, mid-April
    hour = np.arange(H) % 24
    r = _rng(seed, 1, year)
    stag = _ar1(r, (P, n_days), 0.75)[prov]  # regional stagnation (PM, NO2, SO2, CO)
    sunny = _ar1(r, (P, n_days), 0.70)[prov]  # regional ozone weather

    def group_daily(base, amp, sd, w_reg, reg, phi=0.6):
        own = _ar1(r, (G, n_days), phi)
        return np.log(base) + amp * winter + sd * (w_reg * reg + np.sqrt(1 - w_reg**2) * own)

    def station(log_hours, sd_station, sd_noise, diurnal, phi=0.85):
        fac = r.normal(0.0, sd_station, N)[:, None]
        x = _ar1(r, (N, H), phi)
        x *= sd_noise
        x += log_hours[gof]
        x += fac
        x += np.log(np.asarray(diurnal))[hour][None, :]
        return np.exp(x)

    values = np.empty((len(POLLUTANTS), N, H))
    idx = {p: i for i, p in enumerate(POLLUTANTS)}

    def put(p, v):  # published precision: integers, CO one decimal; never below the lowest published value
        values[idx[p]] = np.maximum(np.round(v, 1), 0.1) if p == "co" else np.maximum(np.round(v), 1.0)

    # PM2.5: 14..40 µg/m³ annual level south -> north; winter/summer ratio 1.6 .. 3.2
    pm_log = group_daily(14 + 26 * u, np.log(1.6 + 1.6 * u) / 2, 0.42 + 0.12 * u, 0.85, stag)
    put("pm25", station(_days_to_hours(pm_log), 0.10, 0.22, _DIURNAL["pm"]))
    # PM10 = PM2.5 x coarse ratio (spring dust in the north)
    coarse_log = np.log(1.5 + 0.3 * u + 0.8 * u * spring) + 0.12 * _ar1(r, (G, n_days), 0.5)
    put("pm10", values[idx["pm25"]] * station(_days_to_hours(coarse_log), 0.06, 0.10, [1.0] * 24, phi=0.7))
    values[idx["pm10"]] = np.maximum(values[idx["pm10"]], values[idx["pm25"]])
    put("no2", station(_days_to_hours(group_daily(16 + 16 * u, 0.18 + 0.10 * u, 0.30, 0.6, stag)), 0.15, 0.25, _DIURNAL["no2"]))
    put("so2", station(_days_to_hours(group_daily(4 + 9 * u, 0.20 + 0.35 * u, 0.35, 0.5, stag)), 0.20, 0.25, _DIURNAL["so2"]))
    put("co", station(_days_to_hours(group_daily(0.45 + 0.5 * u, 0.12 + 0.22 * u, 0.28, 0.7, stag)), 0.10, 0.18, _DIURNAL["pm"]))
    # O3: night background + photochemical bump (~15:00); north peaks in June, south in late September
    amp_n = 40 + 150 * np.exp(-(((frac - 0.46) / 0.13) ** 2))
    amp_s = 55 + 110 * np.exp(-(((frac - 0.72) / 0.12) ** 2))
    amp = (u * amp_n[None, :] + (1 - u) * amp_s[None, :]) * np.exp(0.22 * sunny + 0.10 * _ar1(r, (G, n_days), 0.6))
    night = (22 + 6 * r.standard_normal((G, 1))) * np.exp(0.15 * _ar1(r, (G, n_days), 0.6))
    bump = np.exp(-(((np.arange(24) - 15.0) / 3.6) ** 2))
    o3_g = _days_to_hours(night) * np.asarray(_DIURNAL["o3_back"])[hour][None, :] + _days_to_hours(amp) * bump[hour][None, :]
    put("o3", station(np.log(np.maximum(o3_g, 1.0)), 0.06, 0.12, [1.0] * 24, phi=0.8))

    # imperfections: outages (rows absent), empty hours (row present, all NaN), single empty values
    m = _rng(seed, 2, year)
    n_out = m.poisson(3.0, N)
    st = np.repeat(np.arange(N), n_out)
    length = np.clip(np.exp(m.normal(np.log(18.0), 1.0, len(st))), 2, 240).astype(np.int64)
    longest = m.random(N) < 0.01  # about 1 % of stations lose about a month
    st = np.concatenate([st, np.flatnonzero(longest)])
    length = np.concatenate([length, 24 * m.integers(20, 45, int(longest.sum()))])
    start = m.integers(0, H, len(st))
    diff = np.zeros((N, H + 1), dtype=np.int32)
    np.add.at(diff, (st, start), 1)
    np.add.at(diff, (st, np.minimum(start + length, H)), -1)
    present = np.cumsum(diff[:, :H], axis=1) == 0
    del diff
    empty_row = m.random((N, H)) < 0.016
    values[:, empty_row] = np.nan
    for i in range(len(POLLUTANTS)):
        values[i][m.random((N, H)) < 0.004] = np.nan
    return values, present


def _rows(values, present):
    import numpy as np

    del values
    s_idx, h_idx = np.nonzero(present)  # sorted by station, then hour
    return s_idx, h_idx


def year_frame(lay: Layout, year: int, values, present):
    """The canonical hourly table of a generated year (station, time hour start, pollutants)."""
    import numpy as np
    import pandas as pd

    s_idx, h_idx = _rows(values, present)
    t0 = np.datetime64(f"{year}-01-01T00", "h")
    times = (t0 + np.arange(values.shape[2]).astype("timedelta64[h]")).astype("datetime64[ns]")
    frame = pd.DataFrame({"station": pd.array(lay.codes[s_idx], dtype="str"), "time": times[h_idx]})
    for i, p in enumerate(POLLUTANTS):
        frame[p] = values[i][s_idx, h_idx]
    frame.attrs["synthetic"] = True
    return frame


def write_month_csvs(lay: Layout, year: int, values, present, folder: Path, progress=True) -> list[Path]:
    """12 monthly tidy CSVs (hour-ending labels ``YYYY-MM-DD HH:MM``, integers, CO one decimal, empty = missing)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    folder.mkdir(parents=True, exist_ok=True)
    s_idx, h_idx = _rows(values, present)
    H = values.shape[2]
    t0 = np.datetime64(f"{year}-01-01T00", "h")
    starts = t0 + np.arange(H).astype("timedelta64[h]")
    labels = np.char.replace(np.datetime_as_string(starts + np.timedelta64(1, "h"), unit="m").astype(str), "T", " ")
    month_of_hour = starts.astype("datetime64[M]").astype(np.int64) - starts[0].astype("datetime64[M]").astype(np.int64)
    row_month = month_of_hour[h_idx]
    order = np.argsort(row_month, kind="stable")
    bounds = np.searchsorted(row_month[order], np.arange(13))
    code_arr = pa.array(lay.codes.astype(str))
    label_arr = pa.array(labels)
    paths = []
    for mth in range(12):
        sel = order[bounds[mth]:bounds[mth + 1]]
        s, h = s_idx[sel], h_idx[sel]
        cols = {"station": code_arr.take(pa.array(s)), "time": label_arr.take(pa.array(h))}
        for i, p in enumerate(POLLUTANTS):
            v = values[i][s, h]
            nan = np.isnan(v)
            if p == "co":
                cols[p] = pa.array(v, mask=nan)
            else:
                cols[p] = pa.array(np.where(nan, 0, v).astype(np.int64), mask=nan)
        path = folder / f"national_{year}-{mth + 1:02d}.csv"
        tmp = path.with_name("." + path.name + ".tmp")
        pacsv.write_csv(pa.table(cols), tmp, write_options=pacsv.WriteOptions(quoting_style="none"))
        os.replace(tmp, path)
        paths.append(path)
        if progress:
            _say(f"    wrote {path.name} ({len(sel):,} rows, {path.stat().st_size / 1e6:.0f} MB)")
    return paths


def _write_readme(gen: Path, lay: Layout, years: list[int], seed: int) -> None:
    _atomic_write(gen / "README.txt", (
        "SYNTHETIC DATA - NOT REAL MEASUREMENTS\n"
        f"Written by benchmarks/national.py (generator v{GEN_VERSION}, seed {seed}): {lay.n} invented stations in "
        f"{lay.n_groups} invented county groups, years {years[0]}..{years[-1]}.\n"
        f"csv/{LAST_YEAR}/: monthly tidy CSVs (station,time,so2,no2,co,o3,pm10,pm25; time = hour-ending label).\n"
        "frames/: the earlier years as canonical hourly Parquet (hour start). plan.toml: the plan.\n"))


def generate(stations: int, n_years: int, seed: int, workdir: Path, progress: bool = True) -> dict:
    """Write (or reuse) the plan, the last year's CSVs and the earlier years' frames; return the paths."""
    import numpy as np

    d = dirs(workdir, stations, n_years, seed)
    years = years_of(n_years)
    done = d["gen"] / "DONE"
    if done.exists():
        if progress:
            _say(f"  data already generated in {d['gen']}")
        return d
    lay = Layout(stations, seed)
    d["gen"].mkdir(parents=True, exist_ok=True)
    write_plan(lay, d["plan"], years)
    for y in years:
        t = time.perf_counter()
        values, present = generate_year(lay, y, seed)
        if progress:
            empty = np.mean([np.isnan(values[i][present]).mean() for i in range(len(POLLUTANTS))])
            miss = 1 - present.mean() * (1 - empty)
            _say(f"  generated {y}: {lay.n} stations x {values.shape[2]} h, {int(present.sum()):,} rows, "
                 f"{100 * (1 - present.mean()):.1f} % station-hours absent, {100 * miss:.1f} % values missing or absent "
                 f"({time.perf_counter() - t:.0f} s)")
        if y == LAST_YEAR:
            write_month_csvs(lay, y, values, present, d["csv"], progress)
        else:
            d["frames"].mkdir(parents=True, exist_ok=True)
            frame = year_frame(lay, y, values, present)
            path = d["frames"] / f"{y}.parquet"
            frame.to_parquet(path.with_suffix(".tmp"), index=False)
            os.replace(path.with_suffix(".tmp"), path)
            del frame
        del values, present
    _write_readme(d["gen"], lay, years, seed)
    done.write_text(json.dumps({"stations": stations, "years": years, "seed": seed, "groups": lay.n_groups}))
    return d


# ============================================================================ stages (each runs in a child)


class Ctx:
    def __init__(self, a):
        self.workdir = Path(a.workdir)
        self.stations, self.years, self.seed = a.stations, a.years, a.seed
        self.d = dirs(self.workdir, a.stations, a.years, a.seed, a.code_key)
        self.store = self.d["store"]
        self.plan_path = self.d["plan"]
        self.inter = self.d["run"] / "inter"
        self.inter.mkdir(parents=True, exist_ok=True)
        self.year = LAST_YEAR
        self.repeat = a.repeat
        self.extra: dict = {}  # details of a run (kept from the best one)
        self.out: dict = {"code_key": _code_key()}

    @property
    def start(self):
        import pandas as pd

        return pd.Timestamp(f"{self.year}-01-01")

    @property
    def end(self):
        import pandas as pd

        return pd.Timestamp(f"{self.year}-12-31")

    def timed(self, key, fn, repeat=None):
        """Run fn ``repeat`` times (default --repeat), each with the peak RSS reset first; record the best
        seconds and the largest peak [GB] under key (the previous result is dropped before each run)."""
        import gc

        repeat = self.repeat if repeat is None else repeat
        best, peak, res = float("inf"), 0.0, None
        for _ in range(max(1, repeat)):
            res = None
            gc.collect()
            rss0 = _status_kb("VmRSS")
            _reset_peak()
            t = time.perf_counter()
            res = fn()
            secs = time.perf_counter() - t
            peak = max(peak, (_status_kb("VmHWM") or 0) / 1048576)
            if secs < best:
                best, best_extra = secs, dict(self.extra)
        self.out[key] = {"seconds": best, "peak_gb": peak, "rss_before_gb": (rss0 or 0) / 1048576, "runs": max(1, repeat)}
        self.out.update(best_extra)
        return res


def _hour_files(store: Path, year: int) -> list[Path]:
    return [store / "hourly" / f"month={year}-{m:02d}" / "data.parquet" for m in range(1, 13)]


def st_base_store(c: Ctx):
    """Earlier years merged into a fresh store with airq.store.ingest (cached per airq source hash)."""
    import pandas as pd
    from airq import store

    base = c.d["base"]
    tmp = base.with_name(base.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    for y in years_of(c.years)[:-1]:
        t = time.perf_counter()
        frame = pd.read_parquet(c.d["frames"] / f"{y}.parquet")
        frame["station"] = frame["station"].astype("str")
        res = store.ingest(frame, tmp, progress=False)
        _say(f"    stored {y}: {res.rows_added:,} rows added ({time.perf_counter() - t:.0f} s)")
        del frame
    os.replace(tmp, base)


def st_guigang_store(c: Ctx):
    """The Guigang demo store (airq.demo, as benchmarks/test_bench_report.py) and, if present, the real one."""
    from airq.config import load_plan
    from airq.demo import write_demo
    from airq.ingestion import ingest_files

    g = c.d["guigang"]
    tmp = g.with_name(g.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    plan = load_plan(GUIGANG_PLAN)
    write_demo(tmp / "raw", end="2026-04-30")
    ingest_files("tidy", tmp / "raw", tmp / "demo", known_stations=list(plan.stations))
    if GUIGANG_REAL.exists():
        ingest_files("guigang_daily", GUIGANG_REAL, tmp / "real", known_stations=dict(plan.stations))
    os.replace(tmp, g)


def st_airq_load(c: Ctx):
    from airq import store

    end = f"{c.year + 1}-01-01"
    frame = c.timed("airq_load", lambda: store.load(c.store, start=c.start, end=end))
    c.out["rows"] = len(frame)


def st_airq_station_days(c: Ctx):
    from airq import store
    from airq.hourly import station_daily

    frame = store.load(c.store, start=c.start, end=f"{c.year + 1}-01-01")
    frame = frame[["station", "time", *[p for p in POLLUTANTS if p in frame.columns]]]
    sd = c.timed("airq_station_days", lambda: station_daily(frame))
    sd.to_parquet(c.inter / "airq_station_days.parquet", index=False)
    c.out["rows"] = len(sd)


def _plan_groups(c: Ctx):
    from airq.config import load_plan

    plan = load_plan(c.plan_path)
    names = list(plan.groups)
    return plan, names, {g: plan.group_stations(g) for g in names}, {g: plan.min_stations_for(g) for g in names}


def st_airq_group_days(c: Ctx):
    import pandas as pd
    from airq.groups import group_daily

    plan, names, members, thr = _plan_groups(c)
    sd = pd.read_parquet(c.inter / "airq_station_days.parquet")
    gd = c.timed("airq_group_days", lambda: group_daily(sd, members, min_stations=thr, o3_8h_method=plan.options.o3_8h_aggregation,
                                                         allow_absent_stations=True))
    gd.to_parquet(c.inter / "airq_group_days.parquet", index=False)
    c.out["rows"] = len(gd)


def st_airq_aqi(c: Ctx):
    import pandas as pd
    from airq.groups import group_daily_aqi

    gd = pd.read_parquet(c.inter / "airq_group_days.parquet")
    daily = c.timed("airq_aqi", lambda: group_daily_aqi(gd))
    daily.to_parquet(c.inter / "airq_group_aqi.parquet", index=False)
    c.out["rows"] = len(daily)


def st_airq_stats(c: Ctx):
    import pandas as pd
    from airq.stats import period_stats

    daily = pd.read_parquet(c.inter / "airq_group_aqi.parquet")
    stats = c.timed("airq_stats", lambda: period_stats(daily, start=c.start, end=c.end))
    keep = ["group", "valid_days", "good_days", "heavy_days", "so2_mean", "no2_mean", "pm10_mean", "pm25_mean",
            "n_days_pm25", "sufficient", "composite_index", "o3_8h_p90", "good_day_ratio"]
    stats[keep].to_parquet(c.inter / "airq_stats.parquet", index=False)
    c.out["rows"] = len(stats)


def st_airq_chain(c: Ctx):
    """store -> all station days -> group days -> AQI -> annual statistics, through airq.assessment (one process)."""
    from airq.assessment import group_days, station_days
    from airq.stats import period_stats

    plan, names, members, thr = _plan_groups(c)
    codes = sorted(plan.stations)

    def chain():
        t = time.perf_counter()
        sd = station_days(c.store, c.start, c.end, codes)
        t1 = time.perf_counter()
        daily = group_days(plan, sd)
        t2 = time.perf_counter()
        stats = period_stats(daily, start=c.start, end=c.end)
        t3 = time.perf_counter()
        c.extra["parts"] = {"station_days": t1 - t, "group_days_and_aqi": t2 - t1, "period_stats": t3 - t2}
        return stats

    stats = c.timed("airq_chain", chain)
    c.out["rows"] = len(stats)


def st_airq_county_month(c: Ctx):
    from airq.assessment import assess
    from airq.config import load_plan

    plan = load_plan(c.plan_path)
    g = next(iter(plan.groups))
    res = c.timed("airq_county_month_library", lambda: assess(plan, c.store, f"{c.year}-06", groups=[g]))
    c.out["group"] = g
    c.out["valid_days"] = int(res.stats["valid_days"].iloc[0])


# ---- the long-format pandas way


def st_pandas_load(c: Ctx):
    import pandas as pd

    files = _hour_files(c.store, c.year)

    def load():
        df = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
        return df.sort_values(["station", "time"], kind="stable", ignore_index=True)

    df = c.timed("pandas_load", load)
    c.out["rows"] = len(df)


def pandas_station_days(df):
    """Long-format station days: groupby (station, day) with the validity counts; O3 8-h windows inside the day."""
    import numpy as np
    import pandas as pd

    df = df.assign(date=df["time"].dt.floor("D"), hour=df["time"].dt.hour)
    means = ["so2", "no2", "co", "pm10", "pm25"]
    g = df.groupby(["station", "date"], sort=True)
    sums = g[means].sum(min_count=1)
    counts = g[means].count()
    out = pd.DataFrame(index=sums.index)
    for p in means:
        out[p] = (sums[p] / counts[p]).where(counts[p] >= 20)
        out[f"n_{p}"] = counts[p]
    o3 = df.set_index(["station", "date", "hour"])["o3"].unstack("hour")
    o3 = o3.reindex(index=out.index, columns=range(24))
    win_means = []
    for w in range(17):  # windows of hour starts w..w+7, i.e. ending 08:00 ... 24:00
        block = o3.iloc[:, w:w + 8]
        n = block.count(axis=1)
        win_means.append((block.sum(axis=1, min_count=1) / n).where(n >= 6))
    wm = pd.concat(win_means, axis=1)
    n_win = wm.count(axis=1)
    mx = wm.max(axis=1)
    out["o3_8h"] = mx.where((n_win >= 14) | (np.round(mx) > 160))
    out["n_o3_8h"] = n_win
    n1 = o3.count(axis=1)
    m1 = o3.max(axis=1)
    out["o3_1h"] = m1.where((n1 >= 20) | (np.round(m1) > 200))
    out["n_o3_1h"] = n1
    return out.reset_index()


def st_pandas_station_days(c: Ctx):
    import pandas as pd

    df = pd.concat([pd.read_parquet(f) for f in _hour_files(c.store, c.year)], ignore_index=True)
    df = df.sort_values(["station", "time"], kind="stable", ignore_index=True)
    sd = c.timed("pandas_station_days", lambda: pandas_station_days(df))
    sd.to_parquet(c.inter / "pandas_station_days.parquet", index=False)
    c.out["rows"] = len(sd)


DAILY = ("so2", "no2", "co", "pm10", "pm25", "o3_8h", "o3_1h")


def pandas_group_days(sd, members: dict):
    import pandas as pd

    member = pd.DataFrame([(g, s) for g, ms in members.items() for s in ms], columns=["group", "station"])
    j = member.merge(sd[["station", "date", *DAILY]], on="station")
    g = j.groupby(["group", "date"], sort=True)
    sums, counts = g[list(DAILY)].sum(min_count=1), g[list(DAILY)].count()
    out = (sums / counts).where(counts >= 1)
    return out.reset_index()


def st_pandas_group_days(c: Ctx):
    import pandas as pd

    _, _, members, _ = _plan_groups(c)
    sd = pd.read_parquet(c.inter / "pandas_station_days.parquet")
    gd = c.timed("pandas_group_days", lambda: pandas_group_days(sd, members))
    gd.to_parquet(c.inter / "pandas_group_days.parquet", index=False)
    c.out["rows"] = len(gd)


def pandas_aqi(gd):
    from airq.aqi import daily_aqi_values

    vals = {k: gd[k].to_numpy() for k in DAILY}
    return gd.assign(aqi=daily_aqi_values(vals, rules="HJ633-2012"))  # every day of 2023-2025: HJ 633—2012


def st_pandas_aqi(c: Ctx):
    import pandas as pd

    gd = pd.read_parquet(c.inter / "pandas_group_days.parquet")
    daily = c.timed("pandas_aqi", lambda: pandas_aqi(gd))
    daily.to_parquet(c.inter / "pandas_group_aqi.parquet", index=False)
    c.out["rows"] = len(daily)


def pandas_stats(daily):
    import pandas as pd

    d = daily.assign(valid=daily["aqi"].notna(), good=daily["aqi"] <= 100, heavy=daily["aqi"] > 200)
    g = d.groupby("group", sort=True)
    out = pd.DataFrame({"valid_days": g["valid"].sum(), "good_days": g["good"].sum(), "heavy_days": g["heavy"].sum()})
    for p in ("so2", "no2", "pm10", "pm25"):
        out[f"{p}_mean"] = g[p].mean()
    out["n_days_pm25"] = g["pm25"].count()
    out["pm25_p95"] = g["pm25"].quantile(0.95)
    out["o3_8h_p90"] = g["o3_8h"].quantile(0.90)  # pandas' linear interpolation, not HJ 663's (not compared)
    out["co_p95"] = g["co"].quantile(0.95)
    out["good_day_ratio"] = 100.0 * out["good_days"] / out["valid_days"]
    return out.reset_index()


def st_pandas_stats(c: Ctx):
    import pandas as pd

    daily = pd.read_parquet(c.inter / "pandas_group_aqi.parquet")
    stats = c.timed("pandas_stats", lambda: pandas_stats(daily))
    stats.to_parquet(c.inter / "pandas_stats.parquet", index=False)
    c.out["rows"] = len(stats)


# ---- agreement


def _near_tie(x, decimals):
    """True where x lies within TOL of a GB/T 8170 rounding boundary (…5 at the next decimal)."""
    import numpy as np

    s = np.asarray(x, dtype=float) * 10.0**decimals
    return np.abs(s - np.floor(s) - 0.5) < TOL * 10.0**decimals


def st_compare(c: Ctx):
    """airq against the long-format pandas way, wherever both are defined."""
    import numpy as np
    import pandas as pd

    res = {}
    a = pd.read_parquet(c.inter / "airq_station_days.parquet")
    b = pd.read_parquet(c.inter / "pandas_station_days.parquet")
    a["station"], b["station"] = a["station"].astype(str), b["station"].astype(str)
    m = a.merge(b, on=["station", "date"], how="left", suffixes=("", "_pd"), indicator=True)
    absent = (m["_merge"] == "left_only").to_numpy()
    counts = [c_ for c_ in a.columns if c_.startswith("n_")]
    res["station_days"] = {"airq_rows": len(a), "pandas_rows": len(b),
                           "airq_rows_without_hours_in_pandas": int(absent.sum()),
                           "of_which_with_nonzero_counts": int((m.loc[absent, counts].sum(axis=1) > 0).sum()),
                           "pandas_rows_not_in_airq": int(len(b) - (~absent).sum())}
    both = m[~absent]
    sd_bad = {}
    for p in DAILY:
        x, y = both[p].to_numpy(float), both[p + "_pd"].to_numpy(float)
        nan_diff = int((np.isnan(x) != np.isnan(y)).sum())
        ok = ~np.isnan(x) & ~np.isnan(y)
        sd_bad[p] = {"validity_differs": nan_diff, "max_abs_diff": float(np.max(np.abs(x[ok] - y[ok]), initial=0.0)),
                     "count_differs": int((both[f"n_{p}"].to_numpy() != both[f"n_{p}_pd"].to_numpy()).sum())}
    res["station_days"]["values"] = sd_bad
    del a, b, m, both

    a = pd.read_parquet(c.inter / "airq_group_aqi.parquet")
    b = pd.read_parquet(c.inter / "pandas_group_aqi.parquet")
    a["group"], b["group"] = a["group"].astype(str), b["group"].astype(str)
    m = a.merge(b, on=["group", "date"], how="left", suffixes=("", "_pd"), indicator=True)
    only = (m["_merge"] == "left_only").to_numpy()
    gd_bad = {"airq_rows_without_station_rows": int(only.sum()),
              "of_which_not_empty": int(m.loc[only, ["aqi", *DAILY]].notna().any(axis=1).sum()),
              "pandas_rows_not_in_airq": int(len(b) - (~only).sum())}
    m = m[~only]
    for p in DAILY:
        x, y = m[p].to_numpy(float), m[p + "_pd"].to_numpy(float)
        ok = ~np.isnan(x) & ~np.isnan(y)
        gd_bad[p] = {"validity_differs": int((np.isnan(x) != np.isnan(y)).sum()),
                     "max_abs_diff": float(np.max(np.abs(x[ok] - y[ok]), initial=0.0))}
    x, y = m["aqi"].to_numpy(float), m["aqi_pd"].to_numpy(float)
    diff = (np.isnan(x) != np.isnan(y)) | (~np.isnan(x) & ~np.isnan(y) & (x != y))
    tie = np.zeros(len(m), dtype=bool)
    for p in DAILY:
        tie |= _near_tie(m[p].to_numpy(float), 1 if p == "co" else 0)
    gd_bad["aqi_differs"] = int(diff.sum())
    gd_bad["aqi_differs_not_at_rounding_tie"] = int((diff & ~tie).sum())
    ties_by_group = pd.Series(diff & tie).groupby(m["group"].to_numpy()).sum()
    res["group_days"] = gd_bad
    res["group_days"]["group_days"] = int(len(m))
    aqi = x[~np.isnan(x)]
    res["aqi_categories"] = {"good_share": float(np.mean(aqi <= 100)), "level_counts": {
        str(lv): int(n) for lv, n in zip(range(1, 7), np.histogram(aqi, bins=[-1, 50, 100, 150, 200, 300, 1e9])[0])}}
    del a, b, m

    a = pd.read_parquet(c.inter / "airq_stats.parquet").set_index("group")
    b = pd.read_parquet(c.inter / "pandas_stats.parquet").set_index("group").reindex(a.index)
    st = {"groups": len(a)}
    for k in ("pm25_mean", "pm10_mean", "so2_mean", "no2_mean"):
        st[k + "_max_abs_diff"] = float(np.nanmax(np.abs(a[k] - b[k]))) if len(a) else 0.0
        st[k + "_validity_differs"] = int((a[k].isna() != b[k].isna()).sum())
    for k in ("valid_days", "good_days", "heavy_days", "n_days_pm25"):
        d_ = (a[k].astype(float) - b[k].astype(float)).abs()
        allowed = ties_by_group.reindex(a.index).fillna(0) if k != "n_days_pm25" else 0
        st[k + "_differs"] = int((d_ > 0).sum())
        st[k + "_differs_beyond_ties"] = int((d_ > allowed).sum())
    st["national_good_day_ratio"] = float(a["good_days"].sum() / a["valid_days"].sum())
    st["pm25_mean_range"] = [float(a["pm25_mean"].min()), float(a["pm25_mean"].max())]
    st["groups_sufficient"] = int(a["sufficient"].sum())
    res["annual"] = st
    sdv = res["station_days"]
    problems = []
    if sdv["of_which_with_nonzero_counts"] or sdv["pandas_rows_not_in_airq"]:
        problems.append("station-day rows differ")
    for p, v in sdv["values"].items():
        if v["validity_differs"] or v["count_differs"] or v["max_abs_diff"] > TOL:
            problems.append(f"station-day {p} differs ({v})")
    if gd_bad["of_which_not_empty"] or gd_bad["pandas_rows_not_in_airq"]:
        problems.append("group-day rows differ")
    for p in DAILY:
        if gd_bad[p]["validity_differs"] or gd_bad[p]["max_abs_diff"] > TOL:
            problems.append(f"group-day {p} differs ({gd_bad[p]})")
    if gd_bad["aqi_differs_not_at_rounding_tie"]:
        problems.append(f"{gd_bad['aqi_differs_not_at_rounding_tie']} group-day AQI differ away from a rounding tie")
    for k in ("pm25_mean", "pm10_mean", "so2_mean", "no2_mean"):
        if st[k + "_max_abs_diff"] > TOL or st[k + "_validity_differs"]:
            problems.append(f"annual {k} differs by {st[k + '_max_abs_diff']}")
    for k in ("valid_days", "good_days", "heavy_days", "n_days_pm25"):
        if st[k + "_differs_beyond_ties"]:
            problems.append(f"annual {k} differs for {st[k + '_differs_beyond_ties']} group(s)")
    res["problems"] = problems
    res["ok"] = not problems
    c.out["agreement"] = res


# ---- decade scale (item 5)


def st_decade_single(c: Ctx):
    from airq import store
    from airq.assessment import station_days

    ys = years_of(c.years)
    code = "1001A"
    hours = c.timed("decade_single_hours", lambda: store.load(c.store, start=f"{ys[0]}-01-01", end=f"{ys[-1] + 1}-01-01", stations=[code]))
    days = c.timed("decade_single_days", lambda: station_days(c.store, f"{ys[0]}-01-01", f"{ys[-1]}-12-31", [code]))
    c.out["rows"] = {"hours": len(hours), "days": len(days)}


def st_decade_all(c: Ctx):
    """Every station's daily values over all stored years, year by year; annual PM2.5 mean per station and year."""
    import pandas as pd
    from airq.assessment import station_days
    from airq.config import load_plan

    codes = sorted(load_plan(c.plan_path).stations)
    per_year = {}

    def run():
        out = []
        for y in years_of(c.years):
            t = time.perf_counter()
            sd = station_days(c.store, f"{y}-01-01", f"{y}-12-31", codes)
            sd.attrs.clear()  # proxy_keys (a DataFrame) would make concat compare attrs
            mean = sd.groupby("station")["pm25"].mean().rename(y)
            mean.attrs.clear()
            out.append(mean)
            per_year[y] = time.perf_counter() - t
            _say(f"    all stations {y}: {per_year[y]:.1f} s")
            del sd
        return pd.concat(out, axis=1)

    table = c.timed("decade_all", run, repeat=1)
    c.out["per_year"] = per_year
    c.out["rows"] = int(table.size)


def st_decade_arrow(c: Ctx):
    """The same store read by pyarrow.dataset (hive partitions month=YYYY-MM), as DuckDB or Dask would."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    files = [str(p) for p in sorted((c.store / "hourly").glob("month=*/data.parquet"))]

    def dataset():
        return ds.dataset(files, format="parquet", partitioning=ds.partitioning(flavor="hive"),
                          partition_base_dir=str(c.store / "hourly"))

    def single():
        dset = dataset()
        return dset.to_table(filter=pc.field("station") == "1001A", columns=["station", "time", "pm25"])

    def all_stations():
        dset = dataset()
        t = dset.to_table(columns=["station", "time", "pm25"])
        t = t.append_column("year", pc.year(t["time"]))
        return t.group_by(["station", "year"]).aggregate([("pm25", "mean")])

    import pyarrow.parquet as pq

    meta = pq.ParquetFile(files[-1]).metadata
    c.out["row_groups"] = {"file": str(Path(files[-1]).relative_to(c.store)), "rows": meta.num_rows,
                           "row_groups": meta.num_row_groups, "bytes": Path(files[-1]).stat().st_size}
    t1 = c.timed("arrow_single", single)
    t2 = c.timed("arrow_all_hourly_mean", all_stations)
    c.out["rows"] = {"single": t1.num_rows, "all": t2.num_rows}


STAGES = {f.__name__[3:]: f for f in (
    st_base_store, st_guigang_store, st_airq_load, st_airq_station_days, st_airq_group_days, st_airq_aqi, st_airq_stats,
    st_airq_chain, st_airq_county_month, st_pandas_load, st_pandas_station_days, st_pandas_group_days, st_pandas_aqi,
    st_pandas_stats, st_compare, st_decade_single, st_decade_all, st_decade_arrow)}


def _stage_main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("name", choices=sorted(STAGES))
    p.add_argument("--workdir", required=True)
    p.add_argument("--stations", type=int, required=True)
    p.add_argument("--years", type=int, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--code-key", required=True)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--result", required=True)
    a = p.parse_args(argv)
    c = Ctx(a)
    STAGES[a.name](c)
    c.out["process_peak_gb"] = (_status_kb("VmHWM") or 0) / 1048576
    Path(a.result).write_text(json.dumps(c.out, default=str))


def _cli_main(argv):
    """`national.py cli RESULT ARGS...`: airq's command line in this process, then its peak RSS into RESULT."""
    result, args = argv[0], argv[1:]
    from airq.cli import main

    rc = main(args)
    Path(result).write_text(json.dumps({"rc": rc, "process_peak_gb": (_status_kb("VmHWM") or 0) / 1048576,
                                        "code_key": _code_key()}))
    sys.exit(rc)


# ============================================================================ driver (parent process: stays small)


class Runner:
    def __init__(self, a):
        self.a = a
        self.workdir = Path(a.workdir)
        self.code_key = _code_key()
        self.d = dirs(self.workdir, a.stations, a.years, a.seed, self.code_key)
        self.results: dict = {}
        self.logdir = self.d["run"] / "logs"

    def _common(self, key=True):
        return ["--workdir", str(self.workdir), "--stations", str(self.a.stations), "--years", str(self.a.years),
                "--seed", str(self.a.seed)] + (["--code-key", self.code_key, "--repeat", str(self.a.repeat)] if key else [])

    def _spawn(self, label, cmd, stdout_path=None, live=False):
        self.logdir.mkdir(parents=True, exist_ok=True)
        out = None if live else open(stdout_path or self.logdir / f"{label}.out", "w")
        err = open(self.logdir / f"{label}.err", "w")
        _say(f"  [{time.strftime('%H:%M:%S')}] {label} ...")
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT)
        stop = threading.Event()

        def beat():
            while not stop.wait(30):
                _say(f"      ... {label} still running ({time.perf_counter() - t:.0f} s)")

        th = threading.Thread(target=beat, daemon=True)
        th.start()
        rc = p.wait()
        stop.set()
        secs = time.perf_counter() - t
        if out is not None:
            out.close()
        err.close()
        if rc != 0:
            tail = Path(self.logdir / f"{label}.err").read_text()[-3000:]
            raise RuntimeError(f"{label} failed (exit {rc}):\n{tail}")
        return secs

    def stage(self, name):
        res = self.logdir / f"{name}.json"
        wall = self._spawn(name, [sys.executable, str(HERE), "stage", name, *self._common(), "--result", str(res)], live=True)
        out = json.loads(res.read_text())
        out["wall"] = wall
        self.results[name] = out
        for k, v in out.items():
            if isinstance(v, dict) and "seconds" in v:
                _say(f"      {k}: {v['seconds']:.2f} s, peak {v['peak_gb']:.2f} GB")
        return out

    def cli(self, key, args, repeat=None):
        """An airq command in a child process, best wall time of ``repeat`` runs (default --repeat-commands)."""
        res = self.logdir / f"{key}.json"
        stdout = self.logdir / f"{key}.stdout"
        runs = []
        for _ in range(max(1, self.a.repeat_commands if repeat is None else repeat)):
            wall = self._spawn(key, [sys.executable, str(HERE), "cli", str(res), *args], stdout_path=stdout)
            runs.append((wall, json.loads(res.read_text())))
        out = min(runs, key=lambda x: x[0])[1]
        out.update(seconds=min(w for w, _ in runs), peak_gb=max(o["process_peak_gb"] for _, o in runs),
                   runs=len(runs), all_seconds=[w for w, _ in runs], command="airq " + " ".join(args))
        self.results[key] = out
        _say(f"      {key}: {out['seconds']:.2f} s (best of {len(runs)}), peak {out['peak_gb']:.2f} GB")
        return out, stdout

    def import_time(self):
        best = min(self._spawn("import", [sys.executable, "-c", "import airq.cli, airq.assessment"]) for _ in range(3))
        self.results["import"] = {"seconds": best}

    def run(self):
        a = self.a
        t_all = time.perf_counter()
        self.results["started"] = time.strftime("%Y-%m-%d %H:%M:%S")
        self.results["loadavg_start"] = Path("/proc/loadavg").read_text().split()[:3]
        _say(f"national benchmark: {a.stations} stations, {a.years} years ({years_of(a.years)[0]}..{LAST_YEAR}), seed {a.seed}, "
             f"work folder {self.workdir}")
        _say("1. data")
        self._spawn("generate", [sys.executable, str(HERE), "generate", *self._common(key=False)], live=True)
        self.results["code_start"] = {"key": self.code_key, **_git_state()}
        if not self.d["base"].exists():
            _say("   earlier years into the base store (airq.store.ingest; cached while airq's sources are unchanged)")
            self.stage("base_store")
            _prune(self.d["base"], self.code_key)
        if not self.d["guigang"].exists():
            self.stage("guigang_store")
            _prune(self.d["guigang"], self.code_key)
        shutil.rmtree(self.d["run"] / "store", ignore_errors=True)
        shutil.rmtree(self.d["run"] / "inter", ignore_errors=True)
        shutil.copytree(self.d["base"], self.d["store"])
        csv_bytes = sum(p.stat().st_size for p in self.d["csv"].glob("*.csv"))
        self.results["csv_bytes"] = csv_bytes
        plan, store = str(self.d["plan"]), str(self.d["store"])
        _say(f"2. stages (each in its own process); the last year's CSVs: {csv_bytes / 1e6:.0f} MB")
        self.import_time()
        out, stdout = self.cli("airq_ingest", ["ingest", "--format", "tidy", str(self.d["csv"]), "--store", store,
                                               "--config", plan, "--quiet", "--json"], repeat=1)  # once: it changes the store
        self.results["airq_ingest"]["report"] = {k: v for k, v in json.loads(stdout.read_text()).items()
                                                 if k in ("rows", "accounting", "flags")} if stdout.read_text().strip() else None
        for name in ("airq_load", "airq_station_days", "airq_group_days", "airq_aqi", "airq_stats", "airq_chain",
                     "pandas_load", "pandas_station_days", "pandas_group_days", "pandas_aqi", "pandas_stats"):
            self.stage(name)
        out, stdout = self.cli("airq_assess_year", ["assess", "--config", plan, "--store", store, "--period", str(LAST_YEAR), "--json"])
        js = json.loads(stdout.read_text())
        self.results["airq_assess_year"]["groups"] = len(js.get("groups", []))
        self.stage("airq_county_month")
        g = self.results["airq_county_month"]["group"]
        self.cli("airq_county_month_cli", ["assess", "--config", plan, "--store", store, "--period", f"{LAST_YEAR}-06",
                                           "--group", g, "--json"])
        gg = self.d["guigang"]
        gplan = str(GUIGANG_PLAN)
        self.cli("guigang_assess_year", ["assess", "--config", gplan, "--store", str(gg / "demo"), "--period", "2025"])
        self.cli("guigang_assess_month", ["assess", "--config", gplan, "--store", str(gg / "demo"), "--period", "2026-03",
                                          "--group", "港南区", "--json"])
        if (gg / "real").exists():
            self.cli("guigang_real_assess", ["assess", "--config", gplan, "--store", str(gg / "real"), "--period", "2023-Q1"])
        _say("3. agreement with the long-format pandas way")
        self.stage("compare")
        _say("4. decade scale: all stored years")
        self.results["store_bytes"] = _tree_bytes(self.d["store"])
        self.results["store_hourly_bytes"] = _tree_bytes(self.d["store"] / "hourly")
        self.results["store_months"] = len(list((self.d["store"] / "hourly").glob("month=*")))
        for name in ("decade_single", "decade_all", "decade_arrow"):
            self.stage(name)
        self.results["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]
        self.results["code_end"] = {"key": _code_key(), **_git_state()}
        self.results["total_seconds"] = time.perf_counter() - t_all
        (self.d["run"] / "results.json").write_text(json.dumps(self.results, indent=1, default=str))
        text = report(self.results, a)
        _atomic_write(Path(a.out), text)
        _say(f"\nwrote {a.out} ({self.results['total_seconds'] / 60:.1f} min in all); raw results: {self.d['run'] / 'results.json'}")
        return self.results


def _tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


# ============================================================================ the report


def _machine() -> dict:
    import numpy
    import pandas
    import pyarrow

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1048576:.1f} GiB"
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "nproc": nproc, "mem": mem, "python": platform.python_version(),
            "numpy": numpy.__version__, "pandas": pandas.__version__, "pyarrow": pyarrow.__version__,
            "os": platform.platform()}


def evaluate(r: dict, scale: float) -> list[tuple[str, bool, str]]:
    """Issue 11 item 2 targets as (text, passed, measured)."""
    chain = r["airq_chain"]["airq_chain"]["seconds"] * scale
    pandas_chain = sum(r[k][k]["seconds"] for k in PANDAS_CHAIN) * scale
    ratio = pandas_chain / chain if chain else float("inf")
    cmd_peaks = {k: r[k]["peak_gb"] * scale for k in ("airq_ingest", "airq_assess_year", "airq_county_month_cli") if k in r}
    lib_peaks = {k: r[k][k]["peak_gb"] * scale for k in ("airq_load", "airq_station_days", "airq_chain") if k in r}
    worst_cmd = max(cmd_peaks, key=cmd_peaks.get)
    gg = {k: r[k]["seconds"] for k in ("guigang_assess_year", "guigang_assess_month", "guigang_real_assess") if k in r}
    month_lib = r["airq_county_month"]["airq_county_month_library"]["seconds"] * scale
    month_cli = r["airq_county_month_cli"]["seconds"]
    return [
        ("processed store -> station days -> group days -> AQI -> annual statistics, all groups <= 3 s", chain <= 3.0, f"{chain:.2f} s"),
        ("the same >= 10x faster than the long-format pandas way", ratio >= 10.0, f"{ratio:.2f}x (pandas {pandas_chain:.2f} s)"),
        ("`airq assess --period YYYY` all groups, two years stored <= 5 s", r["airq_assess_year"]["seconds"] * scale <= 5.0,
         f"{r['airq_assess_year']['seconds'] * scale:.2f} s"),
        ("a county's month from the national store <= 0.5 s (library call `assess`)", month_lib <= 0.5, f"{month_lib:.2f} s"),
        ("a county's month from the national store <= 0.5 s (the command, interpreter start and imports included)",
         month_cli * scale <= 0.5, f"{month_cli * scale:.2f} s"),
        ("ingest of a national year of hourly CSV <= 60 s", r["airq_ingest"]["seconds"] * scale <= 60.0,
         f"{r['airq_ingest']['seconds'] * scale:.1f} s"),
        ("peak memory of any command on a national year <= 3 GB", max(cmd_peaks.values()) <= 3.0,
         f"{cmd_peaks[worst_cmd]:.2f} GB ({worst_cmd}); library stages up to {max(lib_peaks.values()):.2f} GB"),
        ("the Guigang case below 1 s per command", max(gg.values()) < 1.0,
         ", ".join(f"{k.removeprefix('guigang_')} {v:.2f} s" for k, v in gg.items())),
    ]


PANDAS_CHAIN = ("pandas_load", "pandas_station_days", "pandas_group_days", "pandas_aqi", "pandas_stats")


#: How the one-process chain gets its station days (said under the table).
CACHE_NOTE = ("Where the station days come from: `airq ingest` stores each month's station daily values beside its hours "
              "(`stationdaily/`, docs/station_daily_cache.md), so `assessment.station_days` — the one-process row, `assess`, "
              "the county month — reads ~0.7 M station-days instead of 16.6 M hours; the rows *load the year* and *hourly → "
              "station days* still time reading the hours and computing the daily values from them, which ingest now does "
              "once for each month it writes.\n")


def report(r: dict, a) -> str:
    m = _machine()
    full = a.stations == DEFAULT_STATIONS
    scale = 1.0 if full else DEFAULT_STATIONS / a.stations
    ys = years_of(a.years)
    n_groups = Layout(a.stations, a.seed).n_groups
    cmd = f"python benchmarks/national.py --stations {a.stations} --years {a.years} --seed {a.seed}"
    L = []
    L.append("# Performance: a national year (issue 11)\n")
    L.append(f"Written by `{cmd}` (`make benchmark-national`, also part of `make benchmark`) on {r['started']}; the whole run took "
             f"{r['total_seconds'] / 60:.1f} min. Every number below was measured in that one run; rerun the command to "
             "refresh the page (it is replaced atomically). All data are **synthetic** (benchmarks/national.py, seed "
             f"{a.seed}): nothing here is a measurement of air quality.\n")
    if not full:
        L.append(f"**Reduced size.** This run used {a.stations} stations, not the national {DEFAULT_STATIONS:,}. Columns marked "
                 f"*×{scale:.2f}* scale the measured seconds and GB linearly to {DEFAULT_STATIONS:,} stations (cost grows linearly "
                 "with stations, issue 11); the targets below are judged on the scaled figures. Linear scaling overstates small runs: the interpreter start "
                 "(see the reference row) and the ~0.15 GB an interpreter with pandas holds are scaled too.\n")
    L.append("## Machine\n")
    L.append(f"- CPU: {m['cpu']} — `nproc` {m['nproc']}, os.cpu_count() {m['cores']}; RAM {m['mem']}")
    L.append(f"- {m['os']}; Python {m['python']}, numpy {m['numpy']}, pandas {m['pandas']}, pyarrow {m['pyarrow']}")
    L.append(f"- load average (1, 5, 15 min) at the start {' '.join(r['loadavg_start'])}, at the end {' '.join(r['loadavg_end'])}: "
             "the machine is shared with other sessions, so single figures can be noisy by 10-30 %; the ratios are taken in "
             "one run.")
    cs, ce = r["code_start"], r["code_end"]
    dirty = ", ".join(x.strip() for x in cs["dirty"]) or "none"
    by_key: dict = {}
    for name, v in r.items():
        if isinstance(v, dict) and v.get("code_key"):
            by_key.setdefault(v["code_key"], []).append(name)
    L.append(f"- code measured: commit {cs['head']}, airq files differing from it at the start: {dirty}; airq source hash "
             f"{cs['key']} at the start, {ce['key']} at the end.")
    if len(by_key) > 1:
        L.append("- **airq's sources changed during the run** (other sessions were editing them): the stages ran under "
                 "source hashes " + "; ".join(f"{k}: {', '.join(v)}" for k, v in by_key.items()) + ".")
    elif by_key and next(iter(by_key)) != ce["key"]:
        L.append(f"- every stage ran under source hash {next(iter(by_key))}; airq's sources changed (other sessions were "
                 "editing them) only after the last stage.")
    L.append("")
    L.append("## Data\n")
    L.append(f"{a.stations:,} stations × {ys[0]}..{ys[-1]} hourly ({len(ys)} years; 8,760 h a year, 8,784 in 2024), "
             f"{n_groups} groups of kind `county` "
             f"({'5-6' if full else 'about 5.6'} stations each), a plan TOML with default targets written beside the data; "
             "~2 % missing hours (rows present but empty, single values empty) plus station outages (rows absent; ~1 % of "
             f"stations lose about a month). {LAST_YEAR}: 12 monthly tidy CSVs, {r['csv_bytes'] / 1e6:,.0f} MB. "
             f"The earlier years were merged with `airq.store.ingest` before the run (not timed); the "
             f"{LAST_YEAR} CSVs are ingested into that store, as an analyst adds a new year. All of {ys[0]}..{LAST_YEAR} "
             "lie before 2026-03-01 (HJ 633—2012 AQI with the daily max 1-h O3).\n")
    ag = r["compare"]["agreement"]
    cat = ag["aqi_categories"]
    L.append(f"Group days: {ag['group_days']['group_days']:,}; share of good days (AQI ≤ 100) {100 * cat['good_share']:.1f} %; "
             "days per AQI level 1..6: " + ", ".join(f"{v:,}" for v in cat["level_counts"].values()) +
             f"; annual PM2.5 of the groups {ag['annual']['pm25_mean_range'][0]:.1f}..{ag['annual']['pm25_mean_range'][1]:.1f} µg/m³.\n")

    L.append(f"## Stages ({LAST_YEAR}, all {n_groups} groups)\n")
    L.append("Each stage ran in its own process. *airq s* / *pandas s*: wall-clock seconds (commands: the whole process, "
             f"interpreter start and imports included, best of {a.repeat_commands} processes, ingest once; library calls: the call, "
             f"its inputs read beforehand, best of {a.repeat} calls in the process). *peak GB*: the process's peak resident "
             "memory during the stage, largest of the runs (VmHWM = ru_maxrss without what `exec` inherits; reset at the "
             "start of each library call, so it includes the inputs the call holds). *ratio* = pandas s / airq s.\n")
    sc = f" ×{scale:.2f}" if not full else ""
    L.append("| stage | airq s | pandas s | ratio | airq peak GB | pandas peak GB |" + (f" airq s{sc} | pandas s{sc} |" if sc else ""))
    L.append("|---|---:|---:|---:|---:|---:|" + ("---:|---:|" if sc else ""))

    def row(label, ak=None, pk=None, cli=False, note=""):
        av = ap = pv = pp = None
        if ak:
            x = r[ak] if cli else r[ak][ak]
            av, ap = x["seconds"], x["peak_gb"]
        if pk:
            pv, pp = r[pk][pk]["seconds"], r[pk][pk]["peak_gb"]
        f = lambda v, d=2: "—" if v is None else f"{v:.{d}f}"
        ratio = f"{pv / av:.2f}" if av and pv else "—"
        line = f"| {label}{note} | {f(av)} | {f(pv)} | {ratio} | {f(ap)} | {f(pp)} |"
        if sc:
            line += f" {f(av * scale if av else None)} | {f(pv * scale if pv else None)} |"
        L.append(line)

    row(f"`airq ingest --format tidy` the {LAST_YEAR} CSVs (12 files, with `--config`)", "airq_ingest", cli=True)
    row("load the year (`store.load` / read_parquet + sort)", "airq_load", "pandas_load")
    row("hourly → station days (`station_daily(frame)` / groupby + O3 windows)", "airq_station_days", "pandas_station_days")
    row("station days → group days (`group_daily`)", "airq_group_days", "pandas_group_days")
    row("group days → AQI (`group_daily_aqi` / `daily_aqi_values`)", "airq_aqi", "pandas_aqi")
    row("annual statistics of all groups (`period_stats` / groupby)", "airq_stats", "pandas_stats")
    av = sum(r[k][k]["seconds"] for k in ("airq_load", "airq_station_days", "airq_group_days", "airq_aqi", "airq_stats"))
    pv = sum(r[k][k]["seconds"] for k in PANDAS_CHAIN)
    L.append(f"| sum of the five stages above | {av:.2f} | {pv:.2f} | {pv / av:.2f} | | |" + (f" {av * scale:.2f} | {pv * scale:.2f} |" if sc else ""))
    ch = r["airq_chain"]
    parts = ", ".join(f"{k.replace('_', ' ')} {v:.2f}" for k, v in ch["parts"].items())
    L.append(f"| **store → station days → group days → AQI → statistics in one process** (`assessment.station_days`, "
             f"`group_days`, `period_stats`; {parts} s) | **{ch['airq_chain']['seconds']:.2f}** | **{pv:.2f}** | "
             f"**{pv / ch['airq_chain']['seconds']:.2f}** | {ch['airq_chain']['peak_gb']:.2f} | "
             f"{max(r[k][k]['peak_gb'] for k in PANDAS_CHAIN):.2f} |" +
             (f" {ch['airq_chain']['seconds'] * scale:.2f} | {pv * scale:.2f} |" if sc else ""))
    row(f"`airq assess --period {LAST_YEAR} --json`, all groups, {LAST_YEAR - 1} stored too", "airq_assess_year", cli=True)
    x = r["airq_county_month"]["airq_county_month_library"]
    L.append(f"| a county's month, library `assess(plan, store, \"{LAST_YEAR}-06\", groups=[one])` | {x['seconds']:.2f} | — | — | "
             f"{x['peak_gb']:.2f} | — |" + (f" {x['seconds'] * scale:.2f} | |" if sc else ""))
    row(f"a county's month, `airq assess --period {LAST_YEAR}-06 --group {r['airq_county_month']['group']} --json`",
        "airq_county_month_cli", cli=True)
    for k, label in (("guigang_assess_year", "Guigang demo store: `airq assess --period 2025`"),
                     ("guigang_assess_month", "Guigang demo store: `airq assess --period 2026-03 --group 港南区 --json`"),
                     ("guigang_real_assess", "Guigang real store (CNEMC 2023 Q1 daily): `airq assess --period 2023-Q1`")):
        if k in r:
            L.append(f"| {label} | {r[k]['seconds']:.2f} | — | — | {r[k]['peak_gb']:.2f} | — |" + (" | |" if sc else ""))
    L.append(f"| reference: interpreter start + `import airq.cli, airq.assessment` (best of 3) | {r['import']['seconds']:.2f} | — | — | — | — |"
             + (" | |" if sc else ""))
    L.append("")
    L.append(CACHE_NOTE)
    L.append("The pandas column is the long-format way: `pd.read_parquet` of the twelve month files + sort; "
             "`groupby([station, day])` sums and counts (a 24-h mean needs ≥ 20 valid hours), O3 pivoted to 24 hour "
             "columns, 17 windows of 8 hours inside the day (≥ 6 valid hours each; the daily maximum needs ≥ 14 valid "
             "windows or a maximum above 160), the 1-h maximum (≥ 20 hours or above 200); a membership merge and "
             "`groupby([group, date])` means; the AQI with `airq.aqi.daily_aqi_values` (HJ 633—2012); annual counts, "
             "means and quantiles with `groupby(group)`.\n")

    L.append("## Agreement with the long-format pandas way\n")
    sd = ag["station_days"]
    L.append(f"- station days: airq {sd['airq_rows']:,} rows (every station × day of the grid), pandas {sd['pandas_rows']:,} "
             f"(station-days with at least one row); the {sd['airq_rows_without_hours_in_pandas']:,} airq rows without any "
             f"hour have zero counts in airq ({sd['of_which_with_nonzero_counts']} with a count). Per value "
             "(so2 … o3_1h) over the common rows: validity differs on "
             f"{sum(v['validity_differs'] for v in sd['values'].values())} station-days, counts on "
             f"{sum(v['count_differs'] for v in sd['values'].values())}, largest difference "
             f"{max(v['max_abs_diff'] for v in sd['values'].values()):.3g}.")
    gd = ag["group_days"]
    L.append(f"- group days: largest difference of a group daily value {max(gd[p]['max_abs_diff'] for p in DAILY):.3g}, "
             f"validity differs on {sum(gd[p]['validity_differs'] for p in DAILY)}; AQI differs on {gd['aqi_differs']} "
             f"group-days, {gd['aqi_differs_not_at_rounding_tie']} of them away from a rounding tie.")
    st = ag["annual"]
    L.append(f"- annual, {st['groups']} groups: PM2.5 mean largest difference {st['pm25_mean_max_abs_diff']:.3g} µg/m³ "
             f"(PM10 {st['pm10_mean_max_abs_diff']:.3g}, SO2 {st['so2_mean_max_abs_diff']:.3g}, NO2 {st['no2_mean_max_abs_diff']:.3g}); "
             f"valid days differ for {st['valid_days_differs']} groups, good days for {st['good_days_differs']}, heavy days for "
             f"{st['heavy_days_differs']}, PM2.5 day counts for {st['n_days_pm25_differs']}.")
    L.append(f"- tolerance: values computed both ways agree within {TOL:g} (µg/m³; CO mg/m³) — the two ways sum the same "
             "numbers in different orders; a day's AQI and so a day count may differ only where a group concentration lies within "
             f"{TOL:g} of a GB/T 8170 rounding boundary (…5), and then by at most that many days. Not compared: percentiles "
             "(pandas interpolates linearly, HJ 663 does not). Result: **" + ("agree" if ag["ok"] else "DISAGREE: " + "; ".join(ag["problems"])) + "**.\n")

    L.append("## Targets of issue 11 item 2, today\n")
    L.append("```")
    for text, ok, measured in evaluate(r, scale):
        L.append(f"{'PASS' if ok else 'FAIL'}  {text}: {measured}")
    L.append("```\n")
    L.append("The first two lines are judged on the one-process row (store → statistics through `airq.assessment`, "
             "what `assess` runs) against the sum of the five pandas stages; seconds are best of several runs, memory the "
             "largest. A missed target does not fail the benchmark (a disagreement with the baseline does); this table is "
             "the record.\n")

    L.append(f"## Decade scale (item 5): {len(ys)} synthetic national years in one store\n")
    months = r["store_months"]
    hb, tb = r["store_hourly_bytes"], r["store_bytes"]
    ds_, dd = r["decade_single"], r["decade_all"]
    arrow = r["decade_arrow"]
    rg = arrow["row_groups"]
    k = 10 / len(ys)
    s1h, s1d = ds_["decade_single_hours"]["seconds"], ds_["decade_single_days"]["seconds"]
    sall, pall = dd["decade_all"]["seconds"], dd["decade_all"]["peak_gb"]
    L.append(f"- **size on disk**: the store holds {months} month partitions of {a.stations:,} stations: hourly Parquet "
             f"{hb / 1e9:.2f} GB, the whole store folder (manifest, quality flags, everything) {tb / 1e9:.2f} GB — "
             f"{hb / 1e9 / len(ys):.2f} GB of hourly data a year" + (f" ({hb / 1e9 / len(ys) * scale:.2f} GB scaled to {DEFAULT_STATIONS:,} stations)" if sc else "") + ".")
    L.append(f"- **one station, {len(ys)} years** (`store.load(stations=[code])`): {s1h:.2f} s for its "
             f"{ds_['rows']['hours']:,} hours; its daily values (`assessment.station_days`): {s1d:.2f} s. Both read the "
             f"station's rows from every month partition of the period ({len(ys) * 12} files).")
    L.append(f"- **all stations, {len(ys)} years**: every station's daily values year by year (`assessment.station_days` for "
             f"all {a.stations:,} stations, one year at a time, annual PM2.5 per station), {sall:.1f} s ("
             + ", ".join(f"{y} {v:.1f} s" for y, v in dd["per_year"].items()) + f"), peak {pall:.2f} GB (one year in memory at a time).")
    L.append(f"- the same files read by `pyarrow.dataset` with hive partitioning (no airq code): one station's hourly PM2.5 over "
             f"the {len(ys)} years {arrow['arrow_single']['seconds']:.2f} s; every station's annual mean of the hourly PM2.5 "
             f"{arrow['arrow_all_hourly_mean']['seconds']:.2f} s (peak {arrow['arrow_all_hourly_mean']['peak_gb']:.2f} GB).\n")
    L.append(f"**A decade, by linear extrapolation** (×10/{len(ys)} = ×{k:.2f}; every cost here grows with the number of month "
             "partitions read, and each year is processed on its own):\n")
    L.append("| quantity | measured, {n} years | × {k:.2f} = a decade{s} |".format(n=len(ys), k=k, s=f" (× {scale:.2f} to {DEFAULT_STATIONS:,} stations)" if sc else ""))
    L.append("|---|---:|---:|")
    ss = scale
    L.append(f"| hourly Parquet on disk | {hb / 1e9:.2f} GB | {hb / 1e9:.2f} × {k:.2f}{f' × {ss:.2f}' if sc else ''} = {hb / 1e9 * k * ss:.1f} GB |")
    L.append(f"| one station's hours | {s1h:.2f} s | {s1h:.2f} × {k:.2f} = {s1h * k:.1f} s |")
    L.append(f"| one station's daily values | {s1d:.2f} s | {s1d:.2f} × {k:.2f} = {s1d * k:.1f} s |")
    L.append(f"| all stations' daily values, year by year | {sall:.1f} s | {sall:.1f} × {k:.2f}{f' × {ss:.2f}' if sc else ''} = {sall * k * ss:.0f} s "
             f"({sall * k * ss / 60:.1f} min); memory stays one year's ({pall * ss:.2f} GB) |")
    L.append(f"| all stations' annual means by pyarrow.dataset | {arrow['arrow_all_hourly_mean']['seconds']:.1f} s | "
             f"{arrow['arrow_all_hourly_mean']['seconds']:.1f} × {k:.2f}{f' × {ss:.2f}' if sc else ''} = "
             f"{arrow['arrow_all_hourly_mean']['seconds'] * k * ss:.0f} s (whole columns in memory: ≈ {arrow['arrow_all_hourly_mean']['peak_gb'] * k * ss:.1f} GB) |")
    L.append("")
    L.append(f"**On one machine.** A decade of national hourly data is about {hb / 1e9 * k * scale:.1f} GB of Parquet "
             f"(measured {hb / 1e9 / len(ys) * scale:.2f} GB a year), one file per month "
             "(`<store>/hourly/month=YYYY-MM/data.parquet`, all stations of the month, sorted by station and time), with "
             "`manifest.json` recording every file's size, rows and sha256. airq reads only the months a period needs, so a "
             "query costs in proportion to the months it touches, and a multi-year all-station computation is done a year "
             "(or a month) at a time so memory stays that of one year. A single station's decade costs what it does because "
             f"every month file is opened and its rows filtered by station: a month file ({rg['file']}: {rg['rows']:,} rows, "
             f"{rg['bytes'] / 1e6:.1f} MB) holds {rg['row_groups']} row group(s), sorted by station, so the min/max statistics "
             "of the `station` column let a reader skip little of it; smaller row groups would let any Parquet reader skip "
             "most of each file.\n")
    L.append("**Beyond one machine.** Nothing in airq is distributed, and nothing needs to be built for it: the store is "
             "plain hive-partitioned Parquet (`month=YYYY-MM` folders), which other engines read as it is. "
             "[DuckDB](https://duckdb.org) reads it in place, e.g. "
             "`SELECT station, year(time) AS y, avg(pm25) FROM read_parquet('<store>/hourly/*/*.parquet', hive_partitioning = true) "
             "GROUP BY ALL` (out-of-core, all cores, partition pruning on `month`); "
             "[Dask](https://www.dask.org) reads it with `dask.dataframe.read_parquet('<store>/hourly')` and spreads the "
             "months over a cluster; both can also run on object storage (S3, OSS) holding a copy of the folder. DuckDB is "
             "not installed in this environment, so that query is not verified here; the `pyarrow.dataset` reads above are "
             "the same partition layout read the same way, and were measured in this run. Such tools give the hourly "
             "aggregates fast; the official statistics (validity rules, HJ 663 order, exact AQI, both rule sets) still come "
             "from airq, run per year or per group on their output or on the store. Treat the store as read-only from other "
             "tools: airq checks every file against the manifest, so files changed outside `airq ingest` are reported as "
             "damaged.\n")
    return "\n".join(L) + "\n"


# ============================================================================ entry


def _args(argv):
    p = argparse.ArgumentParser(description="Synthetic national benchmark of airq (issue 11)")
    p.add_argument("--stations", type=int, default=int(os.environ.get("AIRQ_BENCH_STATIONS", DEFAULT_STATIONS)))
    p.add_argument("--years", type=int, default=int(os.environ.get("AIRQ_BENCH_YEARS", 3)),
                   help="calendar years ending 2025 (>= 2: assess compares with the previous year; item 5 uses all)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--workdir", default=os.environ.get("AIRQ_BENCH_WORKDIR",
                                                       str(Path(os.environ.get("TMPDIR", "/tmp")) / "airq-bench-national")))
    p.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    p.add_argument("--repeat", type=int, default=int(os.environ.get("AIRQ_BENCH_REPEAT", 3)),
                   help="library calls: best of this many runs in their process (default 3)")
    p.add_argument("--repeat-commands", type=int, default=int(os.environ.get("AIRQ_BENCH_REPEAT_COMMANDS", 2)),
                   help="airq commands but ingest: best of this many processes (default 2; ingest runs once)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "stage":
        _stage_main(argv[1:])
        return 0
    if argv and argv[0] == "cli":
        _cli_main(argv[1:])
        return 0
    if argv and argv[0] == "generate":
        a = _args(argv[1:])
        generate(a.stations, a.years, a.seed, Path(a.workdir))
        return 0
    a = _args(argv)
    if a.years < 2:
        raise SystemExit("--years must be at least 2 (assess compares with the previous year)")
    Runner(a).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
