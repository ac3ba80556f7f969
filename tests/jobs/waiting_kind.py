"""A job kind of the tests that runs until a file appears: what a server started by a test runs
when it is killed in mid-job (imported by that server before its app, and by the test)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pacer.jobs.kinds import Kind, Output, register

KIND = "test_waits_for_a_file"
RELEASE = "PACER_TEST_RELEASE"  # the file that ends the job


def _waits(ctx):
    ctx.progress(0.5, "waiting")
    release = Path(os.environ[RELEASE])
    while not release.exists():
        time.sleep(0.05)
    return Output("done.txt", b"done", "text/plain; charset=utf-8")


register(Kind(KIND, ("测试", "Test"), _waits))
