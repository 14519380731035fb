"""A pytest plugin: under CI=true a skipped test is a failed one, with the skip's reason.

CI must run every test it has: a test that skips where CI runs tests nothing and says so only in a summary line.
Outside CI a skip stays a skip. tests/conftest.py imports the hook; molecule's testinfra runs load this module
through PYTEST_PLUGINS (.config/molecule/config.yml, verifier env).
"""

from __future__ import annotations

import os

import pytest


def ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = "CI=true: this test was skipped, which CI counts as a failure: %s" % reason
