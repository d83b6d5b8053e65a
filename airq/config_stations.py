"""The CNEMC national station list: reading it, and stations taken from it into a plan.

:func:`load_station_list` reads a ``NewSiteList.csv``-layout file (UTF-8 or GB18030) into a
frame with the columns :data:`STATION_LIST_COLUMNS`, checking codes, the 对照点 flag and the
coordinates; every problem is a :class:`airq.config_errors.ConfigError` whose key path is
``line <n>, <column>``. A plan's ``plan.station_list`` (or the ``station_list`` argument of
:func:`airq.config.load_plan` and :func:`airq.config.plan_from_station_list`) is resolved here
(:func:`_station_list_frame`), and a group's station that the plan does not define is taken
from the list (:func:`_station_from_list`).

In the CNEMC list the flag ``对照点 = Y`` marks contrast / background sites and also
decommissioned stations (names ending in ``(停运YYMMDD)``); airq treats both alike:
``contrast = True`` means "not an assessment station" (standards.md §2.5).

References
----------
.. [1] standards.md §0 S13 (CNEMC station list).
.. [2] standards.md §2.5 (contrast sites are not assessment stations), §5 item 8.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from .config_errors import MISSING, ConfigError, _Ctx, os_reason
from .config_plan import Station
from .notes import note

__all__ = ["STATION_LIST_COLUMNS", "load_station_list"]

#: Columns of :func:`load_station_list`'s result, in order.
STATION_LIST_COLUMNS = ("code", "name", "city", "lon", "lat", "contrast", "province", "prefecture")
# CSV header (CNEMC NewSiteList) -> column of the result.
_CSV_COLUMNS = {
    "监测点编码": "code",
    "监测点名称": "name",
    "城市": "city",
    "经度": "lon",
    "纬度": "lat",
    "对照点": "contrast",
    "省级行政区": "province",
    "地级行政区": "prefecture",
}
_CONTRAST_SUFFIXES = ("(对照点)", "（对照点）")


def _decode(raw: bytes, file: str) -> tuple[str, str]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc), ("utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError:
            continue
    raise ConfigError(file, note("error.plan.where.encoding"), MISSING, note("error.plan.list.encoding"))  # pragma: no cover


def load_station_list(path: str | Path) -> pd.DataFrame:
    """Read a CNEMC national station list (``NewSiteList.csv`` layout).

    Parameters
    ----------
    path : str or Path
        CSV with the header ``监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区,地级行政区``
        (further columns are ignored), UTF-8 (with or without BOM) or GB18030 (the encoding of
        the original file): UTF-8 is tried first, then GB18030.

    Returns
    -------
    pandas.DataFrame
        One row per station in file order, columns :data:`STATION_LIST_COLUMNS`:
        ``code`` (str), ``name`` (str, the ``(对照点)`` suffix stripped), ``city``, ``lon``,
        ``lat`` (float64, NaN where the list leaves them empty), ``contrast`` (bool, ``对照点 ==
        'Y'``; note that the list also flags decommissioned stations ``Y``), ``province``,
        ``prefecture``. ``attrs["source"]`` is the path, ``attrs["encoding"]`` the encoding used.

    Raises
    ------
    ConfigError
        Unreadable file, missing columns, empty or duplicate codes, 对照点 not Y/N, coordinates
        not numbers or out of range. The key path is ``line <n>, <column>`` (n counts the header
        as line 1).

    References
    ----------
    standards.md §0 S13, §2.5.
    """
    file = str(path)
    ctx = _Ctx(file)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ctx.err(note("error.plan.where.file"), file, note("error.plan.list.cannot_read", reason=os_reason(exc))) from None
    text, encoding = _decode(raw, file)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ctx.err(note("error.plan.where.csv"), MISSING, note("error.plan.list.not_csv", error=str(exc))) from None
    header = [str(c).strip() for c in df.columns]
    df.columns = header
    missing = [c for c in _CSV_COLUMNS if c not in header]
    if missing:
        raise ctx.err(note("error.plan.where.header"), header,
                      note("error.plan.list.missing_columns", missing=list(missing), expected=",".join(_CSV_COLUMNS)))
    df = df[list(_CSV_COLUMNS)].rename(columns=_CSV_COLUMNS)
    for c in df.columns:
        df[c] = df[c].str.strip()
    line = lambda i: i + 2  # noqa: E731 - data row i is on file line i + 2

    def where(i: int, col: str) -> str:
        return note("error.plan.where.line_column", line=line(i), column=col)

    for i, code in enumerate(df["code"]):
        if not code:
            raise ctx.err(where(i, "监测点编码"), code, note("error.plan.list.empty_code"))
    dup = df["code"].duplicated(keep="first")
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        first = int((df["code"] == df["code"].iloc[i]).to_numpy().nonzero()[0][0])
        raise ctx.err(where(i, "监测点编码"), df["code"].iloc[i], note("error.plan.list.duplicate_code", line=line(first)))
    bad = ~df["contrast"].isin(["Y", "N"])
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ctx.err(where(i, "对照点"), df["contrast"].iloc[i], note("error.plan.list.contrast_flag"))
    df["contrast"] = df["contrast"] == "Y"
    for col, label, lim in (("lon", "经度", 180), ("lat", "纬度", 90)):
        vals = pd.to_numeric(df[col].where(df[col] != ""), errors="coerce")
        bad = vals.isna() & (df[col] != "")
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise ctx.err(where(i, label), df[col].iloc[i], note("error.plan.list.not_number"))
        out = vals.abs() > lim
        if out.any():
            i = int(out.to_numpy().nonzero()[0][0])
            raise ctx.err(where(i, label), df[col].iloc[i], note("error.plan.list.degrees", limit=lim))
        df[col] = vals.astype("float64")
    names = df["name"]
    for suffix in _CONTRAST_SUFFIXES:
        names = names.where(~names.str.endswith(suffix), names.str.slice(0, -len(suffix)))
    df["name"] = names.str.strip()
    df = df[list(STATION_LIST_COLUMNS)].reset_index(drop=True)
    df.attrs["source"] = file
    df.attrs["encoding"] = encoding
    return df


def _station_list_frame(ctx: _Ctx, station_list: Any, key_path: str, base_dir: Path | None) -> pd.DataFrame:
    if isinstance(station_list, pd.DataFrame):
        missing = [c for c in STATION_LIST_COLUMNS if c not in station_list.columns]
        if missing:
            raise ctx.err(key_path, list(station_list.columns),
                          note("error.plan.list.frame_columns", missing=list(missing)))
        return station_list
    if isinstance(station_list, (str, Path)):
        p = Path(station_list)
        if not p.is_absolute() and base_dir is not None:
            p = base_dir / p
        if not p.is_file():
            raise ctx.err(key_path, str(station_list), note("error.plan.list.not_found", path=str(p)))
        return load_station_list(p)
    raise ctx.err(key_path, station_list, note("error.plan.list.bad_argument"))


def _station_from_list(row: Mapping, source: str) -> Station:
    def coord(v) -> float | None:
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

    return Station(
        code=row["code"],
        name=row["name"],
        county=None,
        lat=coord(row["lat"]),
        lon=coord(row["lon"]),
        contrast=bool(row["contrast"]),
        synthetic=False,
        origin=f"station list {source}",
    )
