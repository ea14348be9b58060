import json

from django.core.management.base import BaseCommand

from core.audit import audit_checkpoint


class Command(BaseCommand):
    help = (
        "Print the signed head of every audit chain, one JSON line per chain, for the operator "
        "to file outside the database; `verify_audit_log --checkpoint FILE` checks against it."
    )

    def handle(self, *args, **options):
        for entry in audit_checkpoint():
            self.stdout.write(json.dumps(entry, ensure_ascii=False, sort_keys=True))
