from django.core.management import call_command
from django.core.management.base import BaseCommand

from acceptance import demo as acceptance_demo
from budget import operations_demo
from core.models import Organisation
from kpi import demo as kpi_demo
from projects import demo as projects_demo
from review import demo as review_demo
from review import systems_demo
from workspace import demo

FIXTURES = ["roles", "organisations", "common_platforms"]


class Command(BaseCommand):
    help = (
        "Build the demo jurisdictions (湘潭市, 海州区) through the services, on an annual "
        "calendar. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Wipe the whole database first and rebuild from scratch.",
        )

    def handle(self, *args, reset=False, **options):
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", *FIXTURES, verbosity=0)
        created = demo.seed()  # each dated step commits on its own (notifications on commit)
        accepted = acceptance_demo.seed()
        later = operations_demo.seed()
        returns = kpi_demo.seed()
        systems_demo.seed()  # entered today, after every dated step
        self.stdout.write(
            self.style.SUCCESS(f"演示数据就绪：新建 {created} 个项目（湘潭市、海州区）")
        )
        self.stdout.write(self.style.SUCCESS(f"验收演示：{accepted} 个项目申请验收、整改或通过"))
        if later:
            self.stdout.write(
                self.style.SUCCESS(
                    "后评价与运维演示：后评价 {evaluated} 个，运维经费安排 {granted} 个、"
                    "不予安排 {denied} 个，暂停 {suspended} 个，终止 {terminated} 个".format(
                        **later
                    )
                )
            )
        self.stdout.write(self.style.SUCCESS(f"月调度演示：近 12 个月报送 {returns} 份月报"))
        self.stdout.write(f"演示账号（密码均为 {projects_demo.DEMO_PASSWORD}）：")
        orgs = dict(Organisation.objects.values_list("code", "short_name"))
        names = {code: label for code, label in _role_names()}
        for username, full_name, org, roles in projects_demo.USERS:
            labels = "、".join(names[r] for r in roles)
            self.stdout.write(f"  {username:<14} {full_name}  {orgs[org]}  {labels}")
        for username, full_name, org, labels in review_demo.accounts():
            self.stdout.write(f"  {username:<14} {full_name}  {orgs[org]}  {'、'.join(labels)}")
        self.stdout.write("  admin          系统管理员（/admin/）")


def _role_names():
    from core.models import Role

    return Role.objects.values_list("code", "name")
