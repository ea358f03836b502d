"""Market metrics (市场 / 竞争分析) on a panel of shops.

The ``market`` table has one row per shop and month (``month, shop, is_us,
uv, gmv, orders``): a competitor panel such as 生意参谋 市场 / 竞争 or an
industry ranking. Shares and ranks are computed **within the panel**: the
shops in the table are the whole market.

- user share 用户份额 = shop UV ÷ Σ UV of all shops in the month;
- GMV share = shop GMV ÷ Σ GMV of all shops in the month;
- traffic rank 流量排名 / GMV rank 交易额排名: 1 = largest in the month;
  equal values share the best rank (``method="min"``: 1, 2, 2, 4).

Over a window of several months, shares are pooled (Σ shop ÷ Σ panel), which
equals the share of the average month; a visitor seen in two months counts in
both, as monthly UV cannot be de-duplicated across months.
"""

from __future__ import annotations

import pandas as pd

from ._catalog import register_metric
from ._validation import (
    check_datetime,
    check_no_missing,
    check_numeric,
    check_table,
    safe_divide,
    window_mask,
)

__all__ = ["gmv_rank", "gmv_share", "market_position", "traffic_rank", "user_share"]
#: public functions that are tables of catalog metrics, not catalog metrics
__not_metrics__ = ("market_position",)

_FAMILY = "market"


def _panel(market, func, *, start, end, month_col, shop_col, columns):
    """Checked panel rows in the window (a filtered view)."""
    check_table(market, func, param="market", hint="shop.market",
                columns={"month_col": month_col, "shop_col": shop_col, **columns})
    months = check_datetime(market, month_col, func, param="month_col",
                            table="market")
    check_no_missing(market, month_col, func, param="month_col", what="months")
    check_no_missing(market, shop_col, func, param="shop_col", what="shop names")
    for p, c in columns.items():
        if p != "is_us_col":
            check_numeric(market, c, func, param=p, table="market", nonnegative=True)
    dup = market.duplicated([month_col, shop_col]).to_numpy()
    if dup.any():
        raise ValueError(
            f"{func}(): `market` has {int(dup.sum())} duplicated (month, shop) "
            f"row(s); one row per shop and month is needed. Aggregate first, e.g. "
            f"`market.groupby([{month_col!r}, {shop_col!r}], as_index=False).sum()`."
        )
    return market.loc[window_mask(months, start, end, func)]


def _our_shop(market, func, *, shop, shop_col, is_us_col):
    """The shop to report: ``shop`` if given, else the one row flagged ``is_us``."""
    if shop is not None:
        if not market[shop_col].eq(shop).any():
            raise ValueError(
                f"{func}(): `shop` {shop!r} is not in column {shop_col!r} of "
                f"`market`. Shops: {sorted(map(str, pd.unique(market[shop_col])))[:10]}."
            )
        return shop
    check_table(market, func, param="market", columns={"is_us_col": is_us_col})
    flags = market[is_us_col]
    if not pd.api.types.is_bool_dtype(flags.dtype):
        raise TypeError(
            f"{func}(): column {is_us_col!r} (from `is_us_col`) must be boolean "
            f"(True for this shop), but its dtype is {flags.dtype}."
        )
    ours = pd.unique(market.loc[flags.to_numpy(dtype=bool, na_value=False),
                                shop_col])
    if len(ours) != 1:
        raise ValueError(
            f"{func}(): column {is_us_col!r} must flag exactly one shop as ours, "
            f"but it flags {len(ours)} ({list(ours)[:5]}). Pass `shop=` to choose."
        )
    return ours[0]


def _monthly(market, *, month_col, shop_col, uv_col=None, gmv_col=None):
    """Every shop and month with shares and ranks (internal column names).

    UV gives ``user_share`` and ``traffic_rank``; GMV gives ``gmv_share`` and
    ``gmv_rank``.
    """
    table = pd.DataFrame({"month": market[month_col].to_numpy(),
                          "shop": market[shop_col].to_numpy()})
    g_shop = table.groupby("month", sort=False)["shop"]
    table["n_shops"] = g_shop.transform("size").astype("int64")
    for value_col, name, share, rank in ((uv_col, "uv", "user_share", "traffic_rank"),
                                         (gmv_col, "gmv", "gmv_share", "gmv_rank")):
        if value_col is None:
            continue
        table[name] = market[value_col].to_numpy()
        g = table.groupby("month", sort=False)[name]
        table[share] = safe_divide(table[name], g.transform("sum"))
        table[rank] = g.rank(method="min", ascending=False).astype("int64")
    return table


def _per_month(market, func, *, shop, start, end, month_col, shop_col, is_us_col,
               value_col, value_param, metric, pooled=False):
    panel = _panel(market, func, start=start, end=end, month_col=month_col,
                   shop_col=shop_col, columns={value_param: value_col})
    ours = _our_shop(market, func, shop=shop, shop_col=shop_col, is_us_col=is_us_col)
    if pooled:
        mine = panel.loc[panel[shop_col].eq(ours).to_numpy(), value_col].sum()
        return safe_divide(mine, panel[value_col].sum())
    table = _monthly(panel, month_col=month_col, shop_col=shop_col,
                     **{value_param: value_col})
    mine = table[table["shop"].eq(ours).to_numpy()].sort_values("month")
    return pd.Series(mine[metric].to_numpy(),
                     index=pd.Index(mine["month"], name=month_col), name=metric)


@register_metric(
    "user_share",
    name="User (UV) share",
    name_zh="用户份额",
    family=_FAMILY,
    formula="shop UV ÷ Σ UV of all shops in the panel",
    numerator="the shop's monthly UV",
    denominator="Σ monthly UV of every shop in the panel, same month",
    window="per month in [start, end]; pooled = Σ over the months",
    basis="UV (unique visitors)",
    unit="fraction",
    variants={"pooled": "Σ shop UV over the window ÷ Σ panel UV over the window"},
)
def user_share(
    market: pd.DataFrame,
    *,
    shop=None,
    pooled: bool = False,
    start=None,
    end=None,
    month_col: str = "month",
    shop_col: str = "shop",
    is_us_col: str = "is_us",
    uv_col: str = "uv",
) -> pd.Series | float:
    """User share 用户份额 = shop UV ÷ Σ UV of all shops in the panel, per month.

    Parameters
    ----------
    market : pandas.DataFrame
        ``month, shop, is_us, uv``: one row per shop and month.
    shop : str, default=None
        The shop to report; ``None`` = the shop flagged ``is_us``.
    pooled : bool, default=False
        ``True`` returns one number for the window: Σ shop UV ÷ Σ panel UV.
    start, end : date-like, default=None
        Inclusive window on ``month`` (the first day of each month).
    month_col, shop_col, is_us_col, uv_col : str
        Column names.

    Returns
    -------
    pandas.Series or float
        Per month (index ``month``, sorted), named ``user_share``; a month
        where the shop has no row is absent. NaN when the panel has no UV.
        A float when ``pooled``.

    Raises
    ------
    ValueError
        Missing columns, negative UV, duplicated (month, shop), no or several
        ``is_us`` shops, an unknown ``shop``.

    See Also
    --------
    market_position : shares and ranks together.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.market as em
    >>> market = pd.DataFrame({"month": pd.to_datetime(["2024-01-01"] * 3),
    ...     "shop": ["us", "a", "b"], "is_us": [True, False, False],
    ...     "uv": [200, 500, 300]})
    >>> em.user_share(market)
    month
    2024-01-01    0.2
    Name: user_share, dtype: float64
    """
    return _per_month(market, "user_share", shop=shop, start=start, end=end,
                      month_col=month_col, shop_col=shop_col, is_us_col=is_us_col,
                      value_col=uv_col, value_param="uv_col", metric="user_share",
                      pooled=pooled)


@register_metric(
    "gmv_share",
    name="GMV share",
    name_zh="交易额份额",
    family=_FAMILY,
    formula="shop GMV ÷ Σ GMV of all shops in the panel",
    numerator="the shop's monthly GMV",
    denominator="Σ monthly GMV of every shop in the panel, same month",
    window="per month in [start, end]; pooled = Σ over the months",
    basis="gmv as reported by the panel",
    unit="fraction",
    variants={"pooled": "Σ shop GMV over the window ÷ Σ panel GMV over the window"},
)
def gmv_share(
    market: pd.DataFrame,
    *,
    shop=None,
    pooled: bool = False,
    start=None,
    end=None,
    month_col: str = "month",
    shop_col: str = "shop",
    is_us_col: str = "is_us",
    gmv_col: str = "gmv",
) -> pd.Series | float:
    """GMV share 交易额份额 = shop GMV ÷ Σ GMV of all shops in the panel, per month.

    Parameters
    ----------
    market : pandas.DataFrame
        ``month, shop, is_us, gmv``.
    shop : str, default=None
        The shop to report; ``None`` = the shop flagged ``is_us``.
    pooled : bool, default=False
        ``True`` returns Σ shop GMV ÷ Σ panel GMV over the window.
    start, end : date-like, default=None
        Inclusive window on ``month``.
    month_col, shop_col, is_us_col, gmv_col : str
        Column names.

    Returns
    -------
    pandas.Series or float
        Per month, named ``gmv_share`` (NaN when the panel has no GMV); a
        float when ``pooled``.

    Raises
    ------
    ValueError
        As :func:`user_share`.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.market as em
    >>> market = pd.DataFrame({"month": pd.to_datetime(["2024-01-01"] * 2),
    ...     "shop": ["us", "a"], "is_us": [True, False], "gmv": [250.0, 750.0]})
    >>> em.gmv_share(market, pooled=True)
    0.25
    """
    return _per_month(market, "gmv_share", shop=shop, start=start, end=end,
                      month_col=month_col, shop_col=shop_col, is_us_col=is_us_col,
                      value_col=gmv_col, value_param="gmv_col", metric="gmv_share",
                      pooled=pooled)


@register_metric(
    "gmv_rank",
    name="GMV rank",
    name_zh="交易额排名",
    family=_FAMILY,
    formula="position of the shop's GMV among the panel's shops in the month "
    "(1 = largest; ties share the best rank)",
    numerator="—",
    denominator="—",
    window="per month in [start, end]",
    basis="gmv as reported by the panel",
    unit="rank",
)
def gmv_rank(
    market: pd.DataFrame,
    *,
    shop=None,
    start=None,
    end=None,
    month_col: str = "month",
    shop_col: str = "shop",
    is_us_col: str = "is_us",
    gmv_col: str = "gmv",
) -> pd.Series:
    """GMV rank 交易额排名 of a shop within the panel, per month (1 = largest).

    Equal GMVs share the best rank (``method="min"``: 1, 2, 2, 4), so rank
    ``k`` means "k − 1 shops sold strictly more".

    Parameters
    ----------
    market : pandas.DataFrame
        ``month, shop, is_us, gmv``.
    shop : str, default=None
        The shop to report; ``None`` = the shop flagged ``is_us``.
    start, end : date-like, default=None
        Inclusive window on ``month``.
    month_col, shop_col, is_us_col, gmv_col : str
        Column names.

    Returns
    -------
    pandas.Series
        int64 ranks indexed by ``month`` (sorted), named ``gmv_rank``.

    Raises
    ------
    ValueError
        As :func:`user_share`.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.market as em
    >>> market = pd.DataFrame({"month": pd.to_datetime(["2024-01-01"] * 3),
    ...     "shop": ["us", "a", "b"], "is_us": [True, False, False],
    ...     "gmv": [500.0, 900.0, 500.0]})
    >>> em.gmv_rank(market).tolist()
    [2]
    """
    return _per_month(market, "gmv_rank", shop=shop, start=start, end=end,
                      month_col=month_col, shop_col=shop_col, is_us_col=is_us_col,
                      value_col=gmv_col, value_param="gmv_col", metric="gmv_rank")


@register_metric(
    "traffic_rank",
    name="Traffic rank",
    name_zh="流量排名",
    family=_FAMILY,
    formula="position of the shop's UV among the panel's shops in the month "
    "(1 = largest; ties share the best rank)",
    numerator="—",
    denominator="—",
    window="per month in [start, end]",
    basis="UV",
    unit="rank",
)
def traffic_rank(
    market: pd.DataFrame,
    *,
    shop=None,
    start=None,
    end=None,
    month_col: str = "month",
    shop_col: str = "shop",
    is_us_col: str = "is_us",
    uv_col: str = "uv",
) -> pd.Series:
    """Traffic rank 流量排名 of a shop within the panel by UV, per month (1 = largest).

    Ties share the best rank (``method="min"``).

    Parameters
    ----------
    market : pandas.DataFrame
        ``month, shop, is_us, uv``.
    shop : str, default=None
        The shop to report; ``None`` = the shop flagged ``is_us``.
    start, end : date-like, default=None
        Inclusive window on ``month``.
    month_col, shop_col, is_us_col, uv_col : str
        Column names.

    Returns
    -------
    pandas.Series
        int64 ranks indexed by ``month``, named ``traffic_rank``.

    Raises
    ------
    ValueError
        As :func:`user_share`.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.market as em
    >>> market = pd.DataFrame({"month": pd.to_datetime(["2024-01-01"] * 3),
    ...     "shop": ["us", "a", "b"], "is_us": [True, False, False],
    ...     "uv": [900, 100, 300]})
    >>> em.traffic_rank(market).tolist()
    [1]
    """
    return _per_month(market, "traffic_rank", shop=shop, start=start, end=end,
                      month_col=month_col, shop_col=shop_col, is_us_col=is_us_col,
                      value_col=uv_col, value_param="uv_col", metric="traffic_rank")


def market_position(
    market: pd.DataFrame,
    *,
    shop=None,
    all_shops: bool = False,
    start=None,
    end=None,
    month_col: str = "month",
    shop_col: str = "shop",
    is_us_col: str = "is_us",
    uv_col: str = "uv",
    gmv_col: str = "gmv",
) -> pd.DataFrame:
    """A shop's market position per month: UV, GMV, shares and ranks in the panel.

    Columns are those of :func:`user_share`, :func:`gmv_share`,
    :func:`traffic_rank` and :func:`gmv_rank` side by side (same 口径), plus
    the panel size.

    Parameters
    ----------
    market : pandas.DataFrame
        ``month, shop, is_us, uv, gmv``.
    shop : str, default=None
        The shop to report; ``None`` = the shop flagged ``is_us``.
    all_shops : bool, default=False
        ``True`` returns every shop of the panel (the competitor table).
    start, end : date-like, default=None
        Inclusive window on ``month``.
    month_col, shop_col, is_us_col, uv_col, gmv_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Columns ``month, shop, uv, gmv, user_share, gmv_share, traffic_rank,
        gmv_rank, n_shops``; sorted by month, then GMV rank, then shop.

    Raises
    ------
    ValueError
        As :func:`user_share`.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.market as em
    >>> market = pd.DataFrame({
    ...     "month": pd.to_datetime(["2024-01-01"] * 3 + ["2024-02-01"] * 3),
    ...     "shop": ["us", "a", "b"] * 2, "is_us": [True, False, False] * 2,
    ...     "uv": [200, 500, 300, 400, 400, 200],
    ...     "gmv": [3000.0, 5000.0, 2000.0, 6000.0, 3000.0, 1000.0]})
    >>> pos = em.market_position(market)
    >>> pos[["month", "user_share", "gmv_share", "traffic_rank", "gmv_rank"]]
           month  user_share  gmv_share  traffic_rank  gmv_rank
    0 2024-01-01         0.2        0.3             3         2
    1 2024-02-01         0.4        0.6             1         1

    In February "us" and "a" both have 400 visitors: both rank 1.
    """
    func = "market_position"
    panel = _panel(market, func, start=start, end=end, month_col=month_col,
                   shop_col=shop_col, columns={"uv_col": uv_col, "gmv_col": gmv_col})
    table = _monthly(panel, month_col=month_col, shop_col=shop_col, uv_col=uv_col,
                     gmv_col=gmv_col)
    if not all_shops:
        ours = _our_shop(market, func, shop=shop, shop_col=shop_col,
                         is_us_col=is_us_col)
        table = table[table["shop"].eq(ours).to_numpy()]
    table = table.sort_values(["month", "gmv_rank", "shop"], kind="mergesort")
    cols = ["month", "shop", "uv", "gmv", "user_share", "gmv_share", "traffic_rank",
            "gmv_rank", "n_shops"]
    out = table[cols].reset_index(drop=True)
    return out.rename(columns={"month": month_col, "shop": shop_col, "uv": uv_col,
                               "gmv": gmv_col})

