"""The fields of a drill's report template as evaluators name them, and the figures a report gave.

A report row of the observations file (:mod:`experiments.drill.observations`)
names the template fields it filled in (``fields``) and may record the
casualty figures it gave (``figures``, checked for 续报准 by
:mod:`experiments.drill.report_checks`); both are read by the names here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from networks.i18n import _

__all__ = ["FieldNames", "read_figures"]


class FieldNames:
    """The fields of a report template by key and by label (English or Chinese).

    ``None`` for a drill without a template: any field name is then taken as given.
    """

    def __init__(self, fields: Iterable[tuple[str, str, str]] | None) -> None:
        self.known = fields is not None
        self.keys: dict[str, str] = {}
        for key, label, label_zh in fields or ():
            for name in (key, label.lower(), label_zh):
                if name:
                    self.keys.setdefault(name, key)

    def key(self, name: str) -> str | None:
        """The field key ``name`` stands for, or None."""
        if not self.known:
            return name
        return self.keys.get(name) or self.keys.get(name.lower())


#: Names of the casualty figures a report gives, as the shipped templates label them (a
#: drill without a template takes any name: these still reach the figures it is checked on).
_FIGURE_NAMES = {
    "dead": "dead", "死亡人数": "dead", "死亡": "dead",
    "injured": "injured", "受伤人数": "injured", "受伤": "injured",
    "missing": "missing", "失踪（失联）人数": "missing", "失踪人数": "missing",
    "失联人数": "missing", "失踪": "missing", "unaccounted for": "missing",
}  # fmt: skip


def read_figures(
    cell: str, names: FieldNames, fail: Callable[[str], Exception]
) -> tuple[tuple[str, int], ...]:
    """The figures of a report row's ``figures`` cell: ``dead=8; injured=27`` -> pairs.

    Each is a field (key or label, as in ``fields``) and a whole number, joined
    by ``=`` or a colon (``死亡人数=8``, ``死亡人数：8``, a trailing 人 allowed),
    separated by ``;``, ``；``, ``,``, ``，`` or ``、``; full-width digits count.
    ``fail(message)`` builds the error naming the row and the column.
    """
    out: dict[str, int] = {}
    for part in re.split(r"[;；,，、]", cell):
        if not part.strip():
            continue
        # the name as written (a label may hold full-width brackets); the number in any digits
        m = re.fullmatch(r"\s*(.+?)\s*[=:：＝]\s*(\d+)\s*人?\s*", part)
        key = names.key(m.group(1)) if m else None
        if m is not None and key is not None:  # without a template: the shipped names
            key = _FIGURE_NAMES.get(key, _FIGURE_NAMES.get(key.lower(), key))
        elif m is not None:  # a casualty figure the drill gave, though its form has no field
            key = _FIGURE_NAMES.get(m.group(1), _FIGURE_NAMES.get(m.group(1).lower()))
        if m is None or key is None:
            message = _("expected a report field and its number (dead=8; 死亡人数=8), not {text!r}")
            raise fail(message.format(text=part.strip()))
        out[key] = int(m.group(2))
    return tuple(out.items())
