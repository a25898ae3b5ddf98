"""Fixtures for the whole suite live in tuoyu/testing/fixtures.py; the test environment in
tuoyu/testing/settings.py (set before Django reads its settings)."""

pytest_plugins = ["tuoyu.testing.fixtures"]
