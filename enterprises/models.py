"""Regions, industries, enterprises and the people who act for them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS
from simple_history.models import HistoricalRecords

from core.fields import CreditCodeField, EmailAddressField, PhoneNumberField
from core.managers import CodeNaturalKeyManager

from .validators import normalise_credit_code, validate_credit_code


class Region(models.Model):
    """A node of the administrative tree: province → city → county-level unit.

    Codes are GB/T 2260. The development zones that recommend separately have no
    GB/T 2260 code of their own; they get their city's code followed by a short
    letter suffix (``330400JK``) and ``is_statistical_code`` false.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        COUNTY = "county", _("County")
        COUNTY_CITY = "county_city", _("County-level city")
        ZONE = "zone", _("Development zone")

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_statistical_code = models.BooleanField(
        _("GB/T 2260 code"),
        default=True,
        help_text=_("False for zones whose code is local to this system."),
    )

    objects = CodeNaturalKeyManager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    @property
    def county_level(self):
        return self.level not in {self.Level.PROVINCE, self.Level.CITY}

    def self_and_descendant_ids(self):
        """This region and everything below it (the tree is at most three deep)."""
        return Region.objects.filter(
            Q(pk=self.pk) | Q(parent=self.pk) | Q(parent__parent=self.pk)
        ).values_list("pk", flat=True)


class Industry(models.Model):
    """A GB/T 4754-2017 category: section (letter), division, group or class (digits)."""

    class Level(models.TextChoices):
        SECTION = "section", _("Section")
        DIVISION = "division", _("Division")
        GROUP = "group", _("Group")
        CLASS = "class", _("Class")

    code = models.CharField(_("code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = CodeNaturalKeyManager()

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def natural_key(self):
        return (self.code,)

    def self_and_descendant_ids(self):
        """This category and everything below it (section → division → group → class)."""
        return Industry.objects.filter(
            Q(pk=self.pk)
            | Q(parent=self.pk)
            | Q(parent__parent=self.pk)
            | Q(parent__parent__parent=self.pk)
        ).values_list("pk", flat=True)


class EnterpriseManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Enterprise(models.Model):
    """A legal person that applies to programmes.

    The credit code is optional only for records taken from articles that do not
    print it; it is unique whenever present. The legal name is unique too: it is
    how published lists without codes are matched, and the fixtures' natural key.
    """

    name = models.CharField(_("legal name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    unified_social_credit_code = CreditCodeField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = PhoneNumberField(_("contact phone"), max_length=30, blank=True)
    contact_email = EmailAddressField(_("contact email"), blank=True)
    above_designated_size = models.BooleanField(_("above designated size"), default=False)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What is known of the enterprise, with sources.")
    )
    source = models.CharField(
        _("source"), max_length=255, blank=True, help_text=_("Where this record came from.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnterpriseManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        permissions = [("import_enterprise", _("Can import enterprises from a spreadsheet"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(unified_social_credit_code__isnull=True)
                | Q(Exact(Length("unified_social_credit_code"), 18)),
                name="enterprise_credit_code_length",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "name"], name="enterprise_region_name"),
            models.Index(fields=["industry"], name="enterprise_industry"),
            # The API's created_after / created_before filters.
            models.Index(fields=["created_at"], name="enterprise_created"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self._normalise_code()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # Validate what will be stored: length, checksum and uniqueness of the normalised code.
        self._normalise_code()
        super().clean_fields(exclude=exclude)

    def _normalise_code(self) -> None:
        # An empty code is stored as NULL so that the unique constraint ignores it.
        code = self.unified_social_credit_code
        self.unified_social_credit_code = normalise_credit_code(code) if code else None

    def natural_key(self):
        return (self.name,)


class Membership(models.Model):
    """A user acting for an enterprise; later members wait for approval."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "enterprise"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} → {self.enterprise}"


class Jurisdiction(models.Model):
    """A county officer's region: they see and recommend applications from it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        related_name="jurisdictions",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="jurisdictions"
    )

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="jurisdiction_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.region}"


class ApiToken(AbstractAuthToken):
    """A named API token of django-rest-knox (``KNOX_TOKEN_MODEL``).

    The key itself is never stored: only its SHA-512 digest, and its first characters
    (``token_key``), by which knox finds the row a key may belong to. Every token
    expires; a user holds one token per name. Issued and revoked by
    ``enterprises.tokens``.
    """

    # knox makes the digest the primary key; an integer id keeps it out of URLs and logs.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(_("digest"), max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    token_key = models.CharField(
        _("key prefix"),
        max_length=CONSTANTS.MAXIMUM_TOKEN_PREFIX_LENGTH + CONSTANTS.TOKEN_KEY_LENGTH,
        db_index=True,
    )
    # knox's authentication and views reach a user's tokens as ``auth_token_set``.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.CASCADE,
        related_name="auth_token_set",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. the system using it.")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expiry = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="apitoken_one_per_name"),
            models.CheckConstraint(condition=~Q(name=""), name="apitoken_named"),
        ]
        indexes = [
            # The lists' order, and the admin's "expired" filter.
            models.Index(fields=["-created", "-id"], name="apitoken_created"),
            models.Index(fields=["expiry"], name="apitoken_expiry"),
        ]

    def __str__(self):
        # Never the digest: this is what the admin's pages and log show.
        return f"{self.user} · {self.name}"

    @property
    def expired(self) -> bool:
        return self.expiry <= timezone.now()
