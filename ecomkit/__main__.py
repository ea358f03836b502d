"""``python -m ecomkit ...``: the same command line as the ``ecomkit`` script."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
