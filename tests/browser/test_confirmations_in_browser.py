"""Irreversible actions ask first and say what will happen: deleting a room, closing a class, lifting a ban.
Cancel leaves everything as it was; OK does it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.bans.models import Ban
from tuoyu.bans.services import ban_create
from tuoyu.institutions import services as premises
from tuoyu.institutions.models import Room
from tuoyu.testing.bans import ban_data
from tuoyu.testing.browser import answer_dialogs, page_log, regulator, sign_in
from tuoyu.testing.fixtures import hetang_centre, make_user

pytestmark = pytest.mark.browser


def test_deleting_a_room_and_closing_a_class_ask_first_on_a_phone(phone_page, site):
    institution = hetang_centre()
    ann = make_user("ann", Role.INSTITUTION_ADMIN, institution=institution)
    spare = premises.room_create(
        by=ann, institution=institution, name="储藏室", floor=1, floor_area_m2=6, use="other"
    )
    care_class = premises.class_create(
        by=ann, institution=institution, name="托小一班", class_type="toddler", planned_size=15
    )
    page = phone_page
    sign_in(page, site, ann)
    page.goto(f"{site}/institutions/rooms/")
    row = page.locator("tr", has_text="储藏室")

    answer_dialogs(page, accept=False)
    row.get_by_role("button", name="删除").click()
    expect(row).to_be_visible()
    assert page_log(page).dialogs == ["删除后，“储藏室”的记录不能恢复。确定删除？"]
    assert Room.objects.filter(pk=spare.pk).exists()

    answer_dialogs(page, accept=True)
    with page.expect_navigation():
        row.get_by_role("button", name="删除").click()
    expect(page.locator("main")).not_to_contain_text("储藏室")
    assert not Room.objects.filter(pk=spare.pk).exists()

    page.goto(f"{site}/institutions/classes/{care_class.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="撤销班级").click()
    assert page_log(page).dialogs[-1] == "撤销后，“托小一班”不再接收幼儿，也不能恢复。确定撤销？"
    care_class.refresh_from_db()
    assert care_class.closed_on == timezone.localdate()


def test_lifting_a_ban_asks_first(page, site):
    zhou = regulator("zhou", Role.CITY_ADMIN, "430200")
    ban = ban_create(by=zhou, data=ban_data())
    sign_in(page, site, zhou)
    page.goto(f"{site}/bans/{ban.pk}/")
    page.get_by_label("解除原因").fill("复议撤销原决定")
    answer_dialogs(page, accept=False)
    page.get_by_role("button", name="解除", exact=True).click()
    assert "确定解除？" in page_log(page).dialogs[-1]
    assert Ban.objects.get(pk=ban.pk).lifted_at is None
    answer_dialogs(page, accept=True)
    with page.expect_navigation():
        page.get_by_role("button", name="解除", exact=True).click()
    assert Ban.objects.get(pk=ban.pk).lifted_at is not None
