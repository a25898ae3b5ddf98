from django.core.management.base import BaseCommand

from tuoyu.core.progress import Progress
from tuoyu.regions.services import regions_load


class Command(BaseCommand):
    help = "载入随项目发布的行政区划与2020年人口（可重复运行，不产生重复）。Load shipped regions and 2020 populations."

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        summary = regions_load(progress=Progress("load-regions", self.stdout._out))
        self.stdout.write(
            f"regions: {summary.regions_created} created, {summary.regions_updated} updated; "
            f"populations: {summary.populations_created} created, {summary.populations_updated} updated"
        )
