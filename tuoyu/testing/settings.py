"""The test run's environment, set before the one settings module reads it. Nothing else differs."""

import os
import tempfile

os.environ.setdefault("TUOYU_VAR_DIR", tempfile.mkdtemp(prefix="tuoyu-test-var-"))
if worker := os.environ.get("PYTEST_XDIST_WORKER"):  # pytest -n: each worker keeps its own files
    os.environ["TUOYU_VAR_DIR"] = os.path.join(os.environ["TUOYU_VAR_DIR"], worker)
os.environ.setdefault("TUOYU_FIELD_KEY", "4PAzh9nHcw1FuB8sZ8ulDJ0H6cItKbz9p8J1M6QOQYM")
os.environ.setdefault("TUOYU_AUDIT_KEY", "Jt0kqVxY3m8c1Rr6n2cZ5o9sW4eH7uLpQaGbXyDfE0U")
os.environ.setdefault("TUOYU_FAST_HASHER", "1")  # argon2 costs ~50 ms a password; tests make hundreds
os.environ.setdefault("TUOYU_MFA", "on")
os.environ.setdefault("TUOYU_AUDIT_STRICT_ACTIONS", "on")  # an undeclared audit action fails the test
# Off in tests, so one test's cached public page never answers another's; its own tests turn it on.
os.environ.setdefault("TUOYU_PUBLIC_CACHE_SECONDS", "0")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from tuoyu.settings import *  # noqa: E402, F403
