from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.models import User
from core.permissions import WorkflowError
from kpi.services import ImportRejected, returns_import
from kpi.spreadsheets import HEADERS, annotate


class Command(BaseCommand):
    help = "Import and file a department's monthly returns from its template; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username of the department officer")
        parser.add_argument("--file", required=True, help="the filled .xlsx template")

    def handle(self, *args, user, file, **options):
        received_at = timezone.now()
        officer = (
            User.objects.filter(username=user, is_active=True)
            .select_related("organisation")
            .first()
        )
        if officer is None:
            raise CommandError(f"用户 {user} 不存在")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        try:
            done = returns_import(by=officer, upload=upload, received_at=received_at)
        except ImportRejected as rejected:
            marked = path.with_name(f"{path.stem}.错误标注.xlsx")
            marked.write_bytes(annotate(rejected.result))
            for row, column, message in rejected.result.errors[:50]:
                self.stderr.write(f"第 {row} 行 {HEADERS[column]}：{message}")
            raise CommandError(f"{rejected}。已标注错误的工作簿：{marked}") from None
        except WorkflowError as error:
            raise CommandError(f"导入失败，未导入任何月报：{error}") from None
        self.stdout.write(f"已导入并报送 {len(done)} 份月报")
