"""Who does the heavy work for a notebook: pandas in memory, or DuckDB out of core.

A notebook opens its shop with :func:`open_shop`::

    shop = open_shop(P.data_dir, engine=P.engine)

With ``engine="pandas"`` (the default) every table is a pandas DataFrame, as
in the rest of ecomkit. With ``engine="duckdb"`` the largest tables (by
default ``events``, one row per click: 60–200M a month in a large shop) are
**not loaded**: they stay in their Parquet or CSV file as a
:class:`TableOnDisk`, and DuckDB reads them out of core when a notebook asks
``shop.engine`` for a result. The other tables (one row per visit, order,
customer, product, day ...) are read into pandas as usual.

``shop.engine`` answers the same questions under both engines:

* ``shop.engine.run(recipe, start=..., end=..., freq=..., as_of=...)`` — a SQL
  recipe of :mod:`ecomkit.sql` (traffic by period, funnel, cohort retention,
  repurchase, RFM, P&L, and the reductions such as ``session_summary``). The
  pandas engine calls the recipe's pandas twin (the teaching code); the DuckDB
  engine runs the SQL over the shop's files. Both give the same frame (tested).
* ``shop.engine.events(types)`` — the events of a few types only (checkout and
  payment, say) as a DataFrame: with DuckDB only those rows leave the file.
* ``shop.engine.summarise(recipe, select)`` — a recipe aggregated further in
  SQL (bounce rate per channel from ``session_summary``): only the answer
  reaches pandas.
* ``shop.engine.sql(query)`` — any DuckDB query over the shop's tables by name
  (frames in place with pandas, the files with DuckDB).

A notebook section that needs an on-disk table *in memory* is skipped with a
note by :func:`ecomkit.nbtools.sections` unless it declares that it reads the
table through ``shop.engine``. Touching an on-disk table as if it were a
DataFrame raises an error that says what to do instead.

Examples
--------
>>> shop = open_shop("demo", engine="duckdb")
>>> type(shop.events).__name__, len(shop.events) > 0
('TableOnDisk', True)
>>> shop.engine.run("funnel", start="2024-06-01", end="2024-06-30")["step"].tolist()
['product_view', 'add_to_cart', 'checkout', 'payment']
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from ._bunch import Bunch

__all__ = [
    "DUCKDB_DEFAULTS",
    "ENGINES",
    "ON_DISK_DEFAULT",
    "DuckDBEngine",
    "PandasEngine",
    "Shop",
    "TableOnDisk",
    "TableOnDiskError",
    "open_shop",
]

#: the engines a notebook or the report can use
ENGINES = ("pandas", "duckdb")
#: tables left on disk by ``engine="duckdb"`` unless ``on_disk=`` says otherwise
ON_DISK_DEFAULT = ("events",)
#: DuckDB settings of ``engine="duckdb"`` unless ``config=`` says otherwise. DuckDB
#: alone would take up to 80 % of the memory, next to the tables the notebook holds
#: in pandas; with a cap it spills to disk instead (measured: benchmarks/README.md)
DUCKDB_DEFAULTS = {"memory_limit": "4GB"}


class Shop(Bunch):
    """A shop's tables (keys) and the engine that computes on them (``.engine``).

    Behaves as the :class:`~ecomkit._bunch.Bunch` that ``make_shop`` and
    ``read_shop`` return; ``engine`` is an attribute, not a table.
    """

    def __init__(self, tables: Mapping, engine=None):
        super().__init__(**tables)
        object.__setattr__(self, "engine", engine)

    def __setattr__(self, key, value):
        if key == "engine":
            object.__setattr__(self, key, value)
        else:
            super().__setattr__(key, value)

    def in_memory(self) -> dict:
        """The tables that are pandas DataFrames (the on-disk ones left out)."""
        return {k: v for k, v in self.items() if isinstance(v, pd.DataFrame)}


# ------------------------------------------------------------ on-disk tables ---
class TableOnDiskError(TypeError, AttributeError):
    """An on-disk table used as a DataFrame. An AttributeError too, so that
    ``hasattr`` and tools that probe attributes (IPython's display) get False."""


class TableOnDisk:
    """A table that stays in its file; DuckDB reads it when asked.

    Offers what a notebook needs to *describe* a table (``len``, ``columns``,
    ``head``, ``time_span``) and :meth:`load` for the rare case where a
    slice is wanted in memory. Anything else a DataFrame would do raises an
    error that points to ``shop.engine``.
    """

    def __init__(self, name: str, file: Path):
        self.name = name
        self.file = Path(file)
        self._n_rows = None

    def __repr__(self) -> str:
        return f"<TableOnDisk {self.name!r}: {len(self):,} rows in {self.file}>"

    def _scan(self) -> str:
        from .sql._engine import _csv_view, _quote

        if self.file.suffix == ".parquet":
            return f"read_parquet({_quote(str(self.file))})"
        return _csv_view(self.file, self.name)

    def _query(self, sql: str) -> pd.DataFrame:
        from .sql._engine import _duckdb

        duckdb = _duckdb("TableOnDisk")
        con = duckdb.connect()
        try:
            return con.execute(sql.replace("{table}", self._scan())).df()
        except duckdb.ConversionException as exc:  # a CSV value that is not its column's type
            first = str(exc).strip().splitlines()[0]
            raise ValueError(
                f"TableOnDisk: {self.name} in {self.file} holds a value that is not its "
                f"column's type ({first}); run `ecomkit check-data {self.file.parent}` for "
                f"the full report."
            ) from None
        finally:
            con.close()

    def __len__(self) -> int:
        if self._n_rows is None:
            if self.file.suffix == ".parquet":
                import pyarrow.parquet as pq

                self._n_rows = pq.ParquetFile(self.file).metadata.num_rows
            else:
                self._n_rows = int(self._query("SELECT count(*) AS n FROM {table}")["n"].iloc[0])
        return self._n_rows

    @property
    def columns(self) -> pd.Index:
        """The column names of the file."""
        if self.file.suffix == ".parquet":
            import pyarrow.parquet as pq

            return pd.Index(pq.ParquetFile(self.file).schema_arrow.names)
        return pd.Index(self.head(0).columns)

    def head(self, n: int = 5) -> pd.DataFrame:
        """The first ``n`` rows, with the schema's dtypes."""
        return self.load(limit=n)

    def load(self, columns: Sequence[str] | None = None, *, where: str | None = None,
             limit: int | None = None) -> pd.DataFrame:
        """Read some of the table into pandas (schema dtypes restored).

        ``columns`` picks columns, ``where`` is a DuckDB condition such as
        ``"event_type = 'payment'"``, ``limit`` caps the rows. Loading all of a
        large table defeats the point of keeping it on disk.
        """
        from ._schema import TABLES
        from .datasets._io import _parse_column

        cols = "*" if columns is None else ", ".join(f'"{c}"' for c in columns)
        sql = f"SELECT {cols} FROM {{table}}"
        if where:
            sql += f" WHERE {where}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        frame = self._query(sql)
        schema = TABLES[self.name]
        out = {}
        for column in frame.columns:
            if column not in schema.column_names:
                out[column] = frame[column]
                continue
            values, problems = _parse_column(frame[column], schema.column(column))
            if problems:
                raise ValueError(
                    f"TableOnDisk.load(): {self.name}.{column} in {self.file} holds values "
                    f"that are not its type ({problems[0][0]}); run `ecomkit check-data "
                    f"{self.file.parent}` for the full report."
                )
            out[column] = values
        return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))

    def time_span(self, column: str) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last value of a time column, read by DuckDB."""
        row = self._query(f'SELECT min("{column}") AS lo, max("{column}") AS hi FROM {{table}}')
        return pd.Timestamp(row["lo"].iloc[0]), pd.Timestamp(row["hi"].iloc[0])

    def _refuse(self, what: str):
        return TableOnDiskError(
            f"`{self.name}` stays on disk with engine='duckdb' (it is read out of core), "
            f"so it cannot be used as a DataFrame ({what}). Ask shop.engine.run(recipe, ...) "
            f"or shop.engine.sql('SELECT ... FROM {self.name}') for the result, use "
            f"shop.{self.name}.load(columns=..., where=...) for a slice, or open the shop "
            f"with engine='pandas' to load it whole."
        )

    def __getattr__(self, attr):
        if attr.startswith("__") or attr in ("name", "file", "_n_rows"):
            raise AttributeError(attr)
        raise self._refuse(f".{attr}")

    def __getitem__(self, key):
        raise self._refuse(f"[{key!r}]")

    def __iter__(self):
        raise self._refuse("iteration")


# ------------------------------------------------------------------ engines ---
class _Engine:
    name = ""

    def __init__(self, shop: Shop):
        self._shop = shop

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def run(self, recipe: str, **params) -> pd.DataFrame:  # pragma: no cover - abstract
        raise NotImplementedError

    def events(self, types: Sequence[str], *, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The events of some types only, as a DataFrame (rows in file order).

        Most questions need a few event types (checkout and payment for the
        payment step, favourites and carts for a campaign's pre-heat): a small
        slice of the largest table. With DuckDB only those rows are read from
        the file (the filter is pushed into the Parquet scan); with pandas
        they are selected from the frame. Either way the result is the same.
        """
        from ._schema import EVENT_TYPES

        func = f"{type(self).__name__}.events"
        if "events" not in self._shop:
            raise ValueError(f"{func}(): this shop has no `events` table.")
        if isinstance(types, str):
            types = [types]
        unknown = [t for t in types if t not in EVENT_TYPES]
        if unknown or not len(types):
            raise ValueError(f"{func}(): `types` must be event types among {list(EVENT_TYPES)}; "
                             f"got {list(types)!r}.")
        table = self._shop["events"]
        if isinstance(table, TableOnDisk):
            listed = ", ".join("'" + t + "'" for t in types)
            return table.load(columns, where=f"event_type IN ({listed})")
        keep = table["event_type"].isin(list(types))
        out = table.loc[keep] if columns is None else table.loc[keep, list(columns)]
        return out.reset_index(drop=True)

    def summarise(self, recipe: str, select: str, **params) -> pd.DataFrame:
        """Aggregate the rows of a recipe in SQL and return only the aggregate.

        ``select`` is a query that reads the recipe's output as a table named
        like the recipe, e.g. ``"SELECT channel, avg(page_views) AS depth FROM
        session_summary GROUP BY channel"``; ``params`` are the recipe's
        (``start``, ``end``, ``freq``, ``as_of``). A reduction such as
        ``session_summary`` has one row per visit (tens of millions in a large
        shop): summarised inside DuckDB, only the answer reaches pandas. Both
        engines run it with DuckDB (over the frames in place with pandas).
        """
        from .sql import get_recipe, recipe_params

        values = recipe_params(recipe, **params)
        body = get_recipe(recipe).body.strip().rstrip(";")
        return self.sql(f"WITH {recipe} AS (\n{body}\n)\n{select}", **values)

    def sql(self, query: str, **params) -> pd.DataFrame:
        """Run a DuckDB query over the shop's tables (named as in the schema).

        ``params`` fill ``$name`` placeholders. Returns pandas.
        """
        from .sql._engine import _duckdb

        con = _duckdb(f"{type(self).__name__}.sql").connect()
        try:
            self._attach(con)
            return con.execute(query, params or None).df()
        finally:
            con.close()


class PandasEngine(_Engine):
    """Every table in memory; recipes answered by their pandas twins."""

    name = "pandas"

    def run(self, recipe: str, **params) -> pd.DataFrame:
        """The result of SQL recipe ``recipe``, computed by its pandas twin.

        Same arguments and the same frame as
        :func:`ecomkit.sql.run_recipe`; the reductions without a twin
        (``session_summary``, ...) run their SQL with DuckDB on the frames in
        place.
        """
        from .sql import recipe_params, run_recipe

        recipe_params(recipe, **params)  # the same checks and messages as run_recipe
        twin = _PANDAS_TWINS.get(recipe)
        if twin is None:
            return run_recipe(recipe, self._shop.in_memory(), **params)
        return twin(self._shop, **params)

    def _attach(self, con) -> None:
        for name, frame in self._shop.in_memory().items():
            con.register(name, frame)


class DuckDBEngine(_Engine):
    """Tables read out of core from the shop's folder by DuckDB.

    ``config`` holds DuckDB settings for every query, e.g.
    ``{"memory_limit": "4GB", "threads": 2}``.
    """

    name = "duckdb"

    def __init__(self, shop: Shop, folder: Path, config: Mapping | None = None):
        super().__init__(shop)
        self.folder = Path(folder)
        self.config = dict(config or {})

    def __repr__(self) -> str:
        return f"<DuckDBEngine on {self.folder}>"

    def run(self, recipe: str, **params) -> pd.DataFrame:
        """The result of SQL recipe ``recipe``, run by DuckDB over the files."""
        from .sql import run_recipe

        return run_recipe(recipe, self.folder, config=self.config, **params)

    def _attach(self, con) -> None:
        from .sql._engine import _csv_view, _quote

        for key, value in self.config.items():
            con.execute(f"SET {key} = {_quote(str(value))}")
        for name in self._shop:
            file = _file_of(self.folder, name)
            if file is None:
                continue
            scan = (f"read_parquet({_quote(str(file))})" if file.suffix == ".parquet"
                    else _csv_view(file, name))
            con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM {scan}')


def _file_of(folder: Path, table: str) -> Path | None:
    from .sql._engine import _table_file

    try:
        return _table_file(folder, table, "open_shop")
    except FileNotFoundError:
        return None


# the pandas function behind each recipe that has one, called as the recipe is
def _twin_repurchase(shop, start=None, end=None):
    from . import paying_buyers, repurchase_rate

    buyers = paying_buyers(shop["orders"], start=start, end=end)
    rate = repurchase_rate(shop["orders"], start=start, end=end)
    repeat = 0 if buyers == 0 else round(rate * buyers)  # rate = repeat / buyers exactly
    return pd.DataFrame({"buyers": [int(buyers)], "repeat_buyers": [int(repeat)],
                         "repurchase_rate": [rate]})


def _twins() -> dict:
    import ecomkit as ek

    return {
        "traffic_by_period": lambda s, **kw: ek.traffic_by_period(s["sessions"], s["events"], **kw),
        "funnel": lambda s, **kw: ek.funnel(s["events"], **kw),
        "cohort_retention": lambda s, **kw: ek.cohort_retention(s["orders"], **kw),
        "repurchase_rate": _twin_repurchase,
        "rfm": lambda s, **kw: ek.rfm_table(s["orders"], **kw),
        "pnl": lambda s, **kw: ek.pnl_table(s["orders"], s["order_items"], s["refunds"],
                                            s["costs"], s["marketing_spend"], **kw),
    }


class _LazyTwins(dict):
    def get(self, key, default=None):
        if not self:
            self.update(_twins())
        return super().get(key, default)


_PANDAS_TWINS = _LazyTwins()


# ---------------------------------------------------------------- open_shop ---
def open_shop(data_dir, *, tables: Sequence[str] | None = None, engine: str = "pandas",
              on_disk: Sequence[str] | None = None, config: Mapping | None = None) -> Shop:
    """The shop a notebook analyses, with the engine that computes on it.

    Parameters
    ----------
    data_dir : str or os.PathLike
        ``"demo"`` (the shipped demo shop) or a folder that
        :func:`ecomkit.datasets.read_shop` accepts (one CSV or Parquet file per
        table, canonical column names).
    tables : list of str, optional
        Only these tables (all when None).
    engine : {"pandas", "duckdb"}, default="pandas"
        ``"pandas"``: every table in memory. ``"duckdb"``: the tables of
        ``on_disk`` stay in their files and DuckDB reads them out of core
        (Parquet is best: DuckDB reads only the columns and row groups a query
        needs).
    on_disk : list of str, optional
        Tables to leave on disk with ``engine="duckdb"`` (default
        :data:`ON_DISK_DEFAULT`, ``("events",)``). Add ``"sessions"`` for a
        shop whose visits do not fit in memory either.
    config : dict, optional
        DuckDB settings, added to :data:`DUCKDB_DEFAULTS` (a 4 GB memory
        limit), e.g. ``{"memory_limit": "8GB", "threads": 2}``.

    Returns
    -------
    Shop
        The tables (DataFrames, or :class:`TableOnDisk`), plus ``stories`` and
        ``params`` for a generated shop, and ``.engine``.

    Raises
    ------
    ValueError
        An unknown engine, or an ``on_disk`` name that is not a table.
    FileNotFoundError
        The folder does not exist.
    """
    from ._schema import TABLES
    from .datasets import read_shop
    from .datasets._demo import demo_path, load_demo_shop

    func = "open_shop"
    if engine not in ENGINES:
        raise ValueError(f"{func}(): `engine` must be one of {list(ENGINES)}, got {engine!r}.")
    on_disk = tuple(ON_DISK_DEFAULT if on_disk is None else on_disk)
    unknown = [t for t in on_disk if t not in TABLES]
    if unknown:
        raise ValueError(f"{func}(): `on_disk` names {unknown}, which are not tables of the "
                         f"shop schema; the tables are {sorted(TABLES)}.")
    is_demo = str(data_dir) == "demo"
    folder = demo_path() if is_demo else Path(os.fspath(data_dir)).expanduser()
    wanted = None if tables is None else list(tables)

    if engine == "pandas":
        if is_demo:
            loaded = load_demo_shop()
            if wanted is not None:
                loaded = {k: v for k, v in loaded.items() if k in wanted or k in ("stories", "params")}
        else:
            loaded = read_shop(folder, tables=wanted)
        shop = Shop(loaded)
        shop.engine = PandasEngine(shop)
        return shop

    if not folder.is_dir():
        raise FileNotFoundError(
            f"{func}(): engine='duckdb' reads a shop folder, and {str(folder)!r} is not one"
            + (" (the demo shop's files are not in this installation; run "
               "`ecomkit make-data --out DIR` and pass DIR)." if is_demo else ".")
        )
    present = [t for t in TABLES if _file_of(folder, t) is not None
               and (wanted is None or t in wanted)]
    keep_on_disk = [t for t in present if t in on_disk]
    in_memory = [t for t in present if t not in on_disk]
    loaded = read_shop(folder, tables=in_memory) if in_memory else {}
    for t in keep_on_disk:
        loaded[t] = TableOnDisk(t, _file_of(folder, t))
    order = [*TABLES, "stories", "params"]  # the schema's order, as read_shop gives it
    shop = Shop({k: loaded[k] for k in order if k in loaded})
    shop.engine = DuckDBEngine(shop, folder, {**DUCKDB_DEFAULTS, **(config or {})})
    return shop


def is_on_disk(table) -> bool:
    """True for a table that an engine keeps in its file."""
    return isinstance(table, TableOnDisk)
