"""The one exception hierarchy of yingji.

It lives in the lowest layer so that every package can raise and catch it
without importing upwards. The CLI turns any :class:`YingjiError` into one
line on stderr and exit status 2.
"""

from __future__ import annotations


class YingjiError(Exception):
    """Base class of every error caused by a user's input."""


class ConfigError(YingjiError):
    """A configuration file or value is wrong.

    Parameters
    ----------
    message
        What was expected.
    source
        The file (or other origin) the value came from.
    key
        The dotted key path inside that file.
    """

    def __init__(self, message: str, *, source: str | None = None, key: str | None = None):
        self.source = source
        self.key = key
        where = ": ".join(p for p in (source, key) if p)
        super().__init__(f"{where}: {message}" if where else message)


class NetworkError(YingjiError):
    """A road network cannot be loaded or does not answer the question asked."""
