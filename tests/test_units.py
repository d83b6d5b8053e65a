"""Reference state of gases (standards.md §2.2, §5 item 12)."""

from fractions import Fraction

import pandas as pd
import pytest

from airq.units import STANDARD_TO_REFERENCE, crosses_reference_state_change, to_reference_state


def test_factor_is_273_over_298():
    assert STANDARD_TO_REFERENCE == Fraction(27315, 29815)
    assert float(STANDARD_TO_REFERENCE) == pytest.approx(0.9161, abs=1e-4)  # about -8.4 %


def test_only_gases_and_only_before_the_change():
    f = pd.DataFrame({"date": ["2018-08-31", "2018-09-01"], "so2": [100.0, 100.0], "pm25": [50.0, 50.0], "co": [1.0, 1.0]})
    out = to_reference_state(f, date_column="date")
    assert out.so2.tolist() == pytest.approx([100 * 27315 / 29815, 100.0])
    assert out.co.tolist() == pytest.approx([27315 / 29815, 1.0])
    assert out.pm25.tolist() == [50.0, 50.0]
    assert f.so2.tolist() == [100.0, 100.0]  # input unchanged
    with pytest.raises(ValueError, match="no column 'day'"):
        to_reference_state(f, date_column="day")


def test_crossing_detection():
    assert crosses_reference_state_change(("2017-01-01", "2017-12-31"), ("2019-01-01", "2019-12-31"))
    assert crosses_reference_state_change(("2018-01-01", "2018-12-31"))
    assert not crosses_reference_state_change(("2019-01-01", "2019-12-31"), ("2020-01-01", "2020-12-31"))
    assert not crosses_reference_state_change(("2016-01-01", "2016-12-31"), ("2017-01-01", "2017-12-31"))
