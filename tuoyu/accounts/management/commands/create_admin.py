"""Open the first system-admin account (or another one) from the command line, audited like the UI."""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tuoyu.accounts.models import Role, User
from tuoyu.accounts.services import membership_grant, user_create


class Command(BaseCommand):
    help = "创建系统管理员账号（密码交互输入，或取自 TUOYU_ADMIN_PASSWORD）。Create a system-admin account."

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--username", required=True)
        parser.add_argument("--real-name", default="")
        parser.add_argument("--phone", default="")

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        if User.objects.filter(username__iexact=options["username"]).exists():
            raise CommandError(f"user {options['username']!r} already exists")
        password = os.environ.get("TUOYU_ADMIN_PASSWORD") or ""
        if not password:
            password = getpass.getpass("密码 / password: ")
            if password != getpass.getpass("再次输入 / again: "):
                raise CommandError("passwords differ")
        try:
            with transaction.atomic():
                user = user_create(
                    username=options["username"],
                    password=password,
                    real_name=options["real_name"],
                    phone=options["phone"],
                )
                membership_grant(user=user, role=Role.SYSTEM_ADMIN)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"system admin {user.username} created; they enrol two-factor authentication at first login"
        )
