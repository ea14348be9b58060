"""Rebuild R7's term index for projects written without the services (bulk datasets, rows
saved before the index existed); ``--results`` also rescores and stores each project's result."""

from django.core.management.base import BaseCommand
from django.db import transaction

from projects.models import Project
from review import similarity
from review.models import SimilarityTerm

CHUNK = 2000


class Command(BaseCommand):
    help = "重建R7查重索引（批量导入的数据用）；--results 同时重新计算并保存查重结果"

    def add_arguments(self, parser):
        parser.add_argument("--results", action="store_true")

    def handle(self, *args, results=False, **options):
        pks = list(Project.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), CHUNK):
            chunk = Project.objects.filter(pk__in=pks[start : start + CHUNK]).only(
                "pk", "name", "summary", "jurisdiction_id"
            )
            with transaction.atomic():
                SimilarityTerm.objects.filter(project_id__in=pks[start : start + CHUNK]).delete()
                SimilarityTerm.objects.bulk_create(
                    (row for p in chunk for row in similarity.term_rows(p)), batch_size=5000
                )
            self.stdout.write(f"已索引 {min(start + CHUNK, len(pks))}/{len(pks)} 个项目")
        similarity.recount_all()
        if results:
            for project in Project.objects.iterator(chunk_size=500):
                similarity.refresh_project(project, force=True)
