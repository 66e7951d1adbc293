"""The errors that stop a run: each carries a message in plain words for the person running it."""

from __future__ import annotations


class PipelineError(RuntimeError):
    """A failure that stops the run before publication; the previous publication stays in place."""


class TransientError(PipelineError):
    """A failure that may pass if the stage is tried again a little later (the warehouse locked by a reader)."""
