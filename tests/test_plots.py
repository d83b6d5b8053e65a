"""airq.plots: official colours, Chinese glyphs (never tofu), and charts that draw the results."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from airq.forecast import forecast_year_end  # noqa: E402
from airq.plots import aqi_calendar, category_bars, category_colours, trajectory, use_cjk_font  # noqa: E402

from test_forecast import synthetic_days, with_aqi  # noqa: E402


@pytest.fixture(scope="module")
def history():
    return with_aqi(synthetic_days([2020, 2021, 2022, 2023], seed=5))


def render(fig) -> np.ndarray:
    """Draw to PNG, failing on any missing-glyph warning; the RGBA pixels."""
    buf = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(buf, format="png")
    glyphs = [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]
    assert not glyphs, glyphs
    buf.seek(0)
    return matplotlib.image.imread(buf)


def test_official_colours_from_the_rule_set():
    assert category_colours() == ["#00e400", "#ffff00", "#ff7e00", "#ff0000", "#99004c", "#7e0023"]
    assert "#8f3f97" not in category_colours()  # the US purple (standards.md §5 item 13)


def test_chinese_text_renders_as_glyphs():
    family = use_cjk_font()
    assert family
    fig = Figure()
    fig.suptitle("港北区 优良天数比率 细颗粒物（PM2.5） 重度污染 覃塘区 µg/m³")
    render(fig)


def test_trajectory_draws_the_forecast(history):
    fc = forecast_year_end(history, "2023-06-30", targets={"pm25_mean": 40}, n_sims=200, seed=0, group="港北区")
    fig = trajectory(fc, "pm25_mean", note="剩余天数 PM2.5 须 ≤ 35.2 µg/m³")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.collections) == 2  # the 95 % and 80 % bands
    assert any(np.allclose(line.get_ydata(), 40) for line in ax.get_lines())  # the target line
    run = fc.running("pm25_mean")
    observed = [line for line in ax.get_lines() if line.get_label() == "实况累计"][0]
    assert np.allclose(observed.get_ydata(), run.loc[run["observed"], "q50"])
    pixels = render(fig)
    assert pixels[..., :3].std() > 0.05  # not blank
    fig_en = trajectory(fc, "good_day_ratio", lang="en")
    assert fig_en.axes[0].get_ylabel() == "good-day ratio (%)"
    render(fig_en)


def test_calendar_puts_each_day_in_its_colour(history):
    year = history[history["date"].dt.year == 2022]
    fig = aqi_calendar(year, 2022, name="测试")
    grid = fig.axes[0].get_images()[0].get_array()
    first = year.iloc[40]  # 10 February
    assert grid[first["date"].month - 1, first["date"].day - 1] == first["level"]
    assert np.ma.is_masked(grid[1, 29])  # 30 February does not exist
    render(fig)


def test_category_bars_count_the_days(history):
    d = history[history["date"].dt.year == 2021]
    fig = category_bars(d, title="2021年各月空气质量级别天数")
    ax = fig.axes[0]
    heights = np.zeros(12)
    for bar in ax.patches:
        heights[int(round(bar.get_x() + bar.get_width() / 2))] += bar.get_height()
    valid = d[d["level"].notna()]
    np.testing.assert_array_equal(heights, valid.groupby(valid["date"].dt.month).size().to_numpy())
    render(fig)
