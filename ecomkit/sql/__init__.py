"""SQL recipes: the metrics as commented SQL, run on DuckDB or copied to a warehouse.

Each recipe in ``ecomkit/sql/recipes/*.sql`` is one query over the canonical
shop tables (``sessions``, ``events``, ``orders``, ...) with a header that says
what it computes, its 口径, its parameters (named placeholders ``$start_date``,
``$end_date``, ``$freq``, ``$as_of``) and its output columns. The pandas
functions stay the teaching code and the reference: the recipes give the same
answers (``tests/test_sql_recipes.py``), on data too large for memory.

* :func:`run_recipe` runs a recipe with DuckDB on a shop in memory, a folder of
  Parquet/CSV files or a DuckDB database file and returns pandas;
* :func:`recipe_sql` gives its SQL, translated with sqlglot to Spark, Hive,
  BigQuery, ...; :func:`recipe_params` the placeholder values to go with it;
* :func:`conform_result` gives a result computed elsewhere (Spark, a
  warehouse) the columns, dtypes and row order of the pandas twin;
* :func:`list_recipes` lists them (also ``ecomkit sql list``).

Examples
--------
>>> from ecomkit.sql import list_recipes
>>> list_recipes()["recipe"].tolist()[:3]
['cohort_activity', 'cohort_retention', 'customer_summary']
"""

from ._engine import (
    DIALECTS,
    Recipe,
    conform_result,
    get_recipe,
    list_recipes,
    recipe_params,
    recipe_sql,
    run_recipe,
)

__all__ = [
    "DIALECTS",
    "Recipe",
    "conform_result",
    "get_recipe",
    "list_recipes",
    "recipe_params",
    "recipe_sql",
    "run_recipe",
]
