"""The meeting's date order (issue 9: a calendar that can happen): a joint-review meeting
takes votes, closes items and leads to decisions only from the day it is held."""

from django.utils import timezone


def meeting_date_refusal(meeting, what: str) -> str | None:
    """None from the meeting's day on; before it, the refusal for doing ``what``."""
    today = timezone.localdate()
    if today < meeting.held_on:
        return (
            f"日期顺序：联审会议“{meeting.title}”定于{meeting.held_on:%Y-%m-%d}召开，"
            f"会议当日起方可{what}（今天是{today:%Y-%m-%d}）"
        )
    return None
