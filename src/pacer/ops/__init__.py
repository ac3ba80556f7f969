"""Running an installation: backup and restore, the health and readiness probes, metrics,
structured request logs and ``pacer doctor``."""
