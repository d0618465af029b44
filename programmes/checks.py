"""Deployment checks of the project's own (``manage.py check --deploy``)."""

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
