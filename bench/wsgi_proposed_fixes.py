"""The project's WSGI application with ``bench/proposed_fixes.py`` applied (load tests only)."""

from bench import proposed_fixes
from config.wsgi import application  # noqa: F401  (sets up Django)

proposed_fixes.apply()
