"""Browser tests: fixtures from tuoyu.testing.browser, and a screenshot of the page when a test fails."""

from collections.abc import Iterator
from typing import Any

import pytest

from tuoyu.testing.browser import browser, open_page, page, phone_page, site

__all__ = ["browser", "open_page", "page", "phone_page", "site"]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    """Keep each phase's report on the test item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
