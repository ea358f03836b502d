"""Chart text in two languages when the machine can draw Chinese.

matplotlib ships no CJK font. Where one is installed (Noto Sans CJK, Source
Han Sans, WenQuanYi, Microsoft YaHei, PingFang, SimHei, ...) charts show
"English 中文"; elsewhere they show English only, rather than empty boxes and
a "Glyph missing" warning. The notebooks' markdown always carries both.
"""

from __future__ import annotations

from functools import lru_cache

_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Heiti SC",
    "Arial Unicode MS",
)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of an installed font that can draw Chinese, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in _CJK_FONTS:
        if name in installed:
            return name
    return None


def label(en: str, zh: str | None = None) -> str:
    """``"en 中文"`` when a CJK font is available, else ``en``.

    Examples
    --------
    >>> label("Visitors", "访客数") in ("Visitors", "Visitors 访客数")
    True
    """
    if zh and cjk_font() is not None:
        return f"{en} {zh}"
    return en


def use_cjk_font(ax) -> None:
    """Draw the Axes' text with the CJK font when there is one (no global state)."""
    name = cjk_font()
    if name is None:
        return
    for text in [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(), *ax.get_yticklabels()]:
        text.set_fontfamily(name)


def new_axes(ax):
    """``ax``, or the Axes of a new pyplot figure when it is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def require_columns(func: str, data, columns, *, what: str | None = None, param: str = "data") -> None:
    """A clear error when ``data`` is not a DataFrame holding ``columns``."""
    import pandas as pd

    note = f" ({what})" if what else ""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{func}(): `{param}` must be a pandas DataFrame{note}, got {type(data).__name__}.")
    missing = [c for c in columns if c is not None and c not in data.columns]
    if missing:
        raise ValueError(
            f"{func}(): `{param}` lacks the column(s) {missing}{note}; it has "
            f"{list(map(str, data.columns))}. Pass the column names as options or rename "
            "the columns first."
        )


def no_data(ax, text: str = "no data in this window", *, title: str | None = None):
    """Say so on the chart instead of failing on an empty frame."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set(xticks=[], yticks=[])
    if title is not None:
        ax.set(title=title)
    return ax
