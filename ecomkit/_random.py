"""Random-state normalisation: every random draw in ecomkit goes through here."""

from __future__ import annotations

import numbers

import numpy as np


def check_random_state(random_state) -> np.random.Generator:
    """Turn ``random_state`` into a :class:`numpy.random.Generator`.

    Parameters
    ----------
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        ``None`` gives a fresh unseeded generator (never numpy's global state);
        an int seeds a new PCG64 generator; a Generator is used as is; a legacy
        ``RandomState`` is wrapped so its stream is reused.

    Examples
    --------
    >>> rng = check_random_state(0)
    >>> int(rng.integers(0, 100))
    85
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.Generator(random_state._bit_generator)
    if isinstance(random_state, numbers.Integral) and not isinstance(
        random_state, bool
    ):
        if random_state < 0:
            raise ValueError(
                f"random_state must be a non-negative integer, got {random_state!r}."
            )
        return np.random.default_rng(int(random_state))
    raise TypeError(
        "random_state must be None, a non-negative int, a numpy Generator or a "
        f"RandomState, got {random_state!r}."
    )
