"""Errors raised by the location models."""

from __future__ import annotations

from networks.errors import YingjiError


class SitingError(YingjiError):
    """A location model was given inputs it cannot work with."""


class InfeasibleError(SitingError):
    """No choice of sites satisfies the model's constraints.

    The message names what cannot be satisfied (which demand points, which
    constraint) so that the user can relax the standard or add candidates.
    """
