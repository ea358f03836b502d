"""Period keys: one dtype whatever ``freq``, so period tables join with each other."""

import pytest

import ecomkit as ek
from ecomkit.datasets import make_shop


@pytest.fixture(scope="module")
def shop():
    return make_shop(150, start="2024-01-01", end="2024-06-30", random_state=4)


def as_unit(frame, unit, *cols):
    return frame.assign(**{c: frame[c].dt.as_unit(unit) for c in cols})


TABLES = {
    "traffic_by_period": lambda s, f: ek.traffic_by_period(s.sessions, s.events, freq=f)["period"],
    "revenue_by_period": lambda s, f: ek.revenue_by_period(s.orders, freq=f)["period"],
    "sales_identity": lambda s, f: ek.sales_identity(s.orders, s.sessions, freq=f)["period"],
    "cohort_retention": lambda s, f: ek.cohort_retention(s.orders, freq=f)["cohort"],
    "new_customer_acquisition": lambda s, f: ek.new_customer_acquisition(s.orders, freq=f)["period"],
}


@pytest.mark.parametrize("unit", ["ns", "us"])
@pytest.mark.parametrize("name", sorted(TABLES))
def test_period_keys_keep_the_unit_of_the_data_for_every_freq(shop, name, unit):
    s = dict(shop)
    s["sessions"] = as_unit(shop.sessions, unit, "start_ts", "end_ts")
    s["orders"] = as_unit(shop.orders, unit, "order_ts", "paid_ts")
    s = ek._bunch.Bunch(**s)
    freqs = ["W", "M", "Q"] if name == "new_customer_acquisition" else ["D", "W", "M", "Q", "Y"]
    for f in freqs:
        got = TABLES[name](s, f)
        assert got.dtype == f"datetime64[{unit}]", (name, f, got.dtype)


def test_weekly_and_monthly_tables_join(shop):
    weekly = ek.traffic_by_period(shop.sessions, shop.events, freq="W", by=None)
    paid = ek.revenue_by_period(shop.orders, freq="W", basis="paid_amount")
    joined = weekly.merge(paid, on="period", how="inner")
    assert len(joined) == len(paid) > 0  # every week with sales finds its traffic row
    assert joined["period"].dt.day_of_week.eq(0).all()  # Mondays
