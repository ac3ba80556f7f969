from tests.webclient import app, client, figures, signed_in  # noqa: F401  (fixtures)
