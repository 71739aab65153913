"""Fonts that draw Chinese: every plot calls :func:`use_cjk_fonts` before it makes a figure.

matplotlib's own DejaVu Sans has no Chinese glyphs. yingji depends on
``pylopdf-fonts-zh-cn``, a data-only package on PyPI that ships the Noto Sans
SC font (SIL Open Font License; every GB 2312 and GBK character), so a plot
draws Chinese after ``pip install`` alone, with no system font and no
download. DejaVu Sans stays first in the family list, so Latin letters and
digits look as before; matplotlib falls back glyph by glyph to Noto Sans SC.
Without the package (an install that removed it), a CJK font already on the
system is used, with a one-line notice naming what to install.
"""

from __future__ import annotations

import logging
from functools import cache

logger = logging.getLogger(__name__)

#: Families tried, in order, when the bundled font is missing.
SYSTEM_CJK = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei")


@cache
def cjk_family() -> str | None:
    """Register the bundled Chinese font with matplotlib; its family name, or None."""
    from matplotlib import font_manager

    try:
        from pylopdf_fonts_zh_cn import sans_path
    except ImportError:
        names = {f.name for f in font_manager.fontManager.ttflist}
        found = next((n for n in SYSTEM_CJK if n in names), None)
        if found is None:
            from networks.i18n import _

            logger.warning(
                _(
                    "no Chinese font: plots show boxes for Chinese text; "
                    "pip install pylopdf-fonts-zh-cn (or a Noto Sans CJK system font)"
                )
            )
        return found
    path = str(sans_path())
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def use_cjk_fonts() -> None:
    """Make matplotlib fall back to the Chinese font for glyphs DejaVu Sans lacks."""
    import matplotlib as mpl

    family = cjk_family()
    if family is None:
        return
    current = list(mpl.rcParams["font.family"])
    if family not in current:
        base = [f for f in current if f != "sans-serif"]
        mpl.rcParams["font.family"] = [*base, "DejaVu Sans", family]
    # Text in SVG as paths: a viewer without the font still shows it.
    mpl.rcParams["svg.fonttype"] = "path"
