"""Rebuild R7's term index for projects written without the services (bulk datasets, rows
saved before the index existed); ``--results`` also rescores and stores each project's result."""

from django.core.management.base import BaseCommand

from projects.models import Project
from review import similarity


class Command(BaseCommand):
    help = "重建R7查重索引（批量导入的数据用）；--results 同时重新计算并保存查重结果"

    def add_arguments(self, parser):
        parser.add_argument("--results", action="store_true")

    def handle(self, *args, results=False, **options):
        similarity.reindex_all(log=self.stdout.write)
        if results:
            for project in Project.objects.iterator(chunk_size=500):
                similarity.refresh_project(project, force=True)
