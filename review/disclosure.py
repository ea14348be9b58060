"""Review events on the project timeline, as the reader may see them (SPEC §4): registered
into ``projects.selectors.project_timeline`` from ``ReviewConfig.ready()``."""

from projects.selectors import timeline_redactor

from .permissions import can_see_reviewer_identities

# action -> the actor's name shown instead (None keeps the actor: the office acted); the
# comment and data of these events are hidden too (vote conditions, replacement reasons).
CONFIDENTIAL_ACTIONS = {
    "panel_draw": None,
    "panel_replace": None,
    "score": "评审专家",
    "vote": "联审委员",
    "vote_change": "联审委员",
}


@timeline_redactor
def hide_reviewers(user, project, events):
    if can_see_reviewer_identities(user, project):
        return events
    for event in events:
        if event.action in CONFIDENTIAL_ACTIONS:
            event.actor_name = CONFIDENTIAL_ACTIONS[event.action] or event.actor_name
            event.comment, event.data = "", {}
    return events
