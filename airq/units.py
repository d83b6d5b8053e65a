"""Reference state of gaseous concentrations (the 2018 amendment of GB 3095—2012).

Since 2018-09-01 gaseous pollutants (SO2, NO2, CO, O3, NOx) are reported at the *reference
state* 298.15 K, 1013.25 hPa; before, at the *standard state* 273.15 K, 1013.25 hPa. Particulate
matter is at actual conditions throughout. The same air therefore gives a number about 8.4 %
lower after the change (× 273.15/298.15 = 0.9161), and a trend across 2018-09 compares unlike
quantities unless one side is converted (standards.md §2.2; §5 item 12).

CO in the wrong unit
--------------------
CO alone is reported in mg/m³, every other pollutant in µg/m³ (HJ 633 Table 1; standards.md
§1.1 "Units µg/m³ except CO (mg/m³)"), so a CO value copied from a µg/m³ column is 1000 times
too large. :data:`CO_UG_THRESHOLD` and :func:`co_looks_like_ug` are the one definition of "a CO
value that looks like µg/m³" used by the ingest check (:mod:`airq.quality`, reason
``co_unit_slip``) and by the AQI functions (:mod:`airq.aqi`, which warn with
:class:`AirqUnitWarning` and compute the index from the value as given). A whole series in the
wrong unit — every value of a station's file and month, where no single value stands out — is
judged by its median instead (:mod:`airq.unit_checks`, reason ``co_unit_file``).

References
----------
.. [1] GB 3095—2012 修改单 (MEE announcement 2018 No.29); GB 3095—2026 §4.3 (standards.md §2.2).
.. [2] HJ 633—2012 Table 1, HJ 633—2026 Table 3: CO in mg/m³, the others in µg/m³; top CO
   breakpoints 60 mg/m³ (24 h) and 150 mg/m³ (1 h) (standards.md §1.1).
"""

from __future__ import annotations

import datetime as _dt
from fractions import Fraction

import numpy as np
import pandas as pd

__all__ = [
    "REFERENCE_STATE_FROM",
    "GASES",
    "STANDARD_TO_REFERENCE",
    "to_reference_state",
    "crosses_reference_state_change",
    "CO_UG_THRESHOLD",
    "AirqUnitWarning",
    "co_looks_like_ug",
    "co_unit_message",
]

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
            from .notes import note

            raise ValueError(note("error.calc.no_column", column=repr(date_column)))
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


# --------------------------------------------------------------------------------------------
# CO in µg/m³ instead of mg/m³

#: CO above this [mg/m³] looks like µg/m³ (when CO / 1000 is not above it either).
#: Why 50: CO is the one pollutant reported in mg/m³ (HJ 633 Table 1 / Table 3, standards.md
#: §1.1); ambient daily CO is a few mg/m³ (the grade-II 24-h limit is 4, the 1-h limit 10,
#: standards.md §2.1) and an hour above 50 mg/m³ is beyond any ambient record, while the same
#: air written in µg/m³ gives several hundred to a few thousand. It is the default
#: ``co_slip_min`` of :class:`airq.quality.QualityRules`, the threshold of the ingest
#: ``co_unit_slip`` check, and the threshold at which :mod:`airq.aqi` warns.
CO_UG_THRESHOLD = 50.0


class AirqUnitWarning(UserWarning):
    """A concentration whose unit looks wrong; the result is computed from the value as given.

    Attributes
    ----------
    values : tuple of float
        The suspect values, as given (the first 1000).
    where : tuple of str
        Where each value is (``"row 3"``, ``"position (0, 5)"``; empty strings for a scalar): notes
        (:class:`airq.notes.Note`, a ``str``) that say themselves in Chinese too.
    note : airq.notes.Note
        The message (``args[0]``): ``str(warning)`` is its English sentence; ``warning.note.to("zh")``
        or ``airq.notes.render(warning.note, lang)`` says it in the reader's language.
    count : int
        How many values were suspect in all.
    """

    def __init__(self, message: str, values=(), where=(), count: int | None = None):
        # ``message`` is an airq.notes.Note (co_unit_message): ``str(warning)`` is its English text and
        # ``warning.args[0]`` the note, said in the reader's language by ``airq.notes.render(..., lang)``.
        super().__init__(message)
        self.values = tuple(values)
        self.where = tuple(where)
        self.count = len(self.values) if count is None else int(count)

    @property
    def note(self):
        """The message: an :class:`airq.notes.Note` (say it with ``.to(lang)``) or, if built from a plain text, that text."""
        return self.args[0] if self.args else ""


def co_looks_like_ug(values, threshold: float = CO_UG_THRESHOLD) -> np.ndarray:
    """True where a CO value [mg/m³] looks like µg/m³: ``threshold < CO`` and ``CO / 1000 <= threshold``.

    The value part of the ingest ``co_unit_slip`` check (:mod:`airq.quality`, which also asks
    the station's CO around the hour to be low) and the AQI functions' warning (:mod:`airq.aqi`).
    Above ``1000 * threshold`` the value is not plausible in µg/m³ either (the ingest check
    calls it ``impossible``). Vectorised: two comparisons per value, NaN gives False.

    Parameters
    ----------
    values : array-like of float
        CO concentrations [mg/m³].
    threshold : float, default :data:`CO_UG_THRESHOLD` (50 mg/m³)

    Returns
    -------
    numpy.ndarray of bool, the shape of ``values``.

    References
    ----------
    .. [1] HJ 633—2012 Table 1, HJ 633—2026 Table 3: CO in mg/m³ (standards.md §1.1).
    """
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        out = v > threshold
        if out.any():
            out &= v / 1000.0 <= threshold
    return out


def _num(v: float) -> str:
    """A value as written, without a float tail: 1000.0 -> '1000', 1234.5 -> '1234.5'."""
    return np.format_float_positional(float(v), trim="-")


def _mg(v: float) -> str:
    """A µg/m³ value in mg/m³ with at least one decimal: 1000 -> '1.0', 1234 -> '1.234'."""
    return np.format_float_positional(round(float(v) / 1000.0, 6), trim="0")


def co_unit_message(values, where=None, *, count: int | None = None, limit: int = 5):
    """The text of the CO unit warning (one line), shared by the library and ``airq aqi``.

    ``values`` are the suspect CO values [as given, mg/m³]; ``where`` (optional) says where each
    one is (``"row 3"``); ``count`` is their total number when ``values`` holds only the first
    ones. At most ``limit`` values are listed, then ``"and N more"``.

    Returns an :class:`airq.notes.Note`: the English sentence (a ``str``), said in Chinese by
    ``airq.notes.render(message, "zh")`` (a ``where`` that is a note is said in the same language).

    >>> co_unit_message([1000.0]).split(". ")[0]
    'CO is in mg/m³; 1000 looks like µg/m³ (= 1.0 mg/m³)'
    """
    from .notes import note

    values = list(values)
    n = len(values) if count is None else int(count)
    values = [float(v) for v in values[:limit]]
    where = list(where)[:limit] if where is not None else [""] * len(values)
    threshold = _num(CO_UG_THRESHOLD)
    if n == 1:
        if where[0]:
            return note("calc.co_one_at", value=_num(values[0]), mg=_mg(values[0]), where=where[0], threshold=threshold)
        return note("calc.co_one", value=_num(values[0]), mg=_mg(values[0]), threshold=threshold)
    items = [note("calc.co_item_at", value=_num(v), mg=_mg(v), where=w) if w else note("calc.co_item", value=_num(v), mg=_mg(v))
             for v, w in zip(values, where)]
    if n > len(items):
        return note("calc.co_many_more", n=n, items=items, more=n - len(items), threshold=threshold)
    return note("calc.co_many", n=n, items=items, threshold=threshold)
