"""Shared vocabulary for permission predicates and guard failures."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self):
        return self.allowed


ALLOW = Decision(True)


def deny(reason: str) -> Decision:
    return Decision(False, reason)


class WorkflowError(Exception):
    """A business rule refused an action; the message is shown to the user as is."""


def require(decision: Decision) -> None:
    if not decision:
        raise WorkflowError(decision.reason)
