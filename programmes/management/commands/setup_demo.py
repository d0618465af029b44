"""Set up a demonstration database: the documented records, one login per role, an open call.

``make run`` calls this after ``migrate``. It is safe to run again: records that
already exist are never overwritten (a bureau's edits to a documented record
survive), users keep changed passwords unless ``--reset-passwords`` is given, and
the demo call is only added when no call is open. It refuses to run unless
``DEBUG`` is on, because it prints published passwords.

The documented records are the JSON files in ``fixtures/``, loaded in the order of
``DOCUMENTED_FIXTURES``. ``manage.py loaddata fixtures/0*.json`` loads the same
files but *restores* every documented record to its documented values.

Writes are made here with ``full_clean`` rather than through services: this is a
set-up script acting as nobody, and no service creates users, calls or
jurisdictions.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import roles
from enterprises.models import Enterprise, Jurisdiction, Membership, Region
from programmes.hooks import demo_setup_steps
from programmes.models import Call, Programme, ScoreCriterion

FIXTURES_DIR = settings.BASE_DIR / "fixtures"
# Dependency order: each file refers only to records of the files before it.
DOCUMENTED_FIXTURES = [
    FIXTURES_DIR / name
    for name in (
        "01_regions.json",
        "02_industries.json",
        "03_enterprises.json",
        "04_programmes.json",
        "05_calls.json",
        "06_applications.json",
        "07_eligibility_rules.json",
        "08_services.json",
    )
]

# Records without a natural key carry primary keys from 1001 up. A row already
# holding one of those keys must be the same record, or loading stops: these are
# the fields that say which record a row is.
IDENTITY_FIELDS = {
    "programmes.application": ("enterprise", "call", "title"),
    "programmes.productdetail": ("application",),
    "programmes.projectdetail": ("application",),
    "programmes.designationdetail": ("application",),
    "programmes.designation": ("application",),
    "programmes.applicationevent": ("application", "move"),
    "programmes.announcedfigure": ("programme", "year", "tier"),
    "services.announcedfigure": ("measure", "region", "year"),
    "services.financing": ("enterprise", "kind", "amount"),
}

DEMO_PROGRAMME_CODE = "zj-first-batch-new-materials"
DEMO_SOURCE = "Demo call created by setup_demo for trying the portal; not a real round."
DEFAULT_OFFICER_REGION = "330483"  # 桐乡市 Tongxiang
# The demo score sheet (demo data, not a documented record): weights add up to 100.
DEMO_CRITERIA = [
    ("技术先进性 (demo)", "30"),
    ("自主知识产权 (demo)", "25"),
    ("产业化与市场应用 (demo)", "25"),
    ("企业基础与信用 (demo)", "20"),
]
DEFAULT_APPLICANT_ENTERPRISE = "Jiaxin Jinsanta Silk Garments Co., Ltd."


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str


# Published on purpose: DEBUG-only demo logins. Each passes AUTH_PASSWORD_VALIDATORS.
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "desk-superuser-2026"  # noqa: S105
BUREAU = DemoUser("demo-bureau", "nanhu-lake-review-2026", roles.BUREAU_STAFF)
OFFICER = DemoUser("demo-officer", "wutong-county-desk-2026", roles.COUNTY_OFFICERS)
EXPERT = DemoUser("demo-expert", "panel-scores-silk-2026", roles.EXPERTS)
APPLICANT = DemoUser("demo-applicant", "mulberry-loom-files-2026", roles.APPLICANTS)
DEMO_USERS = (BUREAU, OFFICER, EXPERT, APPLICANT)
ROLE_LABELS = {
    roles.BUREAU_STAFF: gettext_lazy("Bureau staff"),
    roles.COUNTY_OFFICERS: gettext_lazy("County officer"),
    roles.EXPERTS: gettext_lazy("Expert"),
    roles.APPLICANTS: gettext_lazy("Applicant"),
}


@dataclass
class LoadResult:
    added: int = 0
    kept: int = 0


def load_documented_records(using: str = DEFAULT_DB_ALIAS) -> LoadResult:
    """Add the documented records that are missing; leave existing ones as they are.

    Raises ``CommandError`` when a reserved primary key is taken by another record.
    """
    result = LoadResult()
    loaded_models = set()
    with transaction.atomic(using=using):
        for path in DOCUMENTED_FIXTURES:
            with path.open(encoding="utf-8") as stream:
                # Lazily deserialised: a natural key may name a record saved just before.
                for deserialized in serializers.deserialize("json", stream, using=using):
                    record = deserialized.object
                    model = type(record)
                    existing = (
                        model._default_manager.using(using).filter(pk=record.pk).first()
                        if record.pk is not None
                        else None
                    )
                    if existing is None:
                        deserialized.save(using=using)
                        loaded_models.add(model)
                        result.added += 1
                        continue
                    _check_same_record(existing, record)
                    result.kept += 1
        if loaded_models:
            # As loaddata does: move PostgreSQL sequences past the explicit keys.
            connection = connections[using]
            statements = connection.ops.sequence_reset_sql(no_style(), list(loaded_models))
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    return result


def _check_same_record(existing, record) -> None:
    label = existing._meta.label_lower
    for name in IDENTITY_FIELDS.get(label, ()):
        attname = existing._meta.get_field(name).attname
        if getattr(existing, attname) != getattr(record, attname):
            raise CommandError(
                _(
                    "%(model)s #%(pk)s in the database is not the documented record that "
                    "fixtures/ gives that number; nothing was loaded. Load the documented "
                    "records into an empty database, or renumber that row."
                )
                % {"model": existing._meta.verbose_name, "pk": existing.pk}
            )


class Command(BaseCommand):
    # Plain gettext: argparse cannot format lazy strings. Commands load after set-up.
    help = _(
        "Load the documented records, create one demo login per role and an open demo "
        "call, and print the logins. DEBUG only unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help=_("Run even though DEBUG is off."))
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help=_("Set the demo users' passwords back to the published ones."),
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help=_("Where the server will listen, for the printed links."),
        )
        parser.add_argument(
            "--officer-region",
            default=DEFAULT_OFFICER_REGION,
            help=_("Region code the demo county officer covers (default 330483, Tongxiang)."),
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                _(
                    "setup_demo creates logins with published passwords, so it runs only with "
                    "DEBUG on. Use --force to run it anyway."
                )
            )
        self.reset_passwords = options["reset_passwords"]
        self.logins = []
        with transaction.atomic():
            loaded = load_documented_records()
            self.groups = self._role_groups()
            self._ensure_superuser()
            self._ensure_user(BUREAU, is_staff=True)
            officer = self._ensure_user(OFFICER, is_staff=True)
            self._ensure_user(EXPERT, is_staff=True)
            applicant = self._ensure_user(APPLICANT, is_staff=False)
            region = self._region(options["officer_region"])
            Jurisdiction.objects.get_or_create(user=officer, region=region)
            enterprise = self._applicant_enterprise()
            membership, _created = Membership.objects.get_or_create(
                user=applicant,
                enterprise=enterprise,
                defaults={"role": Membership.Role.OWNER, "status": Membership.Status.APPROVED},
            )
            call, call_created = self._ensure_open_call()
            # What the apps built on programmes add to the demo (``programmes.hooks``).
            extra_lines = [step() for step in demo_setup_steps()]
        self._report(
            base_url=options["base_url"].rstrip("/"),
            loaded=loaded,
            region=region,
            enterprise=enterprise,
            membership=membership,
            call=call,
            call_created=call_created,
        )
        for line in extra_lines:
            if line:
                self.stdout.write(line)

    # --- Steps ------------------------------------------------------------------------

    def _role_groups(self) -> dict:
        groups = {group.name: group for group in Group.objects.filter(name__in=roles.ALL_ROLES)}
        missing = sorted(set(roles.ALL_ROLES) - set(groups))
        if missing:
            raise CommandError(
                _("The role groups %(groups)s are missing: run “manage.py migrate” first.")
                % {"groups": ", ".join(missing)}
            )
        return groups

    def _ensure_user(self, spec: DemoUser, *, is_staff: bool):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={"email": f"{spec.username}@example.com", "is_staff": is_staff},
        )
        if created or self.reset_passwords:
            validate_password(spec.password, user)
            user.set_password(spec.password)
        if is_staff and not user.is_staff:
            user.is_staff = True
        user.save()
        user.groups.add(self.groups[spec.role])
        self.logins.append((ROLE_LABELS[spec.role], user, spec.password))
        return user

    def _ensure_superuser(self) -> None:
        User = get_user_model()
        admin = User.objects.filter(username=ADMIN_USERNAME).first()
        if admin is None and not User.objects.filter(is_superuser=True).exists():
            validate_password(ADMIN_PASSWORD, User(username=ADMIN_USERNAME))
            admin = User.objects.create_superuser(
                ADMIN_USERNAME, f"{ADMIN_USERNAME}@example.com", ADMIN_PASSWORD
            )
        elif admin is not None and admin.is_superuser and self.reset_passwords:
            admin.set_password(ADMIN_PASSWORD)
            admin.save()
        if admin is not None and admin.is_superuser:
            self.logins.insert(0, (_("Superuser"), admin, ADMIN_PASSWORD))

    def _region(self, code: str) -> Region:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(_("No region has the code %(code)s.") % {"code": code})
        return region

    def _applicant_enterprise(self) -> Enterprise:
        try:
            return Enterprise.objects.get(name=DEFAULT_APPLICANT_ENTERPRISE)
        except Enterprise.DoesNotExist as error:
            raise CommandError(
                _("The documented enterprise %(name)s is missing.")
                % {"name": DEFAULT_APPLICANT_ENTERPRISE}
            ) from error

    def _ensure_open_call(self) -> tuple[Call, bool]:
        """An open call, and whether it is a demo call added now (only when none is open)."""
        today = timezone.localdate()
        open_call = (
            Call.objects.filter(opens_on__lte=today, closes_on__gte=today)
            .order_by("closes_on", "pk")
            .first()
        )
        if open_call is not None:
            return open_call, False
        programme = Programme.objects.get(code=DEMO_PROGRAMME_CODE)
        code = f"demo-{today.year}-first-batch-new-materials"
        call = Call.objects.filter(code=code).first() or Call(code=code, programme=programme)
        call.title = f"{today.year} 演示: 首批次新材料 (demo)"
        call.year = today.year
        call.opens_on = today - timedelta(days=7)
        call.closes_on = today + timedelta(days=60)
        call.source = DEMO_SOURCE
        call.recommendation_quota = 5
        # The programme's own period: the demo's notice is opened in the past by
        # ``manage.py demo_open_notice`` rather than made shorter.
        call.public_notice_days = programme.notice_period
        call.full_clean()
        call.save()
        self._ensure_demo_score_sheet(programme)
        return call, True

    def _ensure_demo_score_sheet(self, programme: Programme) -> None:
        """A score sheet for the demo programme when it has none (the articles give none)."""
        if programme.criteria.exists():
            return
        for position, (name, weight) in enumerate(DEMO_CRITERIA, start=1):
            ScoreCriterion.objects.create(
                programme=programme, name=name, weight=Decimal(weight), position=position
            )

    # --- Output -------------------------------------------------------------------------

    def _report(self, *, base_url, loaded, region, enterprise, membership, call, call_created):
        write = self.stdout.write
        write(
            _("Documented records: %(added)s added, %(kept)s already present (kept as they are).")
            % {"added": loaded.added, "kept": loaded.kept}
        )
        message = (
            _("Demo call added, open for filing: %(title)s, %(opens)s to %(closes)s.")
            if call_created
            else _("Open for filing (no demo call added): %(title)s, %(opens)s to %(closes)s.")
        )
        write(message % {"title": call.title, "opens": call.opens_on, "closes": call.closes_on})
        write("")
        write(self.style.SUCCESS(_("Programme Desk demo: %(url)s/") % {"url": base_url}))
        write(_("  Portal: %(url)s/    Admin: %(url)s/admin/") % {"url": base_url})
        write("")
        write(self.style.MIGRATE_HEADING(_("Logins (demo only; DEBUG on):")))
        for role, user, password in self.logins:
            shown = (
                password
                if user.check_password(password)
                else _("(changed; --reset-passwords restores it)")
            )
            write(
                _("  %(role)-16s user %(username)-16s password %(password)s")
                % {"role": str(role), "username": user.username, "password": shown}
            )
        write("")
        write(
            _("  %(officer)s covers %(region)s (%(code)s) and what lies under it.")
            % {"officer": OFFICER.username, "region": region.name, "code": region.code}
        )
        write(
            _("  %(applicant)s is the %(status)s owner of %(enterprise)s (%(region)s).")
            % {
                "applicant": APPLICANT.username,
                "status": membership.get_status_display().lower(),
                "enterprise": enterprise.name,
                "region": enterprise.region or "-",
            }
        )
        if enterprise.region_id not in set(region.self_and_descendant_ids()):
            write(
                _(
                    "  Note: the articles give neither %(enterprise)s's county nor its "
                    "address and contacts, so it sits at city level with those empty. Before "
                    "filing, %(applicant)s edits the enterprise profile: the county "
                    "%(region)s (so that %(officer)s can recommend the application), the "
                    "address, the legal representative and a contact."
                )
                % {
                    "enterprise": enterprise.name,
                    "applicant": APPLICANT.username,
                    "region": region.name,
                    "officer": OFFICER.username,
                }
            )
