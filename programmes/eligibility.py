"""The eligibility checks a programme's rules may name, and what each one asks.

A programme's rules are rows (``models.EligibilityRule``): a check of ``Check``,
its parameters in typed columns and, optionally, a text of the programme's own. The
checks themselves are code, here: each one reads the application (through its
relations; this module imports no model) and returns the reasons it is not met.
``workflow.eligibility_rules`` runs the programme's rules as a guard of the filing
moves, so that the one workflow service refuses a filing that breaks one, and names
the rule, whichever page or endpoint asked.

Two readings are decisions of this module, written down here:

* **The same project** (``no_duplicate_funding``): the same enterprise and the same
  product, project or platform name once normalised (Unicode NFKC, case, spaces and
  punctuation ignored: "数字化 改造（一期）" and "数字化改造(一期)" are one project),
  in any programme and any year. Nothing else identifies a project across schemes:
  there is no project code common to the central fund and the municipal programmes.
  Only applications the bureau selected (granted, and later warned, revoked or
  expired) count as funding.
* **A designation on record** (``holds_lower_designation``): a designation of the
  same programme at the required level, recorded on one of the enterprise's
  applications that is granted or warned (held, not revoked or expired), and valid
  today when it has an end date. The date of municipal recognition an applicant
  types in is not evidence on its own; the bureau records the designation.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Max, Q
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .workflow import HOLDING, SELECTED, Status


class Check(models.TextChoices):
    TECHNOLOGY_READINESS = (
        "technology_readiness",
        gettext_lazy("Technology readiness level within a range"),
    )
    COMMERCIAL_SALES = "commercial_sales", gettext_lazy("Already sold commercially")
    HOLDS_LOWER_DESIGNATION = (
        "holds_lower_designation",
        gettext_lazy("Holds the designation of the level below"),
    )
    FUNDING_SHARE = "funding_share", gettext_lazy("Support at most a share of the investment")
    FUNDING_CAP = "funding_cap", gettext_lazy("Support at most an amount per project")
    NO_DUPLICATE_FUNDING = (
        "no_duplicate_funding",
        gettext_lazy("No duplicate funding of the same project"),
    )
    NO_SERIOUS_VIOLATION = (
        "no_serious_violation",
        gettext_lazy("No serious violation in recent years (declared)"),
    )
    REVOCATION_BAR = (
        "revocation_bar",
        gettext_lazy("No designation of the programme revoked in recent years"),
    )
    REQUIRED_DOCUMENT = "required_document", gettext_lazy("A document of a given type attached")


@dataclass(frozen=True)
class CheckSpec:
    """What a check needs: its parameters (the rule's columns it reads, all required,
    every other parameter column left empty), the application kinds it can apply to,
    and the function that finds the reasons it is not met."""

    parameters: tuple[str, ...]
    kinds: tuple[str, ...]
    problems: Callable[..., list[str]]
    describe: Callable[..., str]


#: Every parameter column of a rule; a check uses the ones its spec names.
PARAMETER_FIELDS = (
    "minimum",
    "maximum",
    "percentage",
    "amount",
    "years",
    "level",
    "required_level",
    "document_type",
)
ALL_KINDS = ("product", "project", "designation")


def yuan(amount: Decimal) -> str:
    return _("%(amount)s yuan") % {"amount": number_format(amount, 2, force_grouping=True)}


def same_project_key(name: str) -> str:
    """A product, project or platform name as the duplicate-funding check compares it."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(c for c in text if unicodedata.category(c)[0] not in "PZSC")


# --- The checks -----------------------------------------------------------------------
# Each takes the application, the rule and the move's context, and returns the reasons.


def _technology_readiness(application, rule, context) -> list[str]:
    level = application.detail.technology_readiness_level
    if level is not None and rule.minimum <= level <= rule.maximum:
        return []
    return [
        _(
            "the technology readiness level must be %(minimum)s to %(maximum)s; "
            "the application gives %(level)s."
        )
        % {"minimum": rule.minimum, "maximum": rule.maximum, "level": level or "—"}
    ]


def _commercial_sales(application, rule, context) -> list[str]:
    sold_on = application.detail.first_sold_on
    if sold_on is None:
        return [_("give the date of the product's first commercial sale.")]
    if sold_on > context.today:
        return [
            _("the first commercial sale (%(date)s) has not happened yet.")
            % {"date": date_format(sold_on)}
        ]
    return []


def _holds_lower_designation(application, rule, context) -> list[str]:
    if application.detail.level_sought != rule.level:
        return []
    held = application.enterprise.applications.filter(
        Q(designation__valid_until__isnull=True) | Q(designation__valid_until__gte=context.today),
        programme_id=application.programme_id,
        status__in=HOLDING,
        designation__level=rule.required_level,
    )
    if held.exists():
        return []
    return [
        _(
            "an applicant for the %(level)s level must already hold a %(required)s "
            "designation of this programme, and none is on record for “%(enterprise)s”. "
            "If the enterprise holds one, ask the bureau to record it."
        )
        % {
            "level": rule.get_level_display(),
            "required": rule.get_required_level_display(),
            "enterprise": application.enterprise.name,
        }
    ]


def _funding_share(application, rule, context) -> list[str]:
    requested = application.requested_amount
    investment = application.detail.total_investment
    if requested is None or investment is None:
        return []
    limit = (investment * rule.percentage / 100).quantize(Decimal("0.01"))
    if requested <= limit:
        return []
    return [
        _(
            "the support requested, %(requested)s, is more than %(percentage)s%% of the "
            "total investment of %(investment)s: at most %(limit)s."
        )
        % {
            "requested": yuan(requested),
            "percentage": number_format(rule.percentage.normalize()),
            "investment": yuan(investment),
            "limit": yuan(limit),
        }
    ]


def _funding_cap(application, rule, context) -> list[str]:
    requested = application.requested_amount
    if requested is None or requested <= rule.amount:
        return []
    return [
        _("the support requested, %(requested)s, is more than %(cap)s per project.")
        % {"requested": yuan(requested), "cap": yuan(rule.amount)}
    ]


def _no_duplicate_funding(application, rule, context) -> list[str]:
    key = same_project_key(application.headline)
    if not key:
        return []
    funded = (
        application.enterprise.applications.exclude(pk=application.pk)
        .filter(status__in=SELECTED)
        .select_related("call", "product_detail", "project_detail", "designation_detail")
    )
    for other in funded:
        if same_project_key(other.headline) == key:
            return [
                _(
                    "“%(subject)s” was already funded as “%(other)s” (%(call)s); the same "
                    "project is not funded twice."
                )
                % {"subject": application.headline, "other": other.title, "call": other.call}
            ]
    return []


def _no_serious_violation(application, rule, context) -> list[str]:
    if application.no_serious_violation_declared:
        return []
    return [
        _(
            "declare that the enterprise has had no serious violation of laws or "
            "regulations in the last %(years)s years."
        )
        % {"years": rule.years}
    ]


def _revocation_bar(application, rule, context) -> list[str]:
    revoked_at = (
        application.enterprise.applications.filter(
            programme_id=application.programme_id,
            status=Status.REVOKED,
            events__move="revoke",
        )
        .aggregate(latest=Max("events__at"))
        .get("latest")
    )
    if revoked_at is None:
        return []
    revoked_on = revoked_at.date()
    # The same day ``years`` later (28 February for a 29 February revocation).
    try:
        free_on = revoked_on.replace(year=revoked_on.year + rule.years)
    except ValueError:
        free_on = revoked_on.replace(year=revoked_on.year + rule.years, day=28)
    if context.today >= free_on:
        return []
    return [
        _(
            "a designation of this programme held by the enterprise was revoked on "
            "%(revoked)s; it may apply again from %(free)s."
        )
        % {"revoked": date_format(revoked_on), "free": date_format(free_on)}
    ]


def _required_document(application, rule, context) -> list[str]:
    if application.attachments.filter(document_type=rule.document_type).exists():
        return []
    return [
        _("attach the “%(document)s” before submitting.")
        % {"document": rule.get_document_type_display()}
    ]


# --- What each check says to an applicant before they start -----------------------------


def _describe_trl(rule) -> str:
    return _("Technology readiness level %(minimum)s to %(maximum)s.") % {
        "minimum": rule.minimum,
        "maximum": rule.maximum,
    }


def _describe_lower(rule) -> str:
    return _("An applicant for the %(level)s level already holds a %(required)s designation.") % {
        "level": rule.get_level_display(),
        "required": rule.get_required_level_display(),
    }


def _describe_share(rule) -> str:
    return _("Support of at most %(percentage)s%% of the project's total investment.") % {
        "percentage": number_format(rule.percentage.normalize())
    }


def _describe_cap(rule) -> str:
    return _("Support of at most %(cap)s per project.") % {"cap": yuan(rule.amount)}


def _describe_violation(rule) -> str:
    return _("No serious violation of laws or regulations in the last %(years)s years.") % {
        "years": rule.years
    }


def _describe_bar(rule) -> str:
    return _(
        "No designation of this programme revoked in the last %(years)s years: a "
        "revocation bars a new application for that long."
    ) % {"years": rule.years}


def _describe_document(rule) -> str:
    return _("A “%(document)s” attached.") % {"document": rule.get_document_type_display()}


CHECKS: dict[str, CheckSpec] = {
    Check.TECHNOLOGY_READINESS: CheckSpec(
        ("minimum", "maximum"), ("product",), _technology_readiness, _describe_trl
    ),
    Check.COMMERCIAL_SALES: CheckSpec(
        (),
        ("product",),
        _commercial_sales,
        lambda rule: _("The product is already sold commercially."),
    ),
    Check.HOLDS_LOWER_DESIGNATION: CheckSpec(
        ("level", "required_level"), ("designation",), _holds_lower_designation, _describe_lower
    ),
    Check.FUNDING_SHARE: CheckSpec(("percentage",), ("project",), _funding_share, _describe_share),
    Check.FUNDING_CAP: CheckSpec(("amount",), ("project",), _funding_cap, _describe_cap),
    Check.NO_DUPLICATE_FUNDING: CheckSpec(
        (),
        ALL_KINDS,
        _no_duplicate_funding,
        lambda rule: _("The same project has not been funded before, by any programme."),
    ),
    Check.NO_SERIOUS_VIOLATION: CheckSpec(
        ("years",), ALL_KINDS, _no_serious_violation, _describe_violation
    ),
    Check.REVOCATION_BAR: CheckSpec(("years",), ALL_KINDS, _revocation_bar, _describe_bar),
    Check.REQUIRED_DOCUMENT: CheckSpec(
        ("document_type",), ALL_KINDS, _required_document, _describe_document
    ),
}


def rule_problems(application, context) -> list[str]:
    """Each of the programme's active rules that the application breaks, named, with why."""
    problems = []
    for rule in application.programme.eligibility_rules.filter(is_active=True):
        spec = CHECKS[rule.kind]
        if application.kind not in spec.kinds:
            continue
        for reason in spec.problems(application, rule, context):
            problems.append(
                _("Eligibility rule “%(rule)s” is not met: %(reason)s")
                % {"rule": rule.title, "reason": reason}
            )
    return problems


def declaration_years(programme) -> int | None:
    """The years the programme's declaration of no serious violation covers, or None
    when no active rule asks for one (the portal's form then does not ask)."""
    rule = (
        programme.eligibility_rules.filter(is_active=True, kind=Check.NO_SERIOUS_VIOLATION)
        .order_by("-years")
        .first()
    )
    return rule.years if rule else None
