from contextlib import nullcontext
from itertools import groupby

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tuoyu.core import registry
from tuoyu.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from tuoyu.standards.services import reevaluation_deferred


class Command(BaseCommand):
    help = (
        "迁移数据库、载入区划、创建演示数据与演示账号（可重复运行）。Migrate, load regions, create demo data."
    )

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed: the same seed, the same data"
        )

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        self.stdout.write("migrating the database …")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_regions", stdout=self.stdout._out)
        # In order; consecutive deferred steps share one deferral (each institution evaluated once, at its end).
        for deferred, steps in groupby(registry.demo_steps(), key=lambda step: step.deferred):
            with reevaluation_deferred() if deferred else nullcontext():
                for step in steps:
                    for line in step.run(seed=options["seed"], password=DEMO_PASSWORD, out=self.stdout._out):
                        self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(f"演示账号 / demo accounts (password / 密码: {DEMO_PASSWORD})")
        for acct in DEMO_ACCOUNTS:
            self.stdout.write(f"  {acct.username:<14} {acct.note}")
        self.stdout.write(
            f"  {'inst-demo':<14} 荷塘区已备案机构的管理员 / admin of a filed institution in Hetang"
        )
        self.stdout.write(
            f"  {'inst-staff':<14} 该机构的保育人员（只看本班） / a caregiver there (sees their class only)"
        )
