"""The permission matrix: every URL and API operation × every role × an object inside and outside its reach.

Every URL pattern of ``tuoyu.urls`` and every operation of the API must have a row: each app declares its own
in ``<app>/tests/matrix.py`` (``ROWS``), found by the engine, tuoyu/testing/matrix.py, for every installed
app. A new URL fails ``test_every_url_and_api_operation_is_classified`` until someone decides who may open it
and writes the row in the matrix.py of the app that declares it; the row's check then proves the decision for
the whole cast (see tuoyu/testing/fixtures.py). A row in another app's matrix.py is refused when this module
is collected.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from tuoyu.accounts.models import ApiToken, Membership, User
from tuoyu.accounts.services import api_token_create
from tuoyu.audit.models import Event
from tuoyu.core import scoping
from tuoyu.institutions.models import Institution
from tuoyu.notifications.models import Notification
from tuoyu.regions.models import Region, RegionPopulation
from tuoyu.testing import matrix
from tuoyu.testing.fixtures import Cast

MATRIX = matrix.collect()


def test_every_url_and_api_operation_is_classified() -> None:
    matrix.assert_complete(matrix.endpoints(), MATRIX, matrix.owners())


def test_the_matrix_names_no_url_that_does_not_exist() -> None:
    matrix.assert_no_stale_rows(matrix.endpoints(), MATRIX)


@pytest.mark.django_db
def test_the_matrix_checks_every_member_of_the_cast(cast: Cast) -> None:
    assert set(matrix.SIGNED_IN) == set(cast.all())


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", sorted(MATRIX), ids=lambda e: e or "home")
def test_every_role_gets_exactly_what_its_row_allows(cast: Cast, login: Any, endpoint: str) -> None:
    matrix.run_row(MATRIX[endpoint], cast, login)


# --- core.scoping fails closed ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_model_without_a_rule_is_empty_for_everyone(cast: Cast) -> None:
    assert RegionPopulation.objects.exists()
    assert RegionPopulation not in scoping.registered_models()
    for user in cast.all().values():
        assert scoping.scope_filter(user, "view", RegionPopulation) is None
        assert not scoping.scoped(user, "view", RegionPopulation).exists()
    with pytest.raises(Http404):
        scoping.get_scoped_or_404(cast.sam, "view", RegionPopulation, region_id="430200")


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Region, Institution, Event, ApiToken, User, Membership, Notification])
def test_anonymous_and_no_user_see_nothing(cast: Cast, model: type) -> None:
    for nobody in (AnonymousUser(), None):
        for action in sorted(scoping.ACTIONS):
            assert not scoping.scoped(nobody, action, model).exists()


@pytest.mark.django_db
def test_an_inactive_user_sees_nothing_even_as_system_admin(cast: Cast) -> None:
    assert scoping.scoped(cast.sam, "view", Region).exists()
    cast.sam.is_active = False
    for model in scoping.registered_models():
        assert not scoping.scoped(cast.sam, "view", model).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["delete", "VIEW", "", "view ", "admin", "*"])
def test_an_unknown_action_sees_nothing(cast: Cast, action: str) -> None:
    for user in (cast.sam, cast.zhou, cast.audrey):
        for model in scoping.registered_models():
            assert not scoping.scoped(user, action, model).exists()


@pytest.mark.django_db
def test_a_revoked_membership_no_longer_grants_its_jurisdiction(cast: Cast) -> None:
    Membership.objects.filter(user=cast.alice).update(is_active=False)
    alice = User.objects.get(pk=cast.alice.pk)  # a fresh request would load her anew
    assert not scoping.scoped(alice, "view", Region).exists()
    with pytest.raises(Http404):
        scoping.get_scoped_or_404(alice, "view", Region, code="430202")


@pytest.mark.django_db
def test_a_lookup_with_a_nul_byte_is_not_found_on_every_database(cast: Cast) -> None:
    with pytest.raises(Http404):
        scoping.get_scoped_or_404(cast.sam, "view", Region, code="4302\x00")
    assert Region.objects.filter(code="430200").exists()  # the transaction is still usable


@pytest.mark.django_db
def test_regions_cannot_be_changed_through_scoping_even_by_the_system_admin(cast: Cast) -> None:
    for action in ("change", "reveal", "export"):
        assert not scoping.scoped(cast.sam, action, Region).exists()


@pytest.mark.django_db
def test_the_system_admin_cannot_read_the_audit_trail_and_the_auditor_cannot_change_it(cast: Cast) -> None:
    assert not scoping.scoped(cast.sam, "view", Event).exists()
    assert scoping.scoped(cast.audrey, "view", Event).exists()
    assert not scoping.scoped(cast.audrey, "change", Event).exists()


@pytest.mark.django_db
def test_an_unprivileged_user_sees_only_their_own_rows(cast: Cast) -> None:
    api_token_create(user=cast.alice, name="a")
    api_token_create(user=cast.pat, name="p")
    assert list(scoping.scoped(cast.pat, "view", User)) == [cast.pat]
    assert [t.user for t in scoping.scoped(cast.pat, "view", ApiToken)] == [cast.pat]
    assert {m.user for m in scoping.scoped(cast.pat, "view", Membership)} == {cast.pat}
    for model in (Region, Institution, Event):
        assert not scoping.scoped(cast.pat, "view", model).exists()
    assert not scoping.scoped(cast.pat, "change", User).exists()


@pytest.mark.django_db
def test_institution_rules_follow_jurisdiction_and_membership(cast: Cast) -> None:
    def seen(user: User, action: str = "view") -> set[str]:
        return set(scoping.scoped(user, action, Institution).values_list("name", flat=True))

    a, b, hebi = cast.inst_a.name, cast.inst_b.name, cast.inst_hebi.name
    assert seen(cast.zhou) == {a, b}
    assert seen(cast.alice) == {a}
    assert seen(cast.bob) == {b}
    assert seen(cast.carol) == {hebi}
    assert seen(cast.clerk) == {a, b}
    assert seen(cast.clerk, "change") == set()  # the registration clerk reads, never edits
    assert seen(cast.ann) == {a} and seen(cast.stacy) == {a} and seen(cast.ben) == {b}
    assert seen(cast.stacy, "change") == set()
    for user in (cast.audrey, cast.sam, cast.pat):
        assert seen(user) == set()
