"""The page shell every page shares: a favicon at the site's root, the demo banner inside the header landmark,
and no table header left empty (a screen reader announces an empty column header as nothing)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "tuoyu" / "templates"


def test_the_favicon_is_served_at_the_root_as_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file with its image
    assert b"\x89PNG" in body


def test_the_demo_banner_sits_in_the_header_landmark(client, settings):
    settings.DEMO_BANNER = True
    page = client.get("/accounts/login/").content.decode()
    header = page.split("<header>", 1)[1].split("</header>", 1)[0]
    assert "演示环境：数据均为虚构。" in header and "<nav" in header
    assert page.index("</header>") < page.index('<main id="main"')


def test_no_template_leaves_a_table_header_empty():
    empty = re.compile(r"<th(\s[^>]*)?>\s*</th>")
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in empty.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, found


def test_no_declared_list_has_a_column_without_a_label():
    from django.utils.module_loading import autodiscover_modules

    from tuoyu.core.lists import DECLARED

    autodiscover_modules("lists")  # every app's declared lists
    assert "rooms" in DECLARED
    unlabelled = [
        f"{name}.{c.key}" for name, spec in DECLARED.items() for c in spec.columns if not str(c.label).strip()
    ]
    assert not unlabelled, unlabelled
