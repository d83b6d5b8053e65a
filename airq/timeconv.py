"""The one time convention inside airq, and conversion into it.

**Inside airq, an hourly value is stamped with the start of the hour it averages, in Beijing
time (UTC+8), as a timezone-naive ``datetime64``.** The column is always called ``time``.

So the value Chinese data label ``01:00`` (the mean over 00:00-01:00, hour-ending, the CNEMC
and HJ 663 convention) is ``time == 00:00`` inside airq, and the label ``24:00`` / next day
``00:00`` (the mean over 23:00-24:00) is ``time == 23:00`` of the same day. With this choice
a natural day D (labels D 01:00 ... D+1 00:00, standards.md §2.4) is exactly the hours whose
``time`` falls on date D: ``time.floor("D")`` is the day an hour belongs to, and no day
straddles two dates.

An 8-hour O3 window labelled ``t`` (hour-ending, covering labels t-7 ... t) starts at
``time == t - 8h`` inside airq. The windows "ending 08:00 ... 24:00" of day D (HJ 663
§6.1.2) are those starting at D 00:00 ... D 16:00: all 17 lie inside the natural day.

Readers convert on input, by an explicit argument, with :func:`to_hour_start`:

* ``hour_label="end"`` — the Chinese convention (CNEMC real-time files, china_sites files,
  HJ 663): subtract one hour.
* ``hour_label="start"`` — data stamped at the start of the hour (many re-published sets):
  unchanged.

Timestamps with a timezone are converted to Beijing time first.

References
----------
.. [1] HJ 663—2013 §6.1.2 and standards.md §2.4 (natural day = labels 01 ... 24).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .notes import note

__all__ = ["BEIJING", "HOUR_LABELS", "to_hour_start", "natural_day", "parse_hour_label_text"]

BEIJING = "Asia/Shanghai"
HOUR_LABELS = ("end", "start")


def _check_label(hour_label: str) -> None:
    if hour_label not in HOUR_LABELS:
        raise ValueError(f"hour_label must be 'end' (Chinese convention) or 'start', not {hour_label!r}")


def to_hour_start(times, hour_label: str) -> pd.DatetimeIndex:
    """Convert hour labels to airq's internal stamp (start of the hour, Beijing time, naive).

    Parameters
    ----------
    times : array-like of datetime-like
        Hour labels as found in the source. Timezone-aware values are converted to Beijing
        time; naive values are taken to be Beijing time already.
    hour_label : {"end", "start"}
        What the labels mark: the end of the averaging hour (Chinese convention; a label
        ``01:00`` covers 00:00-01:00) or its start.

    Returns
    -------
    pandas.DatetimeIndex
        Naive Beijing-time hour starts.

    Raises
    ------
    ValueError
        If a label is not on a whole hour.
    """
    _check_label(hour_label)
    idx = _parse_labels(times)
    if idx.tz is not None:
        idx = idx.tz_convert(BEIJING).tz_localize(None)
    off = idx[~idx.isna()]
    bad = off[off != off.floor("h")]
    if len(bad):
        raise ValueError(note("error.calc.label_not_whole_hour", label=str(bad[0])))
    if hour_label == "end":
        idx = idx - pd.Timedelta(hours=1)
    return idx


_H24 = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})[ T]24(:00){0,2}\s*$")


def _parse_labels(times) -> pd.DatetimeIndex:
    """Datetime labels from timestamps or text; text ``YYYY-MM-DD 24:00`` is next-day 00:00."""
    if isinstance(times, pd.DatetimeIndex):
        return times
    values = pd.Series(np.asarray(times, dtype=object) if not isinstance(times, pd.Series) else times.to_numpy(dtype=object))
    is_text = values.map(lambda v: isinstance(v, str)).to_numpy()
    shift = np.zeros(len(values), dtype=bool)
    if is_text.any():
        text = values[is_text].astype(str)
        m = text.str.extract(_H24)[0]
        hit = m.notna().to_numpy()
        if hit.any():
            fixed = text.copy()
            fixed[hit] = m[hit] + " 00:00"
            values = values.copy()
            values[np.flatnonzero(is_text)[hit]] = fixed[hit].to_numpy()
            shift[np.flatnonzero(is_text)[hit]] = True
    try:
        idx = pd.DatetimeIndex(pd.to_datetime(values))
    except (ValueError, TypeError) as exc:
        raise ValueError(note("error.calc.labels_not_times", error=str(exc))) from None
    return idx + pd.to_timedelta(np.where(shift, 1, 0), unit="D")


def natural_day(times) -> pd.DatetimeIndex:
    """The natural day (midnight, naive) each internal hour-start ``time`` belongs to."""
    return pd.DatetimeIndex(times).floor("D")


def parse_hour_label_text(dates, hours) -> pd.DatetimeIndex:
    """Build naive timestamps from a date column and an hour column that may hold 0-24.

    Hour 24 means midnight of the next day (as in ``24:00`` labels). Values are returned as
    labels; convert with :func:`to_hour_start`.
    """
    d_in = pd.Series(dates).reset_index(drop=True)
    h_in = pd.Series(hours).reset_index(drop=True)
    if len(d_in) != len(h_in):
        raise ValueError(f"{len(d_in)} dates but {len(h_in)} hours")
    try:
        d = pd.to_datetime(d_in)
    except (ValueError, TypeError) as exc:
        raise ValueError(note("error.calc.not_a_date", error=str(exc))) from None
    h = pd.to_numeric(h_in, errors="coerce")
    bad = (h.isna() & h_in.notna()) | (h < 0) | (h > 24) | (h != np.floor(h))
    if bad.any():
        raise ValueError(note("error.calc.bad_hour", value=repr(h_in[bad].iloc[0])))
    if h.isna().any() or d.isna().any():
        i = int(np.flatnonzero((h.isna() | d.isna()).to_numpy())[0])
        raise ValueError(note("error.calc.missing_date_or_hour", i=i))
    return pd.DatetimeIndex(d + pd.to_timedelta(np.asarray(h, dtype=float), unit="h"))
