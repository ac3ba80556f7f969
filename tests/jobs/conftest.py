from __future__ import annotations

import pytest

from pacer.jobs.runner import ThreadRunner, savepoints
from tests.webclient import app, client, signed_in  # noqa: F401  (fixtures)


@pytest.fixture
def tx(session):
    """The test's session, savepoints standing for the runner's transactions."""
    return savepoints(session)


@pytest.fixture
def quiet_app(app, tx):  # noqa: F811  (the app fixture)
    """The app with a runner of no threads: the test runs the queued jobs itself."""
    app.state.jobs = ThreadRunner(tx, workers=0)
    return app
