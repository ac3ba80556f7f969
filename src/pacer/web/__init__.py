"""Web plumbing shared by every feature: server, dependencies, templates, CSRF, errors, i18n."""
