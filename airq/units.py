"""Reference state of gaseous concentrations (the 2018 amendment of GB 3095—2012).

Since 2018-09-01 gaseous pollutants (SO2, NO2, CO, O3, NOx) are reported at the *reference
state* 298.15 K, 1013.25 hPa; before, at the *standard state* 273.15 K, 1013.25 hPa. Particulate
matter is at actual conditions throughout. The same air therefore gives a number about 8.4 %
lower after the change (× 273.15/298.15 = 0.9161), and a trend across 2018-09 compares unlike
quantities unless one side is converted (standards.md §2.2; §5 item 12).

References
----------
.. [1] GB 3095—2012 修改单 (MEE announcement 2018 No.29); GB 3095—2026 §4.3 (standards.md §2.2).
"""

from __future__ import annotations

import datetime as _dt
from fractions import Fraction

import numpy as np
import pandas as pd

__all__ = ["REFERENCE_STATE_FROM", "GASES", "STANDARD_TO_REFERENCE", "to_reference_state", "crosses_reference_state_change"]

#: First day of reporting gases at 298.15 K (standards.md §2.2, [M] for the date).
REFERENCE_STATE_FROM = _dt.date(2018, 9, 1)
#: Pollutants whose reporting state changed.
GASES = ("so2", "no2", "co", "o3", "o3_8h", "o3_1h", "nox")
#: Multiply a standard-state (273.15 K) mass concentration by this to get the reference state (298.15 K).
STANDARD_TO_REFERENCE = Fraction(27315, 29815)


def to_reference_state(frame: pd.DataFrame, *, date_column: str | None = None) -> pd.DataFrame:
    """Convert gaseous columns of ``frame`` from the standard to the reference state.

    Parameters
    ----------
    frame : DataFrame
        Concentrations [µg/m³; co mg/m³]; gas columns among :data:`GASES` are converted,
        particulate columns are left alone (they are at actual conditions in both periods).
    date_column : str, optional
        When given, only rows dated before :data:`REFERENCE_STATE_FROM` are converted (rows
        from 2018-09-01 on are already at the reference state). Without it every row is
        converted.

    Returns
    -------
    DataFrame
        A copy; ``attrs["reference_state"] = "298.15 K"``.
    """
    out = frame.copy()
    rows = np.ones(len(out), dtype=bool)
    if date_column is not None:
        if date_column not in out.columns:
            raise ValueError(f"no column {date_column!r} in the frame")
        rows = (pd.to_datetime(out[date_column]) < pd.Timestamp(REFERENCE_STATE_FROM)).to_numpy()
    factor = float(STANDARD_TO_REFERENCE)
    for col in GASES:
        if col in out.columns:
            values = pd.to_numeric(out[col], errors="raise").astype(float)
            out[col] = np.where(rows, values * factor, values)
    out.attrs["reference_state"] = "298.15 K"
    return out


def crosses_reference_state_change(*periods) -> bool:
    """True when the given (start, end) periods lie on both sides of 2018-09-01 or straddle it.

    Use it to warn before comparing gas statistics across the change.
    """
    change = pd.Timestamp(REFERENCE_STATE_FROM)
    before = after = False
    for start, end in periods:
        s, e = pd.Timestamp(start), pd.Timestamp(end)
        before |= s < change
        after |= e >= change
    return before and after
