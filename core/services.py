from django.db import transaction
from django.utils import timezone

from .models import Notification


def notify(*, users, text: str, url: str = "") -> None:
    """Queue an in-app notification for each user once the transaction commits."""
    recipients = [u for u in users if u is not None]

    def send():
        Notification.objects.bulk_create(
            Notification(recipient=u, text=text[:200], url=url) for u in recipients
        )

    transaction.on_commit(send)


def notifications_mark_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
