"""Deployment checks of the project's own (``manage.py check --deploy``)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.security, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Throttling and lock-out counters must be shared by every worker: a cache per process
    lets a caller multiply its allowance by the number of workers."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in LOCAL_CACHES:
        return [
            checks.Warning(
                "The default cache is local to each process, so API throttling counts per worker.",
                hint="Set REDIS_URL (docs/deploy.md) so that every worker shares one cache.",
                id="programmes.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def portal_address(app_configs, **kwargs):
    """Links in emails and reminders start with PORTAL_BASE_URL: it must be the site's address."""
    host = urlsplit(settings.PORTAL_BASE_URL).hostname or ""
    if host in {"", "localhost", "127.0.0.1", "::1"}:
        return [
            checks.Warning(
                f"PORTAL_BASE_URL is {settings.PORTAL_BASE_URL!r}: links in emails and reminders "
                "would point at this machine.",
                hint="Set PORTAL_BASE_URL to the portal's public address (docs/deploy.md).",
                id="programmes.W002",
            )
        ]
    return []
