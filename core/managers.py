"""Managers more than one app's models use."""

from django.db import models


class CodeNaturalKeyManager(models.Manager):
    """Rows known by a unique ``code`` (fixtures refer to them by it)."""

    def get_by_natural_key(self, code):
        return self.get(code=code)
