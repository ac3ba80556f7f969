"""One process of those sharing a database holds a named lock; another takes it when it is gone."""

from __future__ import annotations

from pacer.db import make_engine
from pacer.kit.leader import Leadership


def test_one_holder_at_a_time_and_another_takes_over_when_it_lets_go(database_url):
    engines = [make_engine(database_url), make_engine(database_url)]  # two processes' engines
    first, second = Leadership(engines[0], "tick"), Leadership(engines[1], "tick")
    other = Leadership(engines[1], "another-lock")
    try:
        assert first.held() is True
        assert first.held() is True  # still, without taking it twice
        assert second.held() is False
        assert other.held() is True  # locks of other names are apart
        first.release()
        assert second.held() is True
        assert first.held() is False
    finally:
        for leadership in (first, second, other):
            leadership.release()
        for engine in engines:
            engine.dispose()


def test_a_database_of_one_process_needs_no_lock():
    engine = make_engine("sqlite:///:memory:")
    assert Leadership(engine, "tick").held() is True
    engine.dispose()
