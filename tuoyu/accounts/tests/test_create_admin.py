import io

import pytest
from django.core.management import CommandError, call_command

from tuoyu.accounts.models import User
from tuoyu.audit.models import Event

pytestmark = pytest.mark.django_db


def test_create_admin_opens_an_audited_system_admin_account(monkeypatch):
    monkeypatch.setenv("TUOYU_ADMIN_PASSWORD", "First-Admin-2026!")
    call_command("create_admin", "--username", "ops", "--phone", "13912345678", stdout=io.StringIO())
    user = User.objects.get(username="ops")
    assert user.roles() == {"system_admin"} and user.check_password("First-Admin-2026!")
    assert Event.objects.filter(action="user.create", object_id=str(user.pk)).exists()


def test_create_admin_refuses_a_weak_password_and_creates_nothing(monkeypatch):
    monkeypatch.setenv("TUOYU_ADMIN_PASSWORD", "weak")
    with pytest.raises(CommandError, match="12"):
        call_command("create_admin", "--username", "ops", stdout=io.StringIO())
    assert not User.objects.filter(username="ops").exists()
