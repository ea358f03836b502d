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
