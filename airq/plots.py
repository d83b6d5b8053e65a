"""Charts: trajectory against target with the forecast fan, AQI calendar, monthly categories.

Every function returns a :class:`matplotlib.figure.Figure` and computes nothing that
:mod:`airq.stats`, :mod:`airq.targets` or :mod:`airq.forecast` compute: it draws their results.

* Colours of the AQI categories are read from the rule-set data (HJ 633 Table 2 / Appendix A,
  the Chinese RGB: purple is 153,0,76, not the US 143,63,151; standards.md §1.4, §5 item 13).
* Labels in Chinese (``lang="zh"``) or English (``"en"``), from the string catalogue
  (:mod:`airq.i18n`, the ``[plot]`` table); AQI category names as HJ 633 words them (优 … 严重污染).
* Chinese labels render as glyphs on a fresh machine: :func:`use_cjk_font` takes a CJK font the
  system has, otherwise the Noto Sans CJK collection installed with the package
  (``noto-cjk-sans-otc``, SIL Open Font License 1.1). Never tofu boxes: the tests fail on any
  missing-glyph warning.

References
----------
.. [1] HJ 633—2012 / HJ 633—2026 Table 2 and Appendix A (category colours; standards.md §1.4).
"""

from __future__ import annotations

import calendar
from functools import lru_cache

import matplotlib
import matplotlib.dates
import matplotlib.patches
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure

from .i18n import LANGS, check_lang, section
from .rules import get_rules

__all__ = ["use_cjk_font", "category_colours", "trajectory", "aqi_calendar", "category_bars", "STYLE"]

#: CJK families tried in order before the bundled one.
_SYSTEM_CJK = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
               "SimHei")
_BUNDLED = "Noto Sans CJK SC"
#: One style for every chart.
STYLE = {"figure.dpi": 110, "axes.grid": True, "grid.alpha": 0.3, "axes.spines.top": False,
         "axes.spines.right": False, "font.size": 10}
#: The chart words per language, from the string catalogue (``[plot]`` of ``airq/locale/*.toml``).
_LABELS = {lang: section("plot", lang) for lang in LANGS}


@lru_cache(maxsize=1)
def use_cjk_font() -> str:
    """Make matplotlib draw Chinese (a system CJK family if there is one, else the bundled one)
    and set airq's chart style (:data:`STYLE`).

    Returns the family name used. The Latin glyphs come from the same family (it has them).

    Raises
    ------
    RuntimeError
        No CJK font at all (the bundled package missing): install ``noto-cjk-sans-otc``.
    """
    have = {f.name for f in font_manager.fontManager.ttflist}
    family = next((f for f in _SYSTEM_CJK if f in have), None)
    if family is None:
        try:
            from noto_cjk_sans_otc import FONT_PATH
        except ImportError:
            from .notes import note

            raise RuntimeError(note("error.report.no_cjk_font")) from None
        font_manager.fontManager.addfont(str(FONT_PATH))
        family = _BUNDLED
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    matplotlib.rcParams.update(STYLE)
    return family


def category_colours(rules="HJ633-2026") -> list[str]:
    """Hex colours of AQI levels 1–6 from the rule set's data (优 … 严重污染)."""
    rs = get_rules(rules)
    return ["#%02x%02x%02x" % tuple(c) for c in rs.rgb]


def _figure(**kw) -> tuple[Figure, object]:
    # The style is set globally (use_cjk_font), not in an rc_context: leaving an rc_context restores
    # rcParams["interactive"] as it was before the kernel's inline backend switched it on, and the
    # next figures of a notebook would not be shown.
    use_cjk_font()
    fig, ax = plt.subplots(**kw)
    return fig, ax


def trajectory(forecast, indicator: str = "pm25_mean", *, target=None, note: str | None = None, lang: str = "zh",
               title: str | None = None) -> Figure:
    """The running value of ``indicator`` through the year, the forecast fan to year end, the target.

    Parameters
    ----------
    forecast : airq.forecast.YearEndForecast
    indicator : {"pm25_mean", "good_day_ratio", "pm10_mean", "heavy_days"}
    target : float, optional
        Drawn as a horizontal line (default: the forecast's target for the indicator).
    note : str, optional
        Written on the chart (e.g. the remaining allowance).
    lang : {"zh", "en"}
    """
    words = _LABELS[check_lang(lang)]
    run = forecast.running(indicator)
    if target is None and indicator in forecast.indicators.index:
        t = forecast.indicators.loc[indicator, "target"]
        target = None if t is None or pd.isna(t) else float(t)
    fig, ax = _figure(figsize=(8, 4.2))
    obs, fut = run[run["observed"]], run[~run["observed"]]
    if len(fut):
        ax.fill_between(fut["date"], fut["q2.5"], fut["q97.5"], color="#9ecae1", alpha=0.45, lw=0, label=words["band95"])
        ax.fill_between(fut["date"], fut["q10"], fut["q90"], color="#4292c6", alpha=0.55, lw=0, label=words["band80"])
        ax.plot(fut["date"], fut["q50"], color="#08519c", lw=1.5, ls="--", label=words["median"])
    ax.plot(obs["date"], obs["q50"], color="black", lw=2, label=words["observed"])
    if target is not None:
        ax.axhline(target, color="#cb181d", lw=1.2, label=f"{words['target']} {target:g}")
    ax.set_ylabel(words[indicator])
    ax.set_xlim(run["date"].iloc[0], run["date"].iloc[-1])
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%m"))
    ax.set_xlabel(words["month"])
    name = forecast.group or ""
    ax.set_title(title or words["title"].format(name=name, indicator=words[indicator], date=f"{forecast.as_of:%Y-%m-%d}"))
    if note:
        ax.text(0.01, 0.02, note, transform=ax.transAxes, fontsize=9, va="bottom",
                bbox={"boxstyle": "round", "fc": "white", "ec": "#bbbbbb"})
    ax.legend(loc="best", fontsize=8, framealpha=0.8)
    fig.tight_layout()
    return fig


def aqi_calendar(daily: pd.DataFrame, year: int, *, name: str = "", lang: str = "zh") -> Figure:
    """Daily AQI categories of one year as a month × day grid, in the official colours.

    ``daily`` has ``date`` and ``level`` (1–6, :func:`airq.daily_aqi`; missing = no valid AQI,
    drawn white).
    """
    words = _LABELS[check_lang(lang)]
    grid = np.full((12, 31), np.nan)
    d = daily[pd.to_datetime(daily["date"]).dt.year == year]
    dates = pd.to_datetime(d["date"])
    levels = pd.to_numeric(d["level"], errors="coerce").to_numpy(dtype=float)
    grid[dates.dt.month.to_numpy() - 1, dates.dt.day.to_numpy() - 1] = levels
    fig, ax = _figure(figsize=(9, 3.6))
    cmap = ListedColormap(category_colours()).with_extremes(bad="white")
    ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, norm=BoundaryNorm(np.arange(0.5, 7.5), 6), aspect="auto")
    for m in range(12):  # days that do not exist
        for day in range(calendar.monthrange(year, m + 1)[1], 31):
            ax.add_patch(matplotlib.patches.Rectangle((day - 0.5, m - 0.5), 1, 1, color="#dddddd", lw=0))
    ax.set_yticks(range(12), [words["month_tick"].format(month=m) for m in range(1, 13)])
    ax.set_xticks(range(0, 31, 5), [str(i) for i in range(1, 32, 5)])
    ax.grid(False)
    ax.set_title(words["calendar"].format(name=name, year=year))
    handles = [matplotlib.patches.Patch(color=c, label=words[f"level.{lv}"]) for lv, c in enumerate(category_colours(), 1)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=6, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def category_bars(daily: pd.DataFrame, *, title: str = "", lang: str = "zh") -> Figure:
    """Days of each AQI category per month (stacked), in the official colours."""
    words = _LABELS[check_lang(lang)]
    d = daily.assign(month=pd.to_datetime(daily["date"]).dt.to_period("M"),
                     level=pd.to_numeric(daily["level"], errors="coerce"))
    table = d.dropna(subset=["level"]).pivot_table(index="month", columns="level", values="date", aggfunc="count")
    table = table.reindex(columns=range(1, 7), fill_value=0).fillna(0)
    fig, ax = _figure(figsize=(8, 3.8))
    bottom = np.zeros(len(table))
    x = np.arange(len(table))
    for lv, colour in zip(range(1, 7), category_colours()):
        lab = words[f"level.{lv}"]
        ax.bar(x, table[lv].to_numpy(), bottom=bottom, color=colour, label=lab, edgecolor="white", lw=0.4)
        bottom += table[lv].to_numpy()
    ax.set_xticks(x, [str(p) for p in table.index], rotation=45 if len(x) > 12 else 0)
    ax.set_ylabel(words["days"])
    ax.set_title(title)
    ax.legend(ncol=6, fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.15))
    fig.tight_layout()
    return fig
