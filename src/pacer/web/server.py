"""Run the application under uvicorn; several workers share nothing but the database."""

from __future__ import annotations

import uvicorn


def run_server(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    # With more than one worker uvicorn must import the app itself in each process, hence the
    # import string and factory flag rather than an app object.
    uvicorn.run("pacer.app:create_app", factory=True, host=host, port=port, workers=max(workers, 1),
                proxy_headers=True, forwarded_allow_ips="127.0.0.1", log_level="info")
