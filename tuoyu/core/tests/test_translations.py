"""The English translation (tuoyu/locale/en): complete, up to date with the code, and switchable.

The UI's msgids are Chinese (zh-hans is the default language); English is the translation. A string
marked for translation in a template or in Python that is missing from the catalogue fails here with
its text and file: run ``makemessages -l en`` (see README) and translate it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(settings.BASE_DIR) / "tuoyu"
PO_PATH = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"

# Python: the gettext functions xgettext is told about, and where their msgid is (p* take a context first).
PY_FUNCTIONS = {
    "_": 0,
    "gettext": 0,
    "gettext_lazy": 0,
    "gettext_noop": 0,
    "ngettext": 0,
    "ngettext_lazy": 0,
    "pgettext": 1,
    "pgettext_lazy": 1,
    "npgettext": 1,
    "npgettext_lazy": 1,
}

# Templates: the same tags Django's templatize() reads, best effort.
INLINE_RE = re.compile(r"""\{%\s*trans(?:late)?\s+("[^"]*"|'[^']*')[^%]*%\}""")
BLOCK_RE = re.compile(r"\{%\s*blocktrans(?:late)?\b([^%]*)%\}(.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.S)
PLURAL_RE = re.compile(r"\{%\s*plural\s*%\}")
BLOCK_VAR_RE = re.compile(r"\{\{\s*(\w+)\s*\}\}")
TAG_RE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
CONSTANT_RE = re.compile(r"""_\(("[^"]*"|'[^']*')\)""")
PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sdif]|%[sdif]")


def _catalogue() -> polib.POFile:
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run makemessages -l en and translate it"
    return polib.pofile(str(PO_PATH))


def _is_test_path(path: Path) -> bool:
    return "tests" in path.relative_to(ROOT).parts


def _lineno(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _blocktranslate_msgid(options: str, body: str) -> str:
    text = BLOCK_VAR_RE.sub(lambda m: f"%({m.group(1)})s", body.replace("%", "%%"))
    if re.search(r"\btrimmed\b", options):
        text = re.sub(r"\s*\n\s*", " ", text.strip())
    return text


def template_msgids() -> list[tuple[str, str]]:
    """(msgid, "file:line") for every string marked for translation in tuoyu's templates."""
    found = []
    templates = [
        p
        for p in sorted(ROOT.rglob("*"))
        if "templates" in p.relative_to(ROOT).parts and p.suffix in {".html", ".txt"} and not _is_test_path(p)
    ]
    for path in templates:
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT.parent)
        for m in INLINE_RE.finditer(text):
            found.append((m.group(1)[1:-1], f"{where}:{_lineno(text, m.start())}"))
        for m in BLOCK_RE.finditer(text):
            singular = PLURAL_RE.split(m.group(2))[0]
            found.append((_blocktranslate_msgid(m.group(1), singular), f"{where}:{_lineno(text, m.start())}"))
        for tag in TAG_RE.finditer(text):
            for m in CONSTANT_RE.finditer(tag.group(0)):
                found.append((m.group(1)[1:-1], f"{where}:{_lineno(text, tag.start())}"))
    return found


def python_msgids() -> list[tuple[str, str]]:
    """(msgid, "file:line") for every literal passed to a gettext function in tuoyu's Python (tests excluded)."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if _is_test_path(path):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else None
            )
            position = PY_FUNCTIONS.get(name)
            if position is None or len(node.args) <= position:
                continue
            arg = node.args[position]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                found.append((arg.value, f"{path.relative_to(ROOT.parent)}:{node.lineno}"))
    return found


def test_english_catalogue_declares_english_and_its_plural_rule() -> None:
    po = _catalogue()
    assert po.metadata["Language"] == "en"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert not po.metadata_is_fuzzy


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries() -> None:
    po = _catalogue()
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {PO_PATH.name}: {untranslated}"
    assert not fuzzy, f"fuzzy (unchecked guesses) in {PO_PATH.name}: {fuzzy}"
    assert len(po.translated_entries()) > 100


def test_english_translations_keep_every_placeholder_of_the_chinese() -> None:
    wrong = []
    for entry in _catalogue().translated_entries():
        wanted = sorted(PLACEHOLDER_RE.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        wrong += [(entry.msgid, t) for t in translations if sorted(PLACEHOLDER_RE.findall(t)) != wanted]
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


def test_extraction_finds_the_strings_of_templates_and_python() -> None:
    """Guards the scanner below: if it stopped finding strings, the completeness test would pass vacuously."""
    in_templates = {msgid for msgid, _ in template_msgids()}
    in_python = {msgid for msgid, _ in python_msgids()}
    assert {"托育服务监管平台", "登录", "%(name)s的下级区划", "您好，%(name)s"} <= in_templates
    assert {"行政区划", "首页", "身份证号应为18位，当前为%(n)d位。"} <= in_python


def test_gettext_functions_are_imported_under_names_makemessages_extracts() -> None:
    """``gettext_lazy as _lazy`` marks a string that makemessages never sees: it stays Chinese in English."""
    aliased = []
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    name = alias.asname or alias.name
                    if alias.name in PY_FUNCTIONS and name not in PY_FUNCTIONS:
                        aliased.append(
                            f"{path.relative_to(ROOT.parent)}:{node.lineno}: {alias.name} as {name}"
                        )
    assert not aliased, "import gettext functions as `_` or under their own name:\n" + "\n".join(aliased)


@pytest.mark.parametrize("source", ["templates", "python"])
def test_every_string_marked_for_translation_is_in_the_english_catalogue(source: str) -> None:
    translated = {e.msgid for e in _catalogue().translated_entries()}
    found = template_msgids() if source == "templates" else python_msgids()
    missing = sorted({f"{where}: {msgid!r}" for msgid, where in found if msgid not in translated})
    assert not missing, (
        "strings without an English translation — run makemessages -l en, translate them in "
        f"{PO_PATH.relative_to(ROOT.parent)}, then `tuoyu compile-translations`:\n" + "\n".join(missing)
    )


@pytest.fixture
def compiled_catalogue(tmp_path: Path, settings) -> Path:  # noqa: ANN001  (pytest-django's settings)
    """The checked-in .po compiled afresh (the .mo files are build products), used as the only LOCALE_PATHS."""
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    _catalogue().save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path]
    return tmp_path


def test_gettext_answers_in_english_when_english_is_active(compiled_catalogue: Path) -> None:
    with translation.override("en"):
        assert translation.gettext("行政区划") == "Regions"
        assert translation.gettext("托育服务监管平台") == "Childcare Regulation Platform"
        assert translation.ngettext("%(n)s 个未公布", "%(n)s 个未公布", 2) % {"n": 2} == "2 not published"
    with translation.override("zh-hans"):
        assert translation.gettext("行政区划") == "行政区划"


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client, compiled_catalogue: Path) -> None:  # noqa: ANN001
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录" in page
    assert "Sign in" not in page


@pytest.mark.django_db
def test_browser_language_alone_does_not_switch_to_english(client, compiled_catalogue: Path) -> None:  # noqa: ANN001
    """The platform speaks Chinese unless the user chooses English (tuoyu.core.middleware.LanguageMiddleware)."""
    page = client.get(reverse("accounts:login"), headers={"accept-language": "en"}).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "Sign in" not in page


@pytest.mark.django_db
def test_language_cookie_switches_the_login_page_to_english(client, compiled_catalogue: Path) -> None:  # noqa: ANN001
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page
    assert "Childcare Regulation Platform" in page
    assert "登录" not in page


@pytest.mark.django_db
def test_switching_language_with_the_language_button_sticks(client, compiled_catalogue: Path) -> None:  # noqa: ANN001
    login_url = reverse("accounts:login")
    response = client.post(reverse("set_language"), {"language": "en", "next": login_url})
    assert response.status_code == 302
    assert "Sign in" in client.get(login_url).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": login_url})
    page = client.get(login_url).content.decode()
    assert "登录" in page
    assert "Sign in" not in page


def test_djangos_stock_messages_read_as_plain_chinese(db):
    """Django's own zh_Hans says "确保该变量包含不超过 50 字符" and "包含 Institution 和 班级名称 的 班级 已经存在";
    tuoyu/locale/zh_Hans overrides those few messages."""
    from django import forms
    from django.utils import translation

    class NameForm(forms.Form):
        name = forms.CharField(max_length=5, min_length=2)

    with translation.override("zh-hans"):
        assert NameForm({"name": "荷塘区小星星托育中心"}).errors["name"] == ["不能超过5个字（现在是10个）。"]
        assert NameForm({"name": "荷"}).errors["name"] == ["不能少于2个字（现在是1个）。"]
        assert "变量" not in str(NameForm({"name": "荷"}).errors)
