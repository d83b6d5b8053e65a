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

import numpy as np
import pandas as pd

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
    idx = pd.DatetimeIndex(pd.to_datetime(times))
    if idx.tz is not None:
        idx = idx.tz_convert(BEIJING).tz_localize(None)
    off = idx[~idx.isna()]
    bad = off[off != off.floor("h")]
    if len(bad):
        raise ValueError(f"hour label not on a whole hour: {bad[0]}")
    if hour_label == "end":
        idx = idx - pd.Timedelta(hours=1)
    return idx


def natural_day(times) -> pd.DatetimeIndex:
    """The natural day (midnight, naive) each internal hour-start ``time`` belongs to."""
    return pd.DatetimeIndex(times).floor("D")


def parse_hour_label_text(dates, hours) -> pd.DatetimeIndex:
    """Build naive timestamps from a date column and an hour column that may hold 0-24.

    Hour 24 means midnight of the next day (as in ``24:00`` labels). Values are returned as
    labels; convert with :func:`to_hour_start`.
    """
    d = pd.to_datetime(pd.Series(dates).reset_index(drop=True))
    h = pd.to_numeric(pd.Series(hours).reset_index(drop=True))
    if ((h < 0) | (h > 24)).any():
        bad = h[(h < 0) | (h > 24)].iloc[0]
        raise ValueError(f"hour out of range 0..24: {bad}")
    return pd.DatetimeIndex(d + pd.to_timedelta(np.asarray(h, dtype=float), unit="h"))
