"""Validate a notebook's papermill parameters in one place, with one clear message.

papermill checks nothing: ``-p seed 1.5`` passes a float where an int is
meant, and ``-p channel 007`` arrives as the int 7. So the cell after a
notebook's ``parameters`` cell calls :func:`validate`, which checks every
parameter against its declaration and fails with ONE message naming the
notebook, each bad parameter, its value and what is allowed::

    P = validate(globals(), {
        "data_dir": Param("folder", help="a shop folder, or 'demo'"),
        "start": Param("date"),
        "end": Param("date"),
        "channel": Param(str, choices=("all", *CHANNELS)),
        "top_n": Param(int, min=1, max=50),
    }, notebook="02_conversion")
    P.start  # a pandas Timestamp
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._bunch import Bunch

__all__ = ["Param", "ParameterError", "validate"]

KINDS = (int, float, str, bool, "date", "folder")


class ParameterError(ValueError):
    """A notebook parameter is missing or invalid (papermill does not check)."""


@dataclass(frozen=True)
class Param:
    """Declaration of one notebook parameter.

    Parameters
    ----------
    kind : int, float, str, bool, "date" or "folder"
        ``"date"`` accepts ISO strings and gives a ``pandas.Timestamp``;
        ``"folder"`` accepts ``"demo"`` (the shipped demo shop) or an
        existing directory.
    choices : tuple, optional
        Allowed values.
    min, max : float, optional
        Inclusive bounds for numbers.
    nullable : bool, default=False
        Whether ``None`` or ``""`` (not set) is allowed, e.g. an optional end
        date written ``end: str = ""`` in the parameters cell (papermill
        cannot read ``str | None`` annotations).
    help : str
        What the parameter means (shown in the error message).
    """

    kind: object
    choices: tuple | None = None
    min: float | None = None
    max: float | None = None
    nullable: bool = False
    help: str = ""

    def allowed(self) -> str:
        if self.choices is not None:
            text = f"one of {list(self.choices)}"
        elif self.kind == "date":
            text = "a date such as '2024-06-01'"
        elif self.kind == "folder":
            text = "'demo' or an existing folder of shop files"
        else:
            text = f"a {getattr(self.kind, '__name__', self.kind)}"
            if self.min is not None and self.max is not None:
                text += f" from {self.min} to {self.max}"
            elif self.min is not None:
                text += f" >= {self.min}"
            elif self.max is not None:
                text += f" <= {self.max}"
        if self.nullable:
            text += " (or \"\" for not set)"
        return text


def _convert(value, p: Param):
    """Return the checked value or raise ``ValueError`` with the reason."""
    if value is None or (value == "" and p.nullable):
        if p.nullable:
            return None  # "" in a parameters cell means "not set"
        raise ValueError("is None")
    if p.kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ValueError(f"is {type(value).__name__}, not True/False")
    if p.kind is int:
        if isinstance(value, bool):
            raise ValueError("is a bool")
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)  # `papermill -r` passes raw strings
        if isinstance(value, float):
            raise ValueError("is a float (papermill passes `-p n 1.5` as a float); use a whole number")
        if not isinstance(value, int):
            raise ValueError(f"is {type(value).__name__}")
    elif p.kind is float:
        if isinstance(value, bool):
            raise ValueError("is a bool")
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise ValueError("is text, not a number") from None
        if not isinstance(value, (int, float)):
            raise ValueError(f"is {type(value).__name__}")
        value = float(value)
    elif p.kind is str:
        if not isinstance(value, str):
            raise ValueError(
                f"is {type(value).__name__}, not text (papermill turns `-p name 007` into "
                "the number 7: pass text with `-r name 007` or in a YAML file)"
            )
    elif p.kind == "date":
        try:
            ts = pd.Timestamp(value)
        except (ValueError, TypeError):
            raise ValueError("is not a date") from None
        if ts is pd.NaT or isinstance(value, (int, float)):
            raise ValueError("is not a date")
        value = ts
    elif p.kind == "folder":
        if not isinstance(value, (str, Path)):
            raise ValueError(f"is {type(value).__name__}, not a folder path")
        if str(value) != "demo" and not Path(value).expanduser().is_dir():
            raise ValueError("is not an existing folder")
    if p.choices is not None and value not in p.choices:
        raise ValueError("is not allowed")
    if p.min is not None and value < p.min:
        raise ValueError(f"is below the minimum {p.min}")
    if p.max is not None and value > p.max:
        raise ValueError(f"is above the maximum {p.max}")
    return value


def validate(namespace: Mapping, spec: Mapping[str, Param], *, notebook: str) -> Bunch:
    """Check a notebook's parameters and return them converted, in a Bunch.

    Parameters
    ----------
    namespace : mapping
        Where the parameters live (``globals()`` in a notebook).
    spec : mapping of str to Param
        Every parameter the notebook declares.
    notebook : str
        The notebook's name, for the message.

    Returns
    -------
    Bunch
        The parameters, converted (dates as Timestamps).

    Raises
    ------
    ParameterError
        Listing every missing or invalid parameter with its value and what is
        allowed; also when ``end`` is before ``start``.

    Examples
    --------
    >>> P = validate({"n": 3, "start": "2024-01-01"},
    ...              {"n": Param(int, min=1), "start": Param("date")}, notebook="demo")
    >>> P.n, P.start
    (3, Timestamp('2024-01-01 00:00:00'))
    >>> validate({"n": 1.5}, {"n": Param(int)}, notebook="demo")
    Traceback (most recent call last):
    ...
    ecomkit.params.ParameterError: notebook demo: parameter `n` = 1.5 is a float ...
    """
    out, problems = Bunch(), []
    for name, p in spec.items():
        if name not in namespace:
            problems.append(f"parameter `{name}` is missing from the parameters cell")
            continue
        value = namespace[name]
        try:
            out[name] = _convert(value, p)
        except ValueError as exc:
            problems.append(f"parameter `{name}` = {value!r} {exc}; allowed: {p.allowed()}"
                            + (f" ({p.help})" if p.help else ""))
    if not problems and out.get("start") is not None and out.get("end") is not None:
        if out["end"] < out["start"]:
            problems.append(f"parameter `end` = {namespace['end']!r} is before `start` = {namespace['start']!r}")
    if problems:
        raise ParameterError(f"notebook {notebook}: " + "; ".join(problems) + ".")
    return out
