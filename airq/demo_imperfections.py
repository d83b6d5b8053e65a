"""The imperfections injected into the SYNTHETIC demo data: outages, missing and bad values, duplicates.

Nothing produced here is a measurement (see :mod:`airq.demo`). This module holds the kinds of
events (:data:`EVENT_KINDS`), their rates, :func:`_place_events` (kind, station, first hour and
length of every event, each in its own slot of the station's timeline, so events never overlap)
and :func:`_inject` (the events applied to the rounded clean values of :mod:`airq.demo_model`, in
place, and the event arrays of the truth table). Everything is deterministic from ``seed``.

Part of :mod:`airq.demo` (which re-exports :data:`EVENT_KINDS`).
"""

from __future__ import annotations

import numpy as np

from .demo_model import DEMO_POLLUTANTS, _K_FAULTS, _rng

__all__ = ["EVENT_KINDS"]

# --------------------------------------------------------------------------------------
# Imperfections
# --------------------------------------------------------------------------------------

#: Kinds of injected imperfections reported in the truth table.
#:
#: Events cover the hours ``[start, end)`` (``end`` = first hour after the event).
#:
#: * ``outage`` — whole-station gap: the station's rows are ABSENT for ``[start, end)``.
#: * ``missing`` — a row present with NaN: ``pollutant`` is a column name, or ``"all"``.
#: * ``stuck`` — ``pollutant`` repeats ``value`` in every hour of ``[start, end)`` (6-12 h);
#:   the hours just before and after differ from it.
#: * ``negative`` — one negative ``value``.
#: * ``spike`` — one absurd ``value`` (sentinel 9999, 65535 or 99999).
#: * ``co_unit_slip`` — one natural day of CO reported in µg/m³ (x1000).
#: * ``duplicate`` — a second row for the same station and hour follows the first; it differs
#:   in ``pollutant`` (its value there is ``value``), the other columns are equal.
EVENT_KINDS = ("outage", "missing", "stuck", "negative", "spike", "co_unit_slip", "duplicate")

# events per station-year (co_unit_slip: exactly one per call); at least one of each kind
_RATES = dict(outage=3.0, stuck=1.0, negative=0.25, spike=0.25, duplicate=0.15)
_P_MISSING_ROW = 0.008  # whole hour missing (all six values NaN)
_P_MISSING_VALUE = 0.005  # one pollutant missing
_MARGIN = 2  # clean hours kept around every event
_SPIKES = np.array([9999.0, 65535.0, 99999.0])


def _place_events(rng: np.random.Generator, n_st: int, n_h: int, n_years: float):
    """Choose kind, station, first hour and length of every injected event.

    Each station's timeline is cut into as many equal slots as it has events and every event
    is placed inside its own slot, ``_MARGIN`` clean hours from the slot edges, so events never
    overlap and never touch the ends of the period. Events that do not fit are dropped.
    """
    sy = n_st * n_years
    kinds = []
    for k in ("outage", "stuck", "negative", "spike", "duplicate"):
        kinds += [k] * max(1, int(round(_RATES[k] * sy)))
    kinds.append("co_unit_slip")
    kind = np.array(kinds)
    n = len(kind)
    station = rng.integers(0, n_st, n)
    order = np.lexsort((rng.random(n), station))  # random slot order within each station
    counts = np.bincount(station, minlength=n_st)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - first[station[order]]
    slot_len = n_h // np.maximum(counts[station], 1)

    short = rng.random(n) < 0.7
    out_len = np.where(short, rng.integers(2, 25, n), rng.integers(24, 145, n))
    length = np.ones(n, dtype=np.int64)
    length = np.where(kind == "outage", out_len, length)
    length = np.where(kind == "stuck", rng.integers(6, 13, n), length)
    length = np.where(kind == "co_unit_slip", 24, length)
    align = np.where(kind == "co_unit_slip", 24, 1)

    lo = rank * slot_len + _MARGIN
    hi = (rank + 1) * slot_len - _MARGIN  # exclusive
    length = np.where(kind == "outage", np.minimum(length, hi - lo), length)
    first_ok = -(-lo // align) * align
    last_ok = ((hi - length) // align) * align
    n_pos = (last_ok - first_ok) // align + 1
    fits = (n_pos >= 1) & (length >= 1)
    start = first_ok + align * rng.integers(0, np.maximum(n_pos, 1))
    keep = np.flatnonzero(fits)
    return kind[keep], station[keep], start[keep], length[keep]


def _inject(values: np.ndarray, seed: int, n_years: float):
    """Inject imperfections into rounded values (6, S, H), in place.

    Returns ``(present, dup, events)``: row mask (S, H) (False = row absent), duplicate rows
    as ``(station, hour, values(6, n))`` and a dict of event arrays (hour indices).
    """
    _, n_st, n_h = values.shape
    rng = _rng(seed, _K_FAULTS)
    kind, st, start, length = _place_events(rng, n_st, n_h, n_years)
    n = len(kind)
    names = np.array(DEMO_POLLUTANTS, dtype=object)
    ico = DEMO_POLLUTANTS.index("co")
    pol = rng.integers(0, len(DEMO_POLLUTANTS), n)
    pol = np.where(kind == "co_unit_slip", ico, pol)
    pol_name = np.where(kind == "outage", "all", names[pol]).astype(object)
    value = np.full(n, np.nan)
    detail = np.full(n, "", dtype=object)

    # busy mask: events plus margin (kept free of scattered missing values)
    diff = np.zeros((n_st, n_h + 1), dtype=np.int64)
    np.add.at(diff, (st, np.maximum(start - _MARGIN, 0)), 1)
    np.add.at(diff, (st, np.minimum(start + length + _MARGIN, n_h)), -1)
    busy = np.cumsum(diff[:, :n_h], axis=1) > 0

    # stuck: the value of the first hour repeats; equal neighbours are nudged so the run is exact
    m = np.flatnonzero(kind == "stuck")
    rep = np.repeat(m, length[m])
    hrs = start[rep] + np.arange(len(rep)) - np.repeat(np.cumsum(length[m]) - length[m], length[m])
    value[m] = values[pol[m], st[m], start[m]]
    values[pol[rep], st[rep], hrs] = value[rep]
    step = np.where(pol[m] == ico, 0.1, 1.0)
    for nb in (start[m] - 1, start[m] + length[m]):
        old = values[pol[m], st[m], nb]
        values[pol[m], st[m], nb] = np.where(old == value[m], np.round(value[m] + step, 1), old)
    detail[m] = "instrument stuck: value repeated"

    # negative values and absurd spikes (single hours)
    m = np.flatnonzero(kind == "negative")
    neg = np.where(pol[m] == ico, -0.1 * rng.integers(1, 4, len(m)), -1.0 * rng.integers(1, 6, len(m)))
    value[m] = np.round(neg, 1)
    values[pol[m], st[m], start[m]] = value[m]
    detail[m] = "negative value"
    m = np.flatnonzero(kind == "spike")
    value[m] = _SPIKES[rng.integers(0, len(_SPIKES), len(m))]
    values[pol[m], st[m], start[m]] = value[m]
    detail[m] = "absurd value"

    # CO unit slip: one natural day reported in µg/m³ (one event, 24 hours)
    m = np.flatnonzero(kind == "co_unit_slip")
    rep = np.repeat(m, length[m])
    hrs = start[rep] + np.arange(len(rep)) - np.repeat(np.cumsum(length[m]) - length[m], length[m])
    values[ico, st[rep], hrs] = np.round(values[ico, st[rep], hrs] * 1000.0)
    value[m] = 1000.0
    detail[m] = "CO reported in ug/m3 (x1000) for one natural day"

    # duplicates: a second row follows the first; one pollutant differs
    m = np.flatnonzero(kind == "duplicate")
    cols = np.arange(len(m))
    dup_vals = values[:, st[m], start[m]].copy()
    mag = np.where(pol[m] == ico, 0.1 * rng.integers(1, 4, len(m)), 1.0 * rng.integers(1, 16, len(m)))
    sign = np.where(rng.random(len(m)) < 0.5, -1.0, 1.0)
    orig = dup_vals[pol[m], cols]
    new = orig + sign * mag
    new = np.round(np.where(new <= 0, orig + mag, new), 1)
    dup_vals[pol[m], cols] = new
    value[m] = new
    detail[m] = "duplicate row (the second) differs in this pollutant"
    dup = (st[m], start[m], dup_vals)

    # outages: rows absent
    m = np.flatnonzero(kind == "outage")
    diff = np.zeros((n_st, n_h + 1), dtype=np.int64)
    np.add.at(diff, (st[m], start[m]), 1)
    np.add.at(diff, (st[m], start[m] + length[m]), -1)
    present = np.cumsum(diff[:, :n_h], axis=1) == 0
    detail[m] = "station outage: rows absent"

    # scattered missing: whole hours (row present, all NaN) and single values
    miss_row = (rng.random((n_st, n_h)) < _P_MISSING_ROW) & ~busy
    miss_val = (rng.random(values.shape) < _P_MISSING_VALUE) & ~busy[None] & ~miss_row[None]
    values[:, miss_row] = np.nan
    values[miss_val] = np.nan
    rs, rh = np.nonzero(miss_row)
    vp, vs, vh = np.nonzero(miss_val)

    n_r, n_v = len(rs), len(vs)
    events = dict(
        station=np.concatenate([st, rs, vs]),
        start=np.concatenate([start, rh, vh]),
        end=np.concatenate([start + length, rh + 1, vh + 1]),
        kind=np.concatenate([kind.astype(object), np.full(n_r + n_v, "missing", dtype=object)]),
        pollutant=np.concatenate([pol_name, np.full(n_r, "all", dtype=object), names[vp]]),
        value=np.concatenate([value, np.full(n_r + n_v, np.nan)]),
        detail=np.concatenate([detail, np.full(n_r, "hour missing: row present, all values empty", dtype=object),
                               np.full(n_v, "value missing", dtype=object)]),
    )
    return present, dup, events
