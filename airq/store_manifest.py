"""The processed store's layout and manifest (:mod:`airq.store`): names, the two tables, partition paths, ``manifest.json``.

This module holds the constants of the layout (the store folder, the file names, the mark of
staged temporary files), the two tables (hourly, keyed by ``time``; station-daily, keyed by
``date``) with their canonical dtypes, the path of a month's partition and the months on disk,
and the manifest: reading it (:func:`read_manifest`), its attachments, the refusal of a store
whose partitions have no manifest. The layout itself is described in :mod:`airq.store`.

Manifest (``manifest.json``; UTF-8, ``sort_keys``, indent 2, trailing newline)
------------------------------------------------------------------------------
.. code-block:: json

    {
      "format": "airq-store",
      "format_version": 1,
      "partitions": {
        "hourly/month=2024-01/data.parquet": {"bytes": 51234, "mtime_ns": 1736064000123456789, "rows": 744, "sha256": "…"}
      },
      "files": {
        "quality/flags-hourly-0123456789abcdef.parquet": {"bytes": 4321, "mtime_ns": 1736064000223456789, "rows": 12, "seq": 1, "sha256": "…"}
      },
      "ingests": [
        {
          "seq": 1,
          "table": "hourly",
          "ingested_at": "2025-01-05T08:00:00Z",
          "on_conflict": "report",
          "rows_in": 744,
          "sources": [{"path": "data/raw/a.csv", "size": 1234, "sha256": "…"}],
          "months": {"2024-01": {"added": 744, "replaced": 0, "unchanged": 0, "conflicting_rows": 0}},
          "conflicts": null,
          "files": ["quality/flags-hourly-0123456789abcdef.parquet"],
          "reader": {"format": "tidy", "hour_label": "end", "known_stations": null, "…": "…"}
        }
      ],
      "repairs": []
    }

``conflicts`` is ``{"file": "conflicts/000002-hourly.csv", "rows": r, "values": v,
"sha256": "…"}`` when the ingest met conflicts. ``path`` is the source path as given;
``ingested_at`` is UTC. ``mtime_ns`` is the file's modification time as written (the fast path of
the check on read). ``files`` are the attachments (write-once: an attachment already recorded is
not written again), ``seq`` the ingest that wrote each; ``reader`` is what the caller passed as
``reader=`` (:mod:`airq.ingestion` records the format and options, so that ``airq verify
--repair-from`` can replay the ingest); ``repairs`` lists the files rebuilt by :func:`airq.store.replace_files`.
A manifest without ``files`` (older airq) lists no attachment: its ``quality/`` files are read
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .notes import note
from .quality import POLLUTANTS
from .store_integrity import StoreCorrupt, StoreError, file_record, parquet_rows
from .store_integrity import verify_tail as _tail

__all__ = [
    "DEFAULT_STORE",
    "DAILY_VALUES",
    "ON_CONFLICT",
    "MANIFEST",
    "FORMAT",
    "FORMAT_VERSION",
    "JOURNAL",
    "TMP_MARK",
    "read_manifest",
]

#: Default store folder (relative to the working directory).
DEFAULT_STORE = "data/processed"
#: Value columns required in a station-daily table [µg/m³; co mg/m³].
DAILY_VALUES = ("so2", "no2", "co", "pm10", "pm25", "o3_8h", "o3_1h")
#: Accepted values of ``on_conflict``.
ON_CONFLICT = ("report", "keep", "replace")
#: Name of the manifest file in the store folder.
MANIFEST = "manifest.json"
FORMAT = "airq-store"
FORMAT_VERSION = 1

#: Journal file: present only between the commit point and the end of the replacements.
JOURNAL = _JOURNAL = ".journal.json"
#: Mark in the names of staged temporary files (``.<name>.airq-<hex>.tmp``).
TMP_MARK = _TMP_MARK = ".airq-"
_MONTH_RE = re.compile(r"^month=(\d{4}-\d{2})$")
_ATTACH_RE = re.compile(r"^quality/[A-Za-z0-9][A-Za-z0-9._-]*\.parquet$")


@dataclass(frozen=True)
class _Table:
    name: str
    key: str
    values: tuple
    midnight: bool


_HOURLY = _Table("hourly", "time", POLLUTANTS, False)
_DAILY = _Table("daily", "date", DAILY_VALUES, True)


def _json_text(obj) -> str:
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _short(text: str, n: int = 160) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------------------------
# manifest


def _empty_manifest() -> dict:
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "partitions": {}, "files": {}, "ingests": []}


def read_manifest(store_dir=DEFAULT_STORE) -> dict:
    """The store's manifest as a dict (an empty manifest when the store has none yet).

    Raises
    ------
    StoreCorrupt
        If ``manifest.json`` cannot be read, is not valid JSON or not an airq manifest.
    StoreError
        If it is the manifest of another format version.
    """
    store = Path(store_dir)
    path = store / MANIFEST
    if not path.exists():
        return _empty_manifest()
    lost = note("error.store.manifest_lost", store=str(store))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise StoreCorrupt(note("error.store.manifest_not_json", path=str(path), why=_short(str(exc), 80), lost=lost)) from None
    except OSError as exc:
        raise StoreCorrupt(note("error.store.manifest_unreadable", path=str(path), why=str(exc.strerror or exc), lost=lost)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StoreCorrupt(note("error.store.manifest_not_airq", path=str(path), format=FORMAT, lost=lost))
    if data.get("format_version") != FORMAT_VERSION:
        raise StoreError(note("error.store.manifest_version", path=str(path), version=data.get("format_version"),
                              expected=FORMAT_VERSION))
    if not isinstance(data.get("partitions", {}), dict) or not isinstance(data.get("ingests", []), list) \
            or not isinstance(data.get("files", {}), dict):
        raise StoreCorrupt(note("error.store.manifest_damaged", path=str(path), lost=lost))
    return data


def _recorded_files(store: Path, manifest: dict) -> dict:
    """The manifest's attachments; for a manifest of an older airq (no ``files``), the ``quality/``
    files on disk as they are (recorded by the next commit; documented in the module docstring)."""
    if "files" in manifest:
        return dict(manifest["files"])
    out = {}
    for p in sorted((store / "quality").glob("*.parquet")):
        if _TMP_MARK not in p.name:
            out[p.relative_to(store).as_posix()] = {**file_record(p, rows=parquet_rows(p)), "seq": None}
    return out


def _refuse_without_manifest(store: Path, what: str) -> None:
    if (store / MANIFEST).exists():
        return
    parts = [p for t in (_HOURLY, _DAILY) for p in (store / t.name).glob("month=*/data.parquet")]
    if parts:
        raise StoreCorrupt(note("error.store.no_manifest_refused", what=what, store=str(store), n=len(parts), manifest=MANIFEST,
                                tail=_tail(store)))


# --------------------------------------------------------------------------------------------
# partitions


def _rel(table: _Table, month: str) -> str:
    return f"{table.name}/month={month}/data.parquet"


def _finish_dtypes(frame: pd.DataFrame, table: _Table) -> pd.DataFrame:
    out = frame.copy()
    out["station"] = out["station"].astype("str")
    out[table.key] = out[table.key].astype("datetime64[ns]")
    for c in table.values:
        out[c] = out[c].astype("float64")
    first = ["station", table.key, *table.values]
    return out[first + [c for c in out.columns if c not in first]]


def _stored_months(store: Path, table: _Table) -> list[str]:
    base = store / table.name
    if not base.is_dir():
        return []
    out = []
    for d in base.iterdir():
        m = _MONTH_RE.match(d.name)
        if m and (d / "data.parquet").is_file():
            out.append(m.group(1))
    return sorted(out)
