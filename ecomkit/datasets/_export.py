"""Write a shop in the layout of a platform export: the inverse of a mapping.

:func:`to_export` turns canonical tables into the tables an export with a
mapping's layout would hold (their column names, their value labels, their
time zone and money unit, without the columns the mapping derives), and
:func:`write_export` writes them to the file names the mapping looks for.
:func:`example_export` writes a small example export of the shipped
``taobao_export`` mapping, with a few problems planted in it, for notebook
``08_your_own_data`` and the tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .._bunch import Bunch
from .._schema import TABLE_NAMES, TABLES
from ._mapping import load_mapping

__all__ = ["example_export", "to_export", "write_export"]

#: the tables of the example export (what the shipped mapping reads)
EXAMPLE_TABLES = ("customers", "products", "sessions", "events", "orders", "order_items",
                  "refunds")


def _inverse(vmap: dict) -> dict:
    """schema value → their first label for it."""
    out = {}
    for theirs, ours in vmap.items():
        out.setdefault(ours, theirs)
    return out


def to_export(shop, mapping, *, with_offset: bool = False) -> dict[str, pd.DataFrame]:
    """The tables of ``shop`` as an export in the mapping's layout.

    The inverse of :func:`~ecomkit.datasets.apply_mapping` for every table of
    the mapping that ``shop`` holds: columns the mapping derives are dropped
    (the export lacks them), values are written with the export's first label
    for each schema value, timestamps in the export's time zone (naive, or
    ISO 8601 with their offset when ``with_offset``), money divided by the
    money multiplier, and columns renamed to the export's names.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1], "status": pd.Categorical(["paid"]),
    ...                        "order_ts": pd.to_datetime(["2024-03-01 08:30"])})
    >>> to_export({"orders": orders}, {"timezone": "UTC", "shop_timezone":
    ...     "Asia/Shanghai", "tables": {"orders": {"columns": {"编号": "order_id",
    ...     "状态": "status", "时间": "order_ts"}, "values": {"status": {"成功": "paid"}}}}}
    ...     )["orders"].to_dict("records")
    [{'编号': 1, '状态': '成功', '时间': Timestamp('2024-03-01 00:30:00')}]
    """
    mapping = load_mapping(mapping)
    out = {}
    for name in TABLE_NAMES:
        tm = mapping.tables.get(name)
        if tm is None or name not in shop:
            continue
        table = TABLES[name]
        frame = shop[name].copy()
        frame = frame.drop(columns=[c for c in tm.derive if c in frame.columns])
        src, dst = mapping.source_zone(name), mapping.target_zone
        for column in frame.columns:
            if column not in table.column_names:
                continue
            col = table.column(column)
            s = frame[column]
            if col.kind == "ts" and dst is not None and (src != dst or with_offset):
                local = s.dt.tz_localize(dst).dt.tz_convert(src or dst)
                s = local if with_offset else local.dt.tz_localize(None)
                if with_offset:
                    s = s.map(lambda t: "" if pd.isna(t) else t.isoformat())
            elif col.kind == "money" and mapping.multiplier(name) != 1:
                s = (s / mapping.multiplier(name)).round(6)
            if column in tm.values:
                inverse = _inverse(tm.values[column])
                s = s.astype(object).map(lambda v, inv=inverse: inv.get(v, v))
            frame[column] = s
        renames = {target: source for source, target in tm.columns.items()}
        out[name] = frame.rename(columns=renames)
    return out


def _file_name(pattern: str) -> str:
    return re.sub(r"[*?]|\[[^]]*\]", "", pattern)


def write_export(tables: dict, folder, mapping, *, encoding="utf-8") -> dict[str, Path]:
    """Write export tables (from :func:`to_export`) where the mapping finds them.

    Each table goes to the first file pattern of its mapping with the glob
    characters removed (``订单报表*.csv`` → ``订单报表.csv``). ``encoding`` is one
    encoding or a dict of table → encoding (e.g. ``gb18030`` for the reports a
    platform writes for Excel). Returns the file of each table.
    """
    mapping = load_mapping(mapping)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame in tables.items():
        tm = mapping.tables[name]
        target = folder / _file_name(tm.files[0])
        enc = encoding.get(name, "utf-8") if isinstance(encoding, dict) else encoding
        if (tm.format or target.suffix.lower().lstrip(".")) == "parquet":
            frame.to_parquet(target, index=False)
        else:
            frame.to_csv(target, index=False, encoding=enc, lineterminator="\n",
                         sep=tm.sep)
        written[name] = target
    return written


def example_export(folder, *, n_customers: int = 400, random_state: int = 7,
                   problems: bool = True) -> Bunch:
    """Write a small example export in the layout of the shipped Taobao mapping.

    A synthetic shop (``make_shop``) written the way the shipped
    ``taobao_export`` mapping expects a 淘宝/天猫 export: Chinese file and column
    names, Chinese status, channel and device labels, customer ids that are
    nicknames (text such as ``"C0007"``), the order reports in GB18030, the
    tracking logs in UTC. With ``problems`` it plants what real exports have:

    - ``unmapped_channel``: three orders from a channel label the mapping does
      not know (``短信召回``, an SMS win-back; an **error** until the mapping
      maps it to ``email_sms``);
    - ``duplicate_orders``: two orders exported twice (a **warning**: the
      copies are excluded);
    - ``share_events``: twelve ``分享`` (share) actions that are not steps of
      the funnel (a **warning**: excluded);
    - ``blank_rows``: an empty row at the end of the order report, as Excel
      writes one (a **warning**: excluded).

    Returns
    -------
    Bunch
        ``folder``, ``files`` (table → file), ``planted`` (kind → rows) and
        ``shop``: the canonical shop the export was made from (customer ids
        as text), to compare what the mapping gives back.
    """
    from ._shop import make_shop

    mapping = load_mapping("taobao_export")
    full = make_shop(n_customers, start="2024-01-01", end="2024-12-31",
                     random_state=random_state)
    shop = Bunch(**{name: full[name].copy() for name in EXAMPLE_TABLES})
    for name in ("customers", "orders", "sessions"):
        ids = shop[name]["customer_id"]
        shop[name]["customer_id"] = ids.map(
            lambda v: pd.NA if pd.isna(v) else f"C{int(v):04d}").astype(
                "str" if name != "sessions" else object)
    tables = to_export(shop, mapping)
    # a paid order's label follows its delivery, as on the platform
    status = tables["orders"]["订单状态"].copy()
    paid = (shop.orders["status"] == "paid").to_numpy()
    status[paid & shop.orders["shipped_ts"].notna().to_numpy()] = "卖家已发货，等待买家确认"
    status[paid & shop.orders["delivered_ts"].notna().to_numpy()] = "交易成功"
    tables["orders"]["订单状态"] = status
    planted = {}
    if problems:
        rng = np.random.default_rng(random_state)
        orders = tables["orders"]
        sms = np.flatnonzero((shop.orders["channel"] == "email_sms").to_numpy())[:3]
        orders.loc[sms, "渠道"] = "短信召回"
        planted["unmapped_channel"] = len(sms)
        twice = rng.choice(len(orders), size=2, replace=False)
        order = list(range(len(orders)))
        for i in sorted(twice, reverse=True):
            order.insert(i + 1, i)  # the copy right after the row, as exports do
        tables["orders"] = orders.iloc[order].reset_index(drop=True)
        planted["duplicate_orders"] = 2
        events = tables["events"]
        views = np.flatnonzero((shop.events["event_type"] == "product_view").to_numpy())
        picked = np.sort(rng.choice(views, size=12, replace=False))
        share = events.iloc[picked].assign(行为="分享")
        events = pd.concat([events, share]).sort_index(kind="stable")
        tables["events"] = events.reset_index(drop=True)
        planted["share_events"] = 12
    gbk = {name: "gb18030" for name in ("orders", "order_items", "refunds")}
    files = write_export(tables, folder, mapping, encoding=gbk)
    if problems:
        with open(files["orders"], "a", encoding="gb18030", newline="") as f:
            f.write("," * (len(tables["orders"].columns) - 1) + "\n")
        planted["blank_rows"] = 1
    return Bunch(folder=Path(folder), files=files, planted=planted, shop=shop)

