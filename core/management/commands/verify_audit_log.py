import json

from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify, checkpoint_verify
from core.models import AuditChainHead, AuditEvent


class Command(BaseCommand):
    help = (
        "Verify every audit hash chain (and, with --checkpoint, that they still extend a signed "
        "checkpoint); exit non-zero naming the chain and the first broken event."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="A file written by `audit_checkpoint` (one JSON line per chain).",
        )

    def handle(self, *args, checkpoint=None, **options):
        broken = audit_verify()
        if not broken and checkpoint:
            broken = checkpoint_verify(self._read(checkpoint))
        if broken:
            raise CommandError(str(broken))
        chains, events = AuditChainHead.objects.count(), AuditEvent.objects.count()
        anchored = "，且延续检查点" if checkpoint else ""
        self.stdout.write(
            self.style.SUCCESS(f"审计链完整{anchored}：{chains} 条链，共 {events} 个事件")
        )

    def _read(self, path):
        try:
            with open(path, encoding="utf-8") as lines:
                return [json.loads(line) for line in lines if line.strip()]
        except (OSError, ValueError) as error:
            raise CommandError(f"无法读取检查点文件 {path}：{error}") from error
