"""Test hook of the refresh: SAFETYOPS_TEST_PAUSE_AT=<step> makes the job log "test hook: pausing
at <step>" and wait there (SAFETYOPS_TEST_PAUSE_SECONDS, default 300, or until the file
SAFETYOPS_TEST_PAUSE_RELEASE exists), so tests can SIGKILL it at that step or let it go on.
A no-op unless the variable names the step."""
from __future__ import annotations

import logging
import os
import time

log = logging.getLogger("safetyops.refresh")

PAUSE_ENV = "SAFETYOPS_TEST_PAUSE_AT"
PAUSE_SECONDS_ENV = "SAFETYOPS_TEST_PAUSE_SECONDS"
PAUSE_RELEASE_ENV = "SAFETYOPS_TEST_PAUSE_RELEASE"
PAUSE_STEPS = ("locked", "loaded", "marts", "detected", "recorded", "swapped", "moved")
POSTED_STEP = "posted"   # after a webhook post, before its outcome is recorded; only when one is posted


def pause_point(step: str) -> None:
    """Wait here when the test hook names `step` (see the module docstring)."""
    if os.environ.get(PAUSE_ENV) == step:
        log.warning("test hook: pausing at %s", step)
        deadline = time.monotonic() + float(os.environ.get(PAUSE_SECONDS_ENV, "300"))
        release = os.environ.get(PAUSE_RELEASE_ENV)
        # a test that needs the job to go on releases it by creating the file: no guess of how
        # long the other process it races with takes to start on a loaded machine
        while time.monotonic() < deadline and not (release and os.path.exists(release)):
            time.sleep(0.05)
