"""The CO unit warning of the AQI functions: CO values [mg/m³] that look like µg/m³.

CO is the one indicator in mg/m³ (HJ 633 Table 1 / Table 3; standards.md §1.1). A CO value
that looks like µg/m³ (:func:`airq.units.co_looks_like_ug`: above 50 mg/m³, the threshold of
the ingest ``co_unit_slip`` check) makes :func:`airq.aqi.iaqi` (for ``"co"``),
:func:`airq.aqi.daily_aqi`, :func:`airq.aqi.realtime_aqi` and :func:`airq.aqi.daily_aqi_values`
warn once per call with :class:`airq.units.AirqUnitWarning`, naming the values and their rows
(:func:`_rows_of`) or positions (:func:`_positions_of`); the index is still computed from the
value as given.

Part of :mod:`airq.aqi` (no public names of its own).

References
----------
.. [1] HJ 633—2012 Table 1; HJ 633—2026 Table 1, Table 3 (CO in mg/m³; standards.md §1.1).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .aqi_inputs import _col, _column, _numeric
from .notes import note
from .units import AirqUnitWarning, co_looks_like_ug, co_unit_message
from .util import label as _label

__all__: list[str] = []


#: At most this many suspect CO values are kept on the warning (``AirqUnitWarning.values``).
_WARN_KEEP = 1000


def _warn_co(co: np.ndarray, where_of, stacklevel: int = 3) -> None:
    """Warn once (:class:`AirqUnitWarning`) when CO values [mg/m³] look like µg/m³.

    ``co`` float array (any shape); ``where_of(positions)`` names the flat positions given
    (list of str); ``stacklevel`` points the warning at the user's call. The test is
    :func:`airq.units.co_looks_like_ug`, the value part of the ingest ``co_unit_slip`` check
    (HJ 633 Table 1: CO in mg/m³, standards.md §1.1); vectorised, so the fast path
    :func:`daily_aqi_values` pays two comparisons per value.
    """
    bad = co_looks_like_ug(co).ravel()
    if not bad.any():
        return
    pos = np.flatnonzero(bad)
    keep = pos[:_WARN_KEEP]
    values = np.asarray(co, dtype=float).ravel()[keep]
    where = where_of(keep)
    message = co_unit_message(values, where, count=len(pos))
    warnings.warn(AirqUnitWarning(message, values, where, count=len(pos)), stacklevel=stacklevel)


def _rows_of(index):
    """``where_of`` for rows of a frame or Series: ``"row <label>"``."""
    return lambda pos: [note("calc.row", row=_label(index[i])) for i in pos]


def _positions_of(shape):
    """``where_of`` for a plain array: ``""`` (scalar), ``"position i"`` or ``"position (i, j)"``."""
    if len(shape) == 0:
        return lambda pos: ["" for _ in pos]
    if len(shape) == 1:
        return lambda pos: [note("calc.position", i=int(i)) for i in pos]
    return lambda pos: [note("calc.position_nd", pos=", ".join(str(int(k)) for k in ks)) for ks in zip(*np.unravel_index(pos, shape))]


def _warn_co_column(frame: pd.DataFrame) -> None:
    """The CO unit warning (:func:`_warn_co`) for the ``co`` column of a frame, rows by label."""
    if "co" in frame.columns:
        _warn_co(_numeric(_column(frame, "co"), _col("co"), frame.index), _rows_of(frame.index), stacklevel=4)
