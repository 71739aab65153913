"""The one place that picks yingji's language and translates what a person reads.

yingji speaks Chinese (``zh``, the default on a Chinese locale) and English
(``en``). Human-readable text goes through standard gettext catalogues:
``networks/locale/zh_CN/LC_MESSAGES/yingji.po`` (the translators' file, kept
in step with the code by ``pybabel extract``/``update``) and its compiled
``.mo``. Machine-readable keys, column names and option names never change
with the language.

How the language is chosen, first match wins:

1. ``yingji --lang zh|en`` (or :func:`set_language` in Python);
2. the ``YINGJI_LANG`` environment variable;
3. a ``language = "zh"`` key of the run, experiment, siting or drill config
   being read (:func:`adopt`);
4. the locale: ``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` starting with ``zh``;
   on Windows, which usually sets none of them, the display language of the
   user's Windows (:func:`windows_locale`);
5. English.

Code marks text with :func:`_` (translated now) or :func:`N_` (a constant,
translated where it is shown); :func:`pgettext` tells apart two meanings of one
English word. Catalogue data (hazards, scenarios, places)
carries both languages in its own files as ``name`` and ``name_zh``;
:func:`pick` chooses between them.
"""

from __future__ import annotations

import contextlib
import errno
import gettext
import locale
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

#: gettext domain of yingji's messages.
DOMAIN = "yingji"
#: Folder of the compiled catalogues.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: The languages yingji speaks.
LANGUAGES = ("zh", "en")
#: gettext locale of each language.
_LOCALES = {"zh": "zh_CN", "en": "en"}
#: BCP 47 tag of each language (HTML ``lang``, CAP ``<language>``).
TAGS = {"zh": "zh-CN", "en": "en-US"}


class _State:
    language: str | None = None  # None: not chosen yet, read from the environment
    explicit: bool = False  # chosen by --lang, YINGJI_LANG or set_language
    translations: gettext.NullTranslations | None = None


_state = _State()


def normalise(value: str) -> str | None:
    """Language code of a locale or tag: ``"zh_CN.UTF-8"`` -> ``"zh"``; None if unknown."""
    v = value.strip().lower().replace("-", "_")
    for lang in LANGUAGES:
        if v == lang or v.startswith(lang + "_") or v.startswith(lang + "."):
            return lang
    return None


def windows_locale() -> str | None:
    """The locale of the Windows user's display language (``"zh_CN"``); None elsewhere.

    Chinese Windows sets no ``LANG``: its language is the user's UI language
    (``GetUserDefaultUILanguage``), else the locale Python reads from Windows
    (:func:`locale.getlocale`, such as ``"Chinese (Simplified)_China"``).
    """
    if os.name != "nt":
        return None
    try:
        import ctypes

        langid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
        # The stdlib's table of Windows language ids: 0x0804 -> "zh_CN".
        name = locale.windows_locale.get(int(langid))
        if name:
            return name
    except (AttributeError, OSError, TypeError, ValueError):
        pass
    try:
        found = locale.getlocale()[0]
    except ValueError:  # a locale name Python cannot parse
        return None
    if found and found.lower().startswith("chinese"):
        return "zh_CN"  # Windows spells it out, where gettext and normalise() want zh_CN
    return found


def from_environment(environ: Mapping[str, str] | None = None) -> tuple[str, bool]:
    """The language the environment asks for, and whether it asked explicitly.

    ``YINGJI_LANG`` is explicit; a Chinese locale (``LC_ALL``, ``LC_MESSAGES``,
    ``LANG``, the first one set; on Windows with none of them set, the user's
    display language) gives ``zh``, any other ``en``.

    Parameters
    ----------
    environ
        Variables to read instead of ``os.environ``; then they are all there is
        (Windows is not asked).

    Returns
    -------
    tuple of (str, bool)
        The language and whether ``YINGJI_LANG`` chose it.

    Raises
    ------
    ValueError
        If ``YINGJI_LANG`` names a language yingji does not speak.
    """
    env = os.environ if environ is None else environ
    chosen = env.get("YINGJI_LANG", "").strip()
    if chosen:
        lang = normalise(chosen)
        if lang is None:
            raise ValueError(f"YINGJI_LANG={chosen!r}: expected one of {', '.join(LANGUAGES)}")
        return lang, True
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return ("zh" if normalise(value) == "zh" else "en"), False
    system = windows_locale() if environ is None else None
    if system:
        return ("zh" if normalise(system) == "zh" else "en"), False
    return "en", False


def _load(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    # YINGJI_LOCALE_DIR: a translator's catalogue to try without reinstalling.
    where = os.environ.get("YINGJI_LOCALE_DIR") or LOCALE_DIR
    return gettext.translation(DOMAIN, where, languages=[_LOCALES[lang]], fallback=True)


def set_language(lang: str, *, explicit: bool = True) -> None:
    """Use ``lang`` (``"zh"`` or ``"en"``) for everything shown from now on.

    Parameters
    ----------
    lang
        The language.
    explicit
        Whether the user chose it (a config's ``language`` key does not override it then).
    """
    code = normalise(lang)
    if code is None:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    _state.language = code
    _state.explicit = explicit
    _state.translations = _load(code)


def get_language() -> str:
    """The language in use (read from the environment the first time)."""
    if _state.language is None:
        try:
            lang, explicit = from_environment()
        except ValueError:
            lang, explicit = "en", False
        set_language(lang, explicit=explicit)
    assert _state.language is not None
    return _state.language


def adopt(lang: str | None) -> None:
    """Follow a config's ``language`` key unless the user chose a language explicitly."""
    get_language()
    if lang is not None and not _state.explicit:
        set_language(lang, explicit=False)


def tag() -> str:
    """BCP 47 tag of the language in use (``zh-CN`` or ``en-US``)."""
    return TAGS[get_language()]


def _translations() -> gettext.NullTranslations:
    get_language()
    assert _state.translations is not None
    return _state.translations


def _(message: str) -> str:
    """``message`` in the language in use (gettext)."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, translated."""
    return _translations().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the language in use, as ``context`` means it (gettext ``msgctxt``).

    One English word can need two Chinese ones: ``pgettext("unit", "teams")`` is the
    measure word 支 where ``_("teams")`` is the noun 救援力量. ``pybabel extract``
    finds ``pgettext`` calls with its default keywords.
    """
    return _translations().pgettext(context, message)


def N_(message: str) -> str:
    """Mark a constant for translation without translating it now (see :func:`_`)."""
    return message


#: The operating system's reasons a file could not be read or written, as Linux words
#: them (the message ids), by error number (a name the platform lacks is left out).
_OS_REASONS = {
    getattr(errno, name): text
    for name, text in (
        ("EISDIR", N_("Is a directory")),
        ("ENOTDIR", N_("Not a directory")),
        ("EACCES", N_("Permission denied")),
        ("EPERM", N_("Operation not permitted")),
        ("ENOENT", N_("No such file or directory")),
        ("ENOSPC", N_("No space left on device")),
        ("EDQUOT", N_("Disk quota exceeded")),
        ("EROFS", N_("Read-only file system")),
        ("EEXIST", N_("File exists")),
        ("ENOTEMPTY", N_("Directory not empty")),
        ("ENAMETOOLONG", N_("File name too long")),
        ("ELOOP", N_("Too many levels of symbolic links")),
        ("EIO", N_("Input/output error")),
    )
    if hasattr(errno, name)
}


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in the language in use (its own words otherwise)."""
    known = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
    if known is not None and get_language() == "zh":
        return _(known)
    return exc.strerror or str(exc)


def pick(data: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """``data[key + "_zh"]`` in Chinese where present, else ``data[key]`` (or ``default``)."""
    if get_language() == "zh":
        value = data.get(f"{key}_zh")
        if value not in (None, ""):
            return value
    return data.get(key, default)


def both(en: str, zh: str | None) -> str:
    """The text of a pair in the language in use (English where no Chinese is given)."""
    return zh if get_language() == "zh" and zh else en


@contextlib.contextmanager
def language(lang: str, *, explicit: bool = True) -> Iterator[None]:
    """Use ``lang`` inside a ``with`` block, then go back to the previous language."""
    before = (_state.language, _state.explicit, _state.translations)
    set_language(lang, explicit=explicit)
    try:
        yield
    finally:
        _state.language, _state.explicit, _state.translations = before


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    import unicodedata

    # Ⅰ-Ⅻ (grades Ⅰ级-Ⅳ级) are of ambiguous width: two columns in a Chinese terminal.
    return sum(
        2 if unicodedata.east_asian_width(c) in "WF" or "\u2160" <= c <= "\u216f" else 1
        for c in text
    )


def pad(text: str, columns: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (``<`` left, ``>`` right)."""
    fill = " " * max(0, columns - width(text))
    return text + fill if align == "<" else fill + text
