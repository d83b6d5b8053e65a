"""Tests of airq.demo, the deterministic SYNTHETIC hourly data generator."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from airq import demo
from airq.demo import DEMO_POLLUTANTS, DEMO_STATIONS, EVENT_KINDS, generate_hourly, write_demo
from airq.timeconv import to_hour_start

URBAN = ["2506A", "2507A", "2508A", "3405A"]
UG = [p for p in DEMO_POLLUTANTS if p != "co"]


@pytest.fixture(scope="module")
def full():
    """The default data set (all stations, 2021-01 .. 2026-10) with its truth table."""
    return generate_hourly(return_truth=True)


@pytest.fixture(scope="module")
def clean_daily():
    """Crude daily values of the clean default data set (no imperfections)."""
    df = generate_hourly(imperfections=False)
    n_st = df["station"].nunique()
    n_days = len(df) // (24 * n_st)
    arr = {p: df[p].to_numpy().reshape(n_st, n_days, 24) for p in DEMO_POLLUTANTS}
    cs = np.concatenate([np.zeros((n_st, n_days, 1)), np.cumsum(arr["o3"], axis=2)], axis=2)
    o3_8h = ((cs[:, :, 8:25] - cs[:, :, 0:17]) / 8).max(axis=2)
    stations = df["station"].to_numpy()[:: 24 * n_days]
    dates = pd.DatetimeIndex(df["time"].to_numpy()[: 24 * n_days : 24])
    out = {p: pd.DataFrame(arr[p].mean(axis=2).T, index=dates, columns=stations) for p in DEMO_POLLUTANTS}
    out["o3_8h"] = pd.DataFrame(o3_8h.T, index=dates, columns=stations)
    out["o3_1h"] = pd.DataFrame(arr["o3"].max(axis=2).T, index=dates, columns=stations)
    out["hourly"] = df
    return out


def _digest(frame: pd.DataFrame) -> str:
    h = hashlib.sha256()
    for col in frame.columns:
        values = frame[col].to_numpy()
        h.update(col.encode())
        h.update(values.astype(str).tobytes() if values.dtype == object else np.ascontiguousarray(values).tobytes())
    return h.hexdigest()


# ------------------------------------------------------------------ determinism


def test_same_seed_gives_identical_frame_and_truth():
    a, ta = generate_hourly("2023-01-01", "2023-06-30", seed=7, return_truth=True)
    b, tb = generate_hourly("2023-01-01", "2023-06-30", seed=7, return_truth=True)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(ta, tb)
    assert _digest(a) == _digest(b)
    assert a.attrs == b.attrs


def test_different_seed_gives_different_data():
    a = generate_hourly("2023-01-01", "2023-03-31", seed=1)
    b = generate_hourly("2023-01-01", "2023-03-31", seed=2)
    assert _digest(a) != _digest(b)
    common = a.merge(b, on=["station", "time"], suffixes=("_a", "_b"))
    assert (common["pm25_a"] != common["pm25_b"]).mean() > 0.5


def test_station_values_do_not_depend_on_the_other_stations():
    alone = generate_hourly("2023-01-01", "2023-02-28", stations=["2507A"], imperfections=False)
    everyone = generate_hourly("2023-01-01", "2023-02-28", imperfections=False)
    part = everyone[everyone["station"] == "2507A"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, part, check_like=False)


# ------------------------------------------------------------------ schema


def test_schema_dtypes_order_and_precision(full):
    df, _ = full
    assert list(df.columns) == ["station", "time", *DEMO_POLLUTANTS]
    assert pd.api.types.is_string_dtype(df["station"])
    assert df["time"].dtype == np.dtype("datetime64[ns]")
    for p in DEMO_POLLUTANTS:
        assert df[p].dtype == np.float64, p
    # sorted by station then time (duplicates adjacent), whole hours, inside the period
    key = df["station"].to_numpy(dtype=object)
    t = df["time"].to_numpy()
    same = key[1:] == key[:-1]
    assert (key[1:] >= key[:-1]).all()
    assert (t[1:][same] >= t[:-1][same]).all()
    assert (df["time"] == df["time"].dt.floor("h")).all()
    assert df["time"].min() == pd.Timestamp("2021-01-01 00:00")
    assert df["time"].max() == pd.Timestamp("2026-10-31 23:00")
    # published precision: integers in µg/m³, one decimal for CO
    for p in UG:
        v = df[p].dropna().to_numpy()
        assert (v == np.round(v)).all(), p
    co = df["co"].dropna().to_numpy()
    assert np.allclose(co * 10, np.round(co * 10), atol=1e-9)


def test_synthetic_flag_and_description(full):
    df, truth = full
    assert df.attrs["synthetic"] is True
    text = df.attrs["description"].lower()
    assert "synthetic" in text and "not real" in text
    assert df.attrs["seed"] == demo.DEFAULT_SEED
    assert truth.attrs["synthetic"] is True


def test_demo_stations_table(full):
    df, _ = full
    assert list(DEMO_STATIONS.columns) == ["code", "name", "county", "lat", "lon", "contrast", "synthetic"]
    assert list(DEMO_STATIONS["code"]) == ["2505A", "2506A", "2507A", "2508A", "3405A", "GP01A", "PN01A"]
    assert DEMO_STATIONS.loc[DEMO_STATIONS["contrast"], "code"].tolist() == ["2505A"]
    assert DEMO_STATIONS.loc[DEMO_STATIONS["synthetic"], "code"].tolist() == ["GP01A", "PN01A"]
    assert sorted(df["station"].unique()) == sorted(DEMO_STATIONS["code"])
    # county towns lie 60-100 km east of the city (Pingnan county seat is ~95 km away)
    city = DEMO_STATIONS[~DEMO_STATIONS["synthetic"]]
    for code in ("GP01A", "PN01A"):
        row = DEMO_STATIONS.set_index("code").loc[code]
        dx = (row["lon"] - city["lon"].mean()) * 111.3 * np.cos(np.radians(23.1))
        dy = (row["lat"] - city["lat"].mean()) * 111.3
        assert row["lon"] > city["lon"].max()
        assert 55 < np.hypot(dx, dy) < 100


def test_clean_grid_is_complete():
    df = generate_hourly("2024-02-01", "2024-03-31", stations=["2505A", "GP01A"], imperfections=False)
    assert len(df) == 2 * 60 * 24
    assert not df[list(DEMO_POLLUTANTS)].isna().any().any()
    assert (df[UG] >= 1).all().all() and (df["co"] >= 0.1).all()
    assert not df.duplicated(["station", "time"]).any()
    assert (df[UG] < 999).all().all() and (df["co"] < 20).all()


@pytest.mark.parametrize(
    "kw",
    [
        dict(stations=["XXXXX"]),
        dict(stations=["2506A", "2506A"]),
        dict(start="2023-02-01", end="2023-01-31"),
        dict(start="2023-01-01 05:00", end="2023-01-31"),
        dict(seed=-1),
        dict(seed=1.5),
    ],
)
def test_invalid_arguments(kw):
    args = dict(start="2023-01-01", end="2023-01-31")
    args.update(kw)
    with pytest.raises(ValueError):
        generate_hourly(**args)


def test_tiny_period_works_and_truth_matches():
    df, truth = generate_hourly("2023-07-01", "2023-07-01", stations=["2506A"], return_truth=True)
    grid_hours = pd.date_range("2023-07-01", periods=24, freq="h")
    absent = int(truth.loc[truth["kind"] == "outage", "hours"].sum())
    n_dup = int((truth["kind"] == "duplicate").sum())
    assert len(df) == len(grid_hours) - absent + n_dup
    assert set(df["time"]) <= set(grid_hours)


# ------------------------------------------------------------------ realism


def test_winter_pm25_more_than_twice_summer(clean_daily):
    pm = clean_daily["pm25"]
    month = pm.index.month
    winter = pm[np.isin(month, [12, 1, 2])]
    summer = pm[np.isin(month, [6, 7, 8])]
    for st in URBAN:
        assert winter[st].mean() > 2 * summer[st].mean(), st
    # Dec-Feb monthly means of the city in the 40-60 range, summer around 15-20
    city = pm[URBAN].mean(axis=1)
    monthly = city.groupby(city.index.month).mean()
    assert 40 <= monthly[[12, 1, 2]].min() and monthly[[12, 1, 2]].max() <= 62
    assert 12 <= monthly[[6, 7, 8]].min() and monthly[[6, 7, 8]].max() <= 22


def test_o3_afternoon_peak_and_no2_rush_hours(clean_daily):
    df = clean_daily["hourly"]
    urban = df[df["station"].isin(URBAN)]
    by_hour = urban.groupby(urban["time"].dt.hour)[["o3", "no2"]].mean()
    assert by_hour["o3"].iloc[13:17].mean() > 2 * by_hour["o3"].iloc[0:6].mean()
    assert by_hour["o3"].idxmax() in (13, 14, 15)
    midday = by_hour["no2"].iloc[12:16].mean()
    assert by_hour["no2"].iloc[7:9].mean() > 1.3 * midday
    assert by_hour["no2"].iloc[18:21].mean() > 1.3 * midday


def test_levels_are_plausible(clean_daily):
    d = clean_daily
    full_years = d["pm25"].index.year < 2026
    annual = d["pm25"][full_years].groupby(d["pm25"].index[full_years].year).mean()
    assert ((annual[URBAN] > 25) & (annual[URBAN] < 37)).all().all()
    # contrast point and county stations are cleaner than the urban mean
    for st in ("2505A", "GP01A", "PN01A"):
        assert d["pm25"][st].mean() < d["pm25"][URBAN].mean().mean()
    # slow improvement: first two years dirtier than the last two full years
    city = annual[URBAN].mean(axis=1)
    assert city.loc[[2021, 2022]].mean() > city.loc[[2024, 2025]].mean()
    ratio = d["pm10"][URBAN].mean().mean() / d["pm25"][URBAN].mean().mean()
    assert 1.45 < ratio < 1.85
    assert 15 < d["no2"][URBAN].mean().mean() < 35
    assert 4 < d["so2"][URBAN].mean().mean() < 16
    assert 0.5 < d["co"][URBAN].mean().mean() < 1.3
    # autumn ozone episodes: Sep-Oct daily max 8-h above 160 on some days, below 300
    o3 = d["o3_8h"][URBAN].mean(axis=1)
    autumn = o3[np.isin(o3.index.month, [9, 10])]
    assert (autumn > 160).sum() >= 20 and autumn.max() < 300


def test_spring_festival_spike(clean_daily):
    city = clean_daily["pm25"][URBAN].mean(axis=1)
    hourly = clean_daily["hourly"]
    urban = hourly[hourly["station"].isin(URBAN)]
    city_h = urban.groupby("time")["pm25"].mean()
    top = 0
    for day in ["2021-02-12", "2022-02-01", "2023-01-22", "2024-02-10", "2025-01-29", "2026-02-17"]:
        cny = pd.Timestamp(day)
        window = city[cny - pd.Timedelta(days=15) : cny + pd.Timedelta(days=15)]
        assert city[cny] > 90 and city[cny] > 1.5 * window.median(), day
        top += city[cny] == window.max()
        # fireworks: the hours around midnight of New Year's Eve
        night = city_h[cny - pd.Timedelta("2h") : cny + pd.Timedelta("3h")]
        assert night.max() > 150 and night.max() > 2 * city_h[cny - pd.Timedelta("7D")], day
    assert top >= 4


def test_good_day_share_is_around_the_target(clean_daily):
    """Crude good-day share of the city (mean of the four urban stations), 2021-2025."""
    d = clean_daily
    city = {k: d[k][URBAN].mean(axis=1) for k in ("pm25", "pm10", "no2", "o3_8h", "o3_1h")}
    not_good = (
        (np.rint(city["pm25"]) > 75)
        | (np.rint(city["pm10"]) > 150)
        | (np.rint(city["o3_8h"]) > 160)
        | (np.rint(city["o3_1h"]) > 200)
        | (np.rint(city["no2"]) > 80)
    )
    years = not_good.index.year
    good = (~not_good[years < 2026]).groupby(years[years < 2026]).mean() * 100
    assert ((good > 86) & (good < 98)).all(), good
    assert (good >= 93.8).any() and (good < 93.8).any(), good  # target sometimes met, sometimes missed
    # ozone causes a good part of the non-good days
    o3_days = ((np.rint(city["o3_8h"]) > 160) | (np.rint(city["o3_1h"]) > 200)) & not_good
    assert o3_days.sum() > 0.3 * not_good.sum()
    # a few heavy days (AQI > 200, PM2.5 24-h > 150) at some station, not every year
    heavy = (np.rint(d["pm25"]) > 150).any(axis=1)
    assert 1 <= heavy.sum() <= 20


# ------------------------------------------------------------------ imperfections


@pytest.fixture(scope="module")
def two_years():
    return generate_hourly("2022-01-01", "2023-12-31", seed=11, return_truth=True)


def _rows(df, station, start, end=None):
    """Rows of ``station`` in ``[start, end)`` (default: the hour ``start``)."""
    end = start + pd.Timedelta("1h") if end is None else end
    m = (df["station"] == station) & (df["time"] >= start) & (df["time"] < end)
    return df[m]


def test_truth_table_schema_and_all_kinds_present(two_years):
    _, truth = two_years
    assert list(truth.columns) == ["station", "start", "end", "hours", "kind", "pollutant", "value", "detail"]
    assert truth["start"].dtype == np.dtype("datetime64[ns]") and truth["end"].dtype == np.dtype("datetime64[ns]")
    assert truth["hours"].dtype == np.int64
    assert set(truth["kind"]) == set(EVENT_KINDS)
    # events cover [start, end): end is the first hour after the event
    assert ((truth["end"] - truth["start"]) / pd.Timedelta("1h") == truth["hours"]).all()
    assert (truth["hours"] >= 1).all()
    single = truth["kind"].isin(["missing", "negative", "spike", "duplicate"])
    assert (truth.loc[single, "hours"] == 1).all()
    assert (truth["kind"] == "co_unit_slip").sum() == 1
    counts = truth["kind"].value_counts()
    assert counts["outage"] >= 10 and counts["stuck"] >= 3 and counts["duplicate"] >= 1
    assert counts["negative"] >= 1 and counts["spike"] >= 1


def test_outages_are_absent_rows(two_years):
    df, truth = two_years
    out = truth[truth["kind"] == "outage"]
    hours = out["hours"]
    assert hours.min() >= 2 and hours.max() <= 144 and hours.max() >= 24  # hours to several days
    for ev in out.itertuples():
        assert _rows(df, ev.station, ev.start, ev.end).empty
        assert len(_rows(df, ev.station, ev.start - pd.Timedelta("1h"))) == 1
        assert len(_rows(df, ev.station, ev.end)) == 1
    n_st, n_h = 7, 730 * 24
    n_dup = (truth["kind"] == "duplicate").sum()
    assert len(df) == n_st * n_h - int(hours.sum()) + n_dup


def test_stuck_runs_repeat_exactly(two_years):
    df, truth = two_years
    stuck = truth[truth["kind"] == "stuck"]
    for ev in stuck.itertuples():
        run = _rows(df, ev.station, ev.start, ev.end)[ev.pollutant]
        assert 6 <= len(run) <= 12
        assert (run == ev.value).all()
        before = _rows(df, ev.station, ev.start - pd.Timedelta("1h"))[ev.pollutant].iloc[0]
        after = _rows(df, ev.station, ev.end)[ev.pollutant].iloc[0]
        assert before != ev.value and after != ev.value


def test_negative_values_and_spikes_are_exactly_the_declared_ones(two_years):
    df, truth = two_years
    long = df.melt(id_vars=["station", "time"], value_vars=list(DEMO_POLLUTANTS), var_name="pollutant")
    found_neg = long[long["value"] < 0]
    decl_neg = truth[truth["kind"] == "negative"]
    assert sorted(zip(found_neg.station, found_neg.time, found_neg.pollutant, found_neg.value)) == sorted(
        zip(decl_neg.station, decl_neg.start, decl_neg.pollutant, decl_neg.value)
    )
    found_spike = long[long["value"] >= 9999]
    decl = truth[truth["kind"] == "spike"]
    assert set(decl["value"]) <= {9999.0, 65535.0, 99999.0}
    assert set(zip(decl.station, decl.start, decl.pollutant)) == set(
        zip(found_spike.station, found_spike.time, found_spike.pollutant)
    )
    # apart from spikes and the CO unit slip, nothing is implausibly high
    ug = long[long["pollutant"] != "co"]
    assert (ug["value"] < 9999).sum() == (ug["value"].notna()).sum() - len(decl[decl["pollutant"] != "co"])
    assert ug.loc[ug["value"] < 9999, "value"].max() < 900


def test_co_unit_slip_is_one_natural_day(two_years):
    df, truth = two_years
    ev = truth[truth["kind"] == "co_unit_slip"].iloc[0]
    assert ev.pollutant == "co" and ev.value == 1000.0
    assert ev.start == ev.start.normalize() and ev.end == ev.start + pd.Timedelta("24h") and ev.hours == 24
    day = _rows(df, ev.station, ev.start, ev.end)["co"]
    assert len(day) == 24 and (day >= 100).all() and (day < 3000).all()
    spikes = truth[(truth["kind"] == "spike") & (truth["pollutant"] == "co")]
    big_co = df[df["co"] >= 50]
    assert len(big_co) == 24 + len(spikes)


def test_duplicates_follow_their_original_and_differ(two_years):
    df, truth = two_years
    dups = truth[truth["kind"] == "duplicate"]
    dupmask = df.duplicated(["station", "time"], keep="first")
    assert dupmask.sum() == len(dups)
    for ev in dups.itertuples():
        rows = _rows(df, ev.station, ev.start)
        assert len(rows) == 2
        assert rows.index[1] == rows.index[0] + 1  # adjacent, original first
        first, second = rows.iloc[0], rows.iloc[1]
        assert second[ev.pollutant] == ev.value != first[ev.pollutant]
        others = [p for p in DEMO_POLLUTANTS if p != ev.pollutant]
        assert (first[others] == second[others]).all()


def test_missing_values_are_exactly_the_declared_ones(two_years):
    df, truth = two_years
    long = df.melt(id_vars=["station", "time"], value_vars=list(DEMO_POLLUTANTS), var_name="pollutant")
    found = set(zip(*(long.loc[long["value"].isna(), c] for c in ("station", "time", "pollutant"))))
    miss = truth[truth["kind"] == "missing"]
    assert (miss["hours"] == 1).all()
    declared = set()
    for p in DEMO_POLLUTANTS:
        m = miss[(miss["pollutant"] == p) | (miss["pollutant"] == "all")]
        declared |= set(zip(m["station"], m["start"], [p] * len(m)))
    assert found == declared
    share = len(found) / (len(df) * len(DEMO_POLLUTANTS))
    assert 0.008 < share < 0.025  # scattered missing ~1-2 %
    whole = miss[miss["pollutant"] == "all"]
    assert len(whole) > 0 and len(miss) > len(whole)


# ------------------------------------------------------------------ files


def test_write_demo_files_labels_and_round_trip(tmp_path):
    kw = dict(start="2023-01-01", end="2023-02-28", stations=["2506A", "PN01A"], seed=5)
    paths = write_demo(tmp_path / "demo", **kw)
    assert [p.name for p in paths] == ["demo_2023-01.csv", "demo_2023-02.csv", "README.txt"]
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == sorted(p.name for p in paths)  # no temp files
    readme = paths[-1].read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme and "NOT REAL MEASUREMENTS" in readme

    jan = pd.read_csv(paths[0], dtype={"station": str, "time": str})
    assert list(jan.columns) == ["station", "time", *DEMO_POLLUTANTS]
    # hour-ending labels: a natural day runs from 01:00 to next-day 00:00
    assert jan["time"].iloc[0] == "2023-01-01 01:00"
    assert jan["time"].iloc[-1] == "2023-02-01 00:00"
    assert (jan["time"].str.len() == 16).all()
    labels = pd.to_datetime(jan["time"])
    per_day = labels.groupby([jan["station"], (labels - pd.Timedelta("1h")).dt.floor("D")])
    firsts, lasts = per_day.min(), per_day.max()
    assert (firsts.dt.hour >= 1).all() and (firsts.dt.hour == 1).mean() > 0.9
    assert (lasts.dt.hour == 0).mean() > 0.9
    assert (lasts.dt.normalize() - firsts.dt.normalize() <= pd.Timedelta("1D")).all()

    # the files hold exactly the frame, once converted back to hour starts
    frame = generate_hourly(**kw)
    back = pd.concat([pd.read_csv(p, dtype={"station": str, "time": str}) for p in paths[:-1]], ignore_index=True)
    back["time"] = to_hour_start(back["time"], hour_label="end")
    back = back.sort_values(["station", "time"], kind="stable", ignore_index=True)
    assert len(back) == len(frame)
    assert (back["station"].to_numpy() == frame["station"].to_numpy()).all()
    assert (back["time"].to_numpy() == frame["time"].to_numpy()).all()
    for p in DEMO_POLLUTANTS:
        np.testing.assert_array_equal(back[p].to_numpy(dtype=float), frame[p].to_numpy(), err_msg=p)

    # integers for µg/m³, one decimal for CO, empty field for missing
    text = paths[0].read_text(encoding="utf-8")
    body = [line.split(",") for line in text.splitlines()[1:]]
    assert all(len(f) == 8 for f in body)
    assert all("." not in f[2] and "." not in f[7] for f in body)
    assert all(f[4] == "" or (len(f[4].split(".")) == 2 and len(f[4].split(".")[1]) == 1) for f in body)
    assert "\r" not in text


def test_written_files_are_read_by_the_tidy_reader(tmp_path):
    read_tidy = pytest.importorskip("airq.io").read_tidy
    kw = dict(start="2023-05-01", end="2023-06-30", stations=["3405A", "GP01A"], seed=9)
    write_demo(tmp_path, **kw)
    got = read_tidy(tmp_path, hour_label="end")  # README.txt is not a data file
    got = got.sort_values(["station", "time"], kind="stable", ignore_index=True)
    want = generate_hourly(**kw)
    pd.testing.assert_frame_equal(got[want.columns.tolist()], want, check_dtype=False)


def test_write_demo_is_deterministic(tmp_path):
    kw = dict(start="2023-03-01", end="2023-04-30", stations=["2507A", "GP01A"])
    a = write_demo(tmp_path / "a", seed=3, **kw)
    b = write_demo(tmp_path / "b", seed=3, **kw)
    c = write_demo(tmp_path / "c", seed=4, **kw)
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    assert a[0].read_bytes() != c[0].read_bytes()
    # writing again over existing files gives the same bytes
    again = write_demo(tmp_path / "a", seed=3, **kw)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in b]


def test_write_demo_rejects_return_truth(tmp_path):
    with pytest.raises(TypeError):
        write_demo(tmp_path, start="2023-01-01", end="2023-01-02", return_truth=True)
