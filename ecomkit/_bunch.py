"""A dict with attribute access, the container returned by ``make_shop``."""

from __future__ import annotations


class Bunch(dict):
    """Dictionary whose keys are also attributes.

    ``shop.orders`` and ``shop["orders"]`` are the same table; ``dir(shop)``
    lists the keys so Jupyter tab-completes them.

    Examples
    --------
    >>> b = Bunch(a=1, b=2)
    >>> b.a, b["b"]
    (1, 2)
    >>> sorted(k for k in dir(b) if not k.startswith("_"))[:2]
    ['a', 'b']
    """

    def __init__(self, **kwargs):
        super().__init__(kwargs)

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(
                f"This Bunch has no key {key!r}. Available keys: {sorted(self)}."
            ) from None

    def __setattr__(self, key, value):
        self[key] = value

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.keys()))

    def __setstate__(self, state):
        # pickling support: keys live in the dict itself, not in __dict__
        pass
