"""The garbage collector's pause around a bulk import (pacer.kit.collector)."""

from __future__ import annotations

import gc
import threading

import pytest

from pacer.kit import collector


@pytest.fixture(autouse=True)
def _collector_running():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_running_again_after():
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_running_again_after_a_failure_inside():
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("the import failed")
    assert gc.isenabled()


def test_nested_pauses_end_with_the_outer_one():
    with collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_off_before_stays_off():
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_two_threads_share_the_pause_until_the_last_ends():
    first_in, second_done, seen = threading.Event(), threading.Event(), []

    def first() -> None:
        with collector.paused():
            first_in.set()
            second_done.wait(5)
            seen.append(gc.isenabled())  # the other import's end does not end this one's pause

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with collector.paused():
        pass
    second_done.set()
    thread.join(5)
    assert seen == [False]
    assert gc.isenabled()
