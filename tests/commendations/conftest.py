from tests.webclient import app, client, signed_in  # noqa: F401  (fixtures)
