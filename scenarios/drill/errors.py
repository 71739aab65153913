"""The error of a sealed drill that cannot be opened or does not match its commitment."""

from __future__ import annotations

from networks.errors import YingjiError


class SealError(YingjiError):
    """A sealed drill, a revealed script or a contribution fails its check.

    Raised for a wrong key or passphrase, a changed byte in the sealed file or
    in the revealed script, a contribution that does not match its published
    commitment, or an attempt to overwrite a drill already on disk. The CLI
    prints the message on one line and exits with status 2.
    """
