from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify
from core.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit event hash chain; exit non-zero naming the first broken event."

    def handle(self, *args, **options):
        broken = audit_verify()
        if broken:
            raise CommandError(f"审计链在事件 #{broken.seq} 处断裂：{broken.reason}")
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"审计链完整：共 {count} 个事件"))
