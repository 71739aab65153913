"""GB/T 46792 evaluation: the evaluation plan and the observation record sheets as documents.

Both are written as Markdown and as printable HTML from one description (``_Doc``), in the
language in use. This module gathers them under one name:

* :mod:`experiments.drill.gbt_plan`: the evaluation plan (:func:`gbt_markdown`,
  :func:`gbt_html`);
* :mod:`experiments.drill.gbt_sheets`: the observation record sheets
  (:func:`observation_markdown`, :func:`observation_html`);
* :mod:`experiments.drill.gbt_cells`: the table cells both share (``_rule_text``, ...);
* :mod:`experiments.drill.packet_doc`: the document builder ``_Doc``.
"""

from __future__ import annotations

from experiments.drill.gbt_cells import _rule_text
from experiments.drill.gbt_plan import gbt_html, gbt_markdown
from experiments.drill.gbt_sheets import observation_html, observation_markdown
from experiments.drill.packet_doc import _Doc

__all__ = [
    "_Doc",
    "_rule_text",
    "gbt_html",
    "gbt_markdown",
    "observation_html",
    "observation_markdown",
]
