"""CO in µg/m³ instead of mg/m³: one definition, warned the same way by the library and the CLI.

CO is the one pollutant reported in mg/m³ (HJ 633—2012 Table 1, HJ 633—2026 Table 3;
standards.md §1.1 "Units µg/m³ except CO (mg/m³)"). A CO value that looks like µg/m³
(:func:`airq.units.co_looks_like_ug`: above :data:`airq.units.CO_UG_THRESHOLD` = 50 mg/m³, and
not above 1000 x that) is flagged ``co_unit_slip`` by the ingest check (:mod:`airq.quality`,
which also asks the station's CO around the hour to be low) and makes the AQI functions warn
(:class:`airq.AirqUnitWarning`, once per call) without changing the AQI, which stays the one the
standard gives for the value as given (issue 9 item 8).
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import airq
from airq import AirqUnitWarning, daily_aqi, iaqi, realtime_aqi
from airq.aqi import daily_aqi_values
from airq.cli import main
from airq.quality import CO_UNIT_SLIP, QualityRules, check_hourly
from airq.units import CO_UG_THRESHOLD, co_looks_like_ug

PHRASE = "CO is in mg/m³; 1000 looks like µg/m³ (= 1.0 mg/m³)"
#: Just above and at the shared threshold (50 mg/m³), and just above 1000 x it.
ABOVE = CO_UG_THRESHOLD + 0.1
AT = CO_UG_THRESHOLD
BEYOND = CO_UG_THRESHOLD * 1000 + 1


def _day(co, **kw):
    """One HJ 633—2026 day (standards.md §1.7 whole-day vector) with the given CO [mg/m³]."""
    return pd.DataFrame({"so2": [10.0], "no2": [40.0], "pm10": [120.0], "pm25": [60.0], "co": [co], "o3_8h": [100.0], **kw})


def _hour(co):
    return pd.DataFrame({"so2": [10.0], "no2": [40.0], "co": [co], "o3": [100.0], "pm10": [120.0], "pm25": [60.0]})


def _values(co):
    return {k: np.asarray(v, dtype=float) for k, v in _day(co).items()}


#: Each AQI function of the library on one value of CO [mg/m³]; returns the AQI (or IAQI).
CALLS = {
    "iaqi_24h": lambda co: iaqi("co", co, averaging="24h", rules="HJ633-2026"),
    "iaqi_1h": lambda co: iaqi("co", co, averaging="1h", rules="HJ633-2012"),
    "daily_aqi": lambda co: int(daily_aqi(_day(co), rules="HJ633-2026")["aqi"].iloc[0]),
    "realtime_aqi": lambda co: int(realtime_aqi(_hour(co), rules="HJ633-2026")["aqi"].iloc[0]),
    "daily_aqi_values": lambda co: float(daily_aqi_values(_values(co), rules="HJ633-2026")[0]),
}


def _no_unit_warning(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error", AirqUnitWarning)
        return fn(*args, **kw)


# --------------------------------------------------------------------------- the library


@pytest.mark.parametrize("name", CALLS)
def test_library_warns_once_for_co_1000_and_keeps_the_value(name):
    """co=1000 warns once, saying what it would be in mg/m³; the AQI is the standard's for 1000."""
    with pytest.warns(AirqUnitWarning) as record:
        got = CALLS[name](1000.0)
    units = [w for w in record if issubclass(w.category, AirqUnitWarning)]
    assert len(units) == 1
    assert PHRASE in str(units[0].message)
    assert units[0].message.values == (1000.0,) and units[0].message.count == 1
    assert got == 500  # CO 1000 mg/m³ is above the top breakpoint: 500 (beyond="cap"), unchanged
    assert issubclass(AirqUnitWarning, UserWarning) and airq.AirqUnitWarning is AirqUnitWarning


@pytest.mark.parametrize("name", CALLS)
@pytest.mark.parametrize("co", [1.0, 10.0, AT, BEYOND])
def test_library_does_not_warn_at_or_below_the_threshold(name, co):
    """1.0, 10 and exactly 50 mg/m³ are CO values in mg/m³; above 50 000 it is not µg/m³ either."""
    _no_unit_warning(CALLS[name], co)


@pytest.mark.parametrize("name", CALLS)
def test_library_warns_just_above_the_threshold(name):
    with pytest.warns(AirqUnitWarning, match=r"CO is in mg/m³; 50.1 looks like µg/m³ \(= 0.0501 mg/m³\)"):
        CALLS[name](ABOVE)


def test_warning_names_the_rows_and_counts():
    """Rows by label (frames), positions (arrays); at most five listed, then 'and N more'."""
    frame = pd.concat([_day(c) for c in (1.0, 1000.0, 2.0, 2500.0)], ignore_index=True)
    frame.index = ["d1", "d2", "d3", "d4"]
    with pytest.warns(AirqUnitWarning) as record:
        out = daily_aqi(frame, rules="HJ633-2026")
    (w,) = [r for r in record if issubclass(r.category, AirqUnitWarning)]
    text = str(w.message)
    assert "2 values look like µg/m³: 1000 (= 1.0 mg/m³) at row 'd2', 2500 (= 2.5 mg/m³) at row 'd4'" in text
    assert w.message.where == ("row 'd2'", "row 'd4'")
    assert out["aqi"].tolist() == [100, 500, 100, 500]

    co = np.full((3, 4), 1.0)
    co[1, 2] = 1000.0
    with pytest.warns(AirqUnitWarning, match=r"1000 looks like µg/m³ \(= 1.0 mg/m³\) at position \(1, 2\)"):
        daily_aqi_values({**{k: np.full((3, 4), v[0]) for k, v in _values(1.0).items()}, "co": co}, rules="HJ633-2026")

    many = np.arange(1001.0, 1008.0)
    with pytest.warns(AirqUnitWarning, match=r"7 values look like µg/m³: 1001 .* at position 4 and 2 more\."):
        iaqi("co", many, averaging="24h", rules="HJ633-2026")


def test_daily_aqi_warns_once_across_both_rule_sets():
    """rules=None splits the frame by date (two rule sets): still one warning for the call."""
    frame = pd.concat([_day(1000.0, o3_1h=[180.0]), _day(2000.0, o3_1h=[180.0])], ignore_index=True)
    frame["date"] = pd.to_datetime(["2025-06-01", "2026-06-01"])
    with pytest.warns(AirqUnitWarning) as record:
        out = daily_aqi(frame)
    units = [w for w in record if issubclass(w.category, AirqUnitWarning)]
    assert len(units) == 1 and units[0].message.count == 2
    assert out["rules"].nunique() == 2


def test_iaqi_frame_and_series_name_their_rows():
    with pytest.warns(AirqUnitWarning, match=r"1000 looks like µg/m³ \(= 1.0 mg/m³\) at row 'b'\."):
        got = iaqi("co", pd.Series([1.0, 1000.0], index=["a", "b"]), averaging="24h", rules="HJ633-2026")
    assert got.tolist() == [25, 500]
    with pytest.warns(AirqUnitWarning, match=r"at row 1 of column 'x'"):
        iaqi("co", pd.DataFrame({"x": [1.0, 1000.0], "y": [2.0, 3.0]}), averaging="24h", rules="HJ633-2026")
    _no_unit_warning(iaqi, "pm10", 1000.0, averaging="24h", rules="HJ633-2026")  # only CO is in mg/m³


def test_daily_aqi_values_check_units_false_is_silent():
    """The forecast's simulated days are made in mg/m³: ``check_units=False`` skips the check."""
    got = _no_unit_warning(daily_aqi_values, _values(1000.0), rules="HJ633-2026", check_units=False)
    assert got.tolist() == [500.0]


# --------------------------------------------------------------------------- the same threshold as ingest


def test_ingest_and_library_share_the_threshold():
    """QualityRules' default co_slip_min is the shared constant, and both sides agree around it."""
    assert QualityRules().co_slip_min == CO_UG_THRESHOLD == 50.0
    assert co_looks_like_ug([1.0, 10.0, AT, ABOVE, 1000.0, 50000.0, BEYOND, np.nan]).tolist() == [
        False, False, False, True, True, True, False, False,
    ]
    hours = pd.date_range("2024-01-01", periods=24, freq="h")
    for co, slip in ((ABOVE, True), (1000.0, True), (AT, False), (10.0, False)):
        frame = pd.DataFrame({"station": "A", "time": hours, "so2": 10.0 + np.arange(24), "no2": 40.0 + np.arange(24),
                              "co": 0.8 + 0.01 * (np.arange(24) % 7), "o3": 60.0 + np.arange(24),
                              "pm10": 80.0 + np.arange(24), "pm25": 50.0 + np.arange(24)})
        frame.loc[10, "co"] = co  # the station's other hours are ~0.8 mg/m³: the low context
        _, flags = check_hourly(frame)
        assert (flags["reason"] == CO_UNIT_SLIP).any() == slip, co
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", AirqUnitWarning)
            iaqi("co", co, averaging="1h", rules="HJ633-2026")
        assert any(issubclass(w.category, AirqUnitWarning) for w in caught) == slip, co


# --------------------------------------------------------------------------- the CLI

DAY = ["aqi", "--rules", "HJ633-2026", "--daily", "so2=10", "no2=40", "pm10=120", "pm25=60", "o3_8h=100"]


def test_cli_prints_one_warning_line(capsys):
    assert main(DAY + ["co=1000"]) == 0
    cap = capsys.readouterr()
    lines = cap.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("airq: warning: " + PHRASE)
    assert "row" not in lines[0]
    assert "AQI        500" in cap.out  # the AQI of the value as given


def test_cli_json_carries_the_warning(capsys):
    assert main(DAY + ["co=1000", "--json"]) == 0
    cap = capsys.readouterr()
    obj = json.loads(cap.out)
    assert obj["aqi"] == 500 and obj["primary"] == ["co"]
    assert len(obj["warnings"]) == 1 and obj["warnings"][0].startswith(PHRASE)
    assert cap.err.startswith("airq: warning: " + PHRASE)
    # the library and the CLI say the same
    with pytest.warns(AirqUnitWarning) as record:
        iaqi("co", 1000.0, averaging="24h", rules="HJ633-2026")
    assert obj["warnings"][0] == str(record[0].message)


@pytest.mark.parametrize("co", ["1.0", "10", "50"])
def test_cli_no_warning_in_mg(capsys, co):
    assert main(DAY + [f"co={co}", "--json"]) == 0
    cap = capsys.readouterr()
    assert json.loads(cap.out)["warnings"] == [] and cap.err == ""


def test_cli_realtime_warns_too(capsys):
    argv = ["aqi", "--rules", "2026", "--realtime", "so2=8", "no2=20", "pm10=40", "pm25=61", "co=600", "o3=150"]
    assert main(argv) == 0
    assert capsys.readouterr().err.startswith("airq: warning: CO is in mg/m³; 600 looks like µg/m³ (= 0.6 mg/m³)")
