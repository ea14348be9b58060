"""Everything that changes a review, by topic: rounds (and opening a review), opinions,
the expert panel, the committee meeting and votes, and the decision."""

from .decision import review_decide
from .evaluation import evaluation_complete, evaluation_start
from .meeting import agenda_add, attendance_set, item_close, meeting_create, vote_cast
from .opinions import opinion_sign
from .panel import eligible_experts, panel_close, panel_draw, panel_replace, score_submit
from .rounds import review_accept, review_open, round_create

__all__ = [
    "agenda_add",
    "attendance_set",
    "eligible_experts",
    "evaluation_complete",
    "evaluation_start",
    "item_close",
    "meeting_create",
    "opinion_sign",
    "panel_close",
    "panel_draw",
    "panel_replace",
    "review_accept",
    "review_decide",
    "review_open",
    "round_create",
    "score_submit",
    "vote_cast",
]
