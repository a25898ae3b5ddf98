from django.core.management import call_command
from django.core.management.base import BaseCommand

from tuoyu.core.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_create
from tuoyu.core.demo.children import demo_children_create
from tuoyu.core.demo.filings import demo_filings_create
from tuoyu.core.demo.institutions import demo_filed_institution, demo_institutions_create
from tuoyu.core.demo.staff import demo_staff_account_and_ban, demo_staff_create
from tuoyu.core.progress import Progress
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
        created, kept = demo_accounts_create(seed=options["seed"])
        self.stdout.write(f"demo accounts: {created} created, {kept} already there")
        made = demo_institutions_create(seed=options["seed"], progress=Progress("demo", self.stdout._out))
        self.stdout.write(f"demo institutions: {made} registered")
        number = demo_filed_institution(password=DEMO_PASSWORD)
        if number:
            self.stdout.write(f"demo filing: inst-demo's institution filed as {number}")
        moved = demo_filings_create(seed=options["seed"], progress=Progress("demo", self.stdout._out))
        self.stdout.write(f"demo filings: {moved} institutions moved through the filing workflow")
        # Thousands of small committed transactions: each changed institution is evaluated once, at the end.
        with reevaluation_deferred():
            hired = demo_staff_create(seed=options["seed"], progress=Progress("demo", self.stdout._out))
            self.stdout.write(f"demo staff: {hired} hired")
            children = demo_children_create(seed=options["seed"], progress=Progress("demo", self.stdout._out))
            self.stdout.write(f"demo rooms, classes and children: {children} children registered")
            for line in demo_staff_account_and_ban(password=DEMO_PASSWORD):
                self.stdout.write(f"demo: {line}")
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
