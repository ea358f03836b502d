"""The helpers notebooks share: parameter validation, records, shop loading, explorer."""

import nbformat
import pandas as pd
import pytest

from ecomkit.nbtools import (
    RECORD_MIME,
    data_window,
    explorer,
    metric_card,
    open_shop,
    read_records,
    record,
    sections,
)
from ecomkit.params import Param, ParameterError, validate

# ------------------------------------------------------------------ params --
SPEC = {
    "data_dir": Param("folder"),
    "start": Param("date", nullable=True),
    "end": Param("date", nullable=True),
    "channel": Param(str, choices=("all", "direct")),
    "seed": Param(int, min=0),
    "share": Param(float, min=0, max=1),
    "flag": Param(bool),
}
GOOD = {"data_dir": "demo", "start": "", "end": "2024-03-31", "channel": "all", "seed": 3, "share": 0.5, "flag": True}


def test_validate_converts_good_values():
    P = validate(GOOD, SPEC, notebook="nb")
    assert P.start is None and P.end == pd.Timestamp("2024-03-31") and P.seed == 3


@pytest.mark.parametrize(
    "change, match",
    [
        ({"seed": 1.5}, r"notebook nb: parameter `seed` = 1.5 is a float"),
        ({"seed": -1}, r"`seed` = -1 is below the minimum"),
        ({"seed": True}, r"`seed` = True is a bool"),
        ({"channel": 7}, r"`channel` = 7 is int, not text .*-r"),
        ({"channel": "tv"}, r"`channel` = 'tv' is not allowed; allowed: one of \['all', 'direct'\]"),
        ({"start": "2024-13-45"}, r"`start` = '2024-13-45' is not a date"),
        ({"start": "2024-05-01"}, r"`end` = '2024-03-31' is before `start`"),
        ({"data_dir": "/no/such/folder"}, r"`data_dir` = '/no/such/folder' is not an existing folder"),
        ({"share": 2.0}, r"above the maximum"),
        ({"flag": "yes"}, r"`flag` = 'yes' is str, not True/False"),
    ],
)
def test_validate_rejects_with_one_clear_message(change, match):
    with pytest.raises(ParameterError, match=match):
        validate({**GOOD, **change}, SPEC, notebook="nb")


def test_validate_lists_every_problem_and_missing_names():
    with pytest.raises(ParameterError) as err:
        validate({"seed": 1.5}, SPEC, notebook="nb")
    text = str(err.value)
    assert "`data_dir` is missing" in text and "`seed` = 1.5" in text


def test_validate_accepts_raw_strings_from_papermill_r():
    P = validate({**GOOD, "seed": "7", "share": "0.25", "flag": "false"}, SPEC, notebook="nb")
    assert (P.seed, P.share, P.flag) == (7, 0.25, False)


# ----------------------------------------------------------------- records --
def test_record_round_trip_through_a_notebook():
    payload = record("x", pd.Series({"a": 1.5}))
    assert payload == {"name": "x", "value": {"a": 1.5}}
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={RECORD_MIME: payload, "text/plain": ""})]
    nb.cells = [cell]
    assert read_records(nb) == {"x": {"a": 1.5}}


def test_record_rejects_what_is_not_json():
    assert record("nan", float("nan"))["value"] is None
    assert record("when", pd.Timestamp("2024-01-01"))["value"] == "2024-01-01T00:00:00"


# ------------------------------------------------------------ shop loading --
def test_open_shop_and_sections(tmp_path, capsys):
    shop = open_shop("demo", tables=["orders", "customers"])
    assert set(shop) >= {"orders", "customers"} and "events" not in shop
    ok = sections(shop, {"funnel": ["events"], "sales": ["orders"]}, notebook="nb")
    assert ok.sales and not ok.funnel
    assert "no `events` table" in capsys.readouterr().out
    lo, hi = data_window(shop)  # no sessions here: dated by the orders
    assert lo == shop.orders["order_ts"].min().normalize() and hi == pd.Timestamp("2024-12-31")
    assert data_window(open_shop("demo")) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    with pytest.raises(ValueError, match="data_window"):
        data_window({})


def test_metric_card_comes_from_the_catalog():
    card = metric_card("pay_conversion_rate")
    assert "支付转化率" in card and "function: `ecomkit.conversion_rate`" in card


# ---------------------------------------------------------------- explorer --
def test_explorer_draws_with_the_starting_values():
    seen = []

    def draw(ax, channel):
        seen.append(channel)
        ax.plot([1, 2], [3, 4])

    panel = explorer(draw, channel=["direct", "social"])
    assert seen == ["direct"] and panel.result is not None


def test_explorer_raises_when_the_chart_fails():
    def draw(ax, channel):
        raise KeyError(channel)

    with pytest.raises(RuntimeError, match="explorer"):
        explorer(draw, channel=["direct"])


def test_explorer_side_by_side_panels():
    def draw(axes, x):
        assert len(axes) == 2
        axes[1].bar([1], [x])

    assert explorer(draw, ncols=2, x=[3, 4]).result is not None
