from tests.webclient import app, client  # noqa: F401  (fixtures)
