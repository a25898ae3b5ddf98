"""Dates in forms: shown as ISO in Chinese (what ``<input type="date">`` accepts), read in the usual ways."""

import datetime as dt

import pytest
from django import forms
from django.utils import translation


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_date_input_shows_a_stored_date_so_the_browser_keeps_it(language: str) -> None:
    with translation.override(language):
        html = forms.DateInput(attrs={"type": "date"}).render("lease_end", dt.date(2031, 12, 31))
    assert 'value="2031-12-31"' in html


@pytest.mark.parametrize("text", ["2031-12-31", "2031/12/31", "2031年12月31日"])
def test_a_date_is_read_in_each_usual_chinese_form(text: str) -> None:
    with translation.override("zh-hans"):
        assert forms.DateField().clean(text) == dt.date(2031, 12, 31)
