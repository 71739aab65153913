"""Saving figures: the one place that writes images, atomically."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from networks.errors import ConfigError
from networks.files import atomic_path
from networks.i18n import _

_FORMATS = {".png", ".svg", ".pdf", ".jpg", ".jpeg"}


def check_image_suffix(path: str | os.PathLike[str], *, option: str | None = None) -> Path:
    """Refuse an image file name whose suffix names no format matplotlib writes."""
    p = Path(path)
    if p.suffix.lower() not in _FORMATS:
        raise ConfigError(
            _("unknown image type {suffix!r} (use .png, .svg or .pdf)").format(suffix=p.suffix),
            source=str(p),
            key=option,
        )
    return p


def save_figure(fig: Any, path: str | os.PathLike[str], *, dpi: int = 120) -> Path:
    """Write a matplotlib figure to ``path`` (temp name, then rename) and close it.

    Parameters
    ----------
    fig
        The figure.
    path
        Target file; its suffix picks the format.
    dpi
        Resolution of raster formats.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    import matplotlib.pyplot as plt

    p = check_image_suffix(path)
    try:
        with atomic_path(p) as tmp:
            fig.savefig(tmp, dpi=dpi, bbox_inches="tight")
    finally:
        plt.close(fig)
    return p
