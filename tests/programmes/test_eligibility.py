"""Eligibility rules as data, checked when an application is filed.

Every rule of ``fixtures/07_eligibility_rules.json`` is filed against twice: once by
an application that breaks it (the filing is refused and the refusal names the rule)
and once by one that keeps it, at the edge where the rule allows (the filing goes
through). A rule added to the fixture without a way to break and keep it here fails.
"""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from programmes.eligibility import CHECKS, Check, same_project_key
from programmes.exceptions import MoveRefused
from programmes.models import (
    Application,
    Attachment,
    Designation,
    EligibilityRule,
    Kind,
    Level,
    Programme,
)
from programmes.services.workflow import application_move, available_moves
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

FIXTURE = settings.BASE_DIR / "fixtures" / "07_eligibility_rules.json"
PROGRAMME_KINDS = {
    "zj-first-batch-new-materials": Kind.PRODUCT,
    "central-ftdf-cocoon-silk": Kind.PROJECT,
    "enterprise-technology-centres": Kind.DESIGNATION,
}


def fixture_rules():
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return [(row["fields"]["programme"][0], row["fields"]["code"]) for row in rows]


@pytest.fixture
def documented_rules():
    """The programmes the fixture's rules belong to, and the rules as the fixture has them."""
    for code, kind in PROGRAMME_KINDS.items():
        factories.ProgrammeFactory(code=code, kind=kind)
    call_command("loaddata", FIXTURE, verbosity=0)


def eligible(enterprise, programme_code, **kwargs):
    """A draft of the programme that keeps every one of its rules, ready to file."""
    application = factories.ApplicationFactory(
        enterprise=enterprise, call__programme=Programme.objects.get(code=programme_code), **kwargs
    )
    return factories.ready_to_file(application)


def file(application, actor):
    application_move(application=application, actor=actor, move="submit")
    return application


def revoke(application, *, days_ago):
    application.events.create(
        at=timezone.now() - timedelta(days=days_ago),
        move="revoke",
        from_status=Status.GRANTED,
        to_status=Status.REVOKED,
    )


def funded(enterprise, project_name, *, status=Status.GRANTED):
    """A project of ``enterprise`` the bureau selected, in another programme and year."""
    other = factories.ApplicationFactory(
        enterprise=enterprise,
        call__programme__kind=Kind.PROJECT,
        call__year=2023,
        status=status,
        title="往年项目",
    )
    other.project_detail.project_name = project_name
    other.project_detail.save()
    return other


# What breaks each check, and what keeps it at its edge: functions of the application
# and its rule. Each leaves everything else as ``eligible`` made it.
def _set_detail(application, **values):
    detail = application.detail
    for name, value in values.items():
        setattr(detail, name, value)
    detail.save()


def _set(application, **values):
    Application.objects.filter(pk=application.pk).update(**values)
    application.refresh_from_db()


BREAK = {
    Check.TECHNOLOGY_READINESS: lambda app, rule: _set_detail(
        app, technology_readiness_level=rule.minimum - 1
    ),
    Check.COMMERCIAL_SALES: lambda app, rule: _set_detail(app, first_sold_on=None),
    Check.HOLDS_LOWER_DESIGNATION: lambda app, rule: app.enterprise.applications.exclude(
        pk=app.pk
    ).update(status=Status.EXPIRED),
    Check.FUNDING_SHARE: lambda app, rule: _set(
        app,
        requested_amount=app.detail.total_investment * rule.percentage / 100 + Decimal("0.01"),
    ),
    Check.FUNDING_CAP: lambda app, rule: (
        _set_detail(app, total_investment=rule.amount * 10),
        _set(app, requested_amount=rule.amount + Decimal("0.01")),
    ),
    Check.NO_DUPLICATE_FUNDING: lambda app, rule: funded(app.enterprise, " 数字化改造。"),
    Check.NO_SERIOUS_VIOLATION: lambda app, rule: _set(app, no_serious_violation_declared=False),
    Check.REVOCATION_BAR: lambda app, rule: revoke(
        factories.ApplicationFactory(
            enterprise=app.enterprise, call__programme=app.programme, status=Status.REVOKED
        ),
        days_ago=365 * rule.years - 2,
    ),
    Check.REQUIRED_DOCUMENT: lambda app, rule: app.attachments.filter(
        document_type=rule.document_type
    ).delete(),
}
KEEP = {
    Check.TECHNOLOGY_READINESS: lambda app, rule: _set_detail(
        app, technology_readiness_level=rule.minimum
    ),
    Check.COMMERCIAL_SALES: lambda app, rule: _set_detail(app, first_sold_on=timezone.localdate()),
    # The level below is held: ``eligible`` recorded it.
    Check.HOLDS_LOWER_DESIGNATION: lambda app, rule: None,
    Check.FUNDING_SHARE: lambda app, rule: _set(
        app, requested_amount=app.detail.total_investment * rule.percentage / 100
    ),
    Check.FUNDING_CAP: lambda app, rule: (
        _set_detail(app, total_investment=rule.amount * 10),
        _set(app, requested_amount=rule.amount),
    ),
    # Funded, but another project; and the same project, but rejected.
    Check.NO_DUPLICATE_FUNDING: lambda app, rule: (
        funded(app.enterprise, "数字化改造二期"),
        funded(app.enterprise, "数字化改造", status=Status.REJECTED),
    ),
    Check.NO_SERIOUS_VIOLATION: lambda app, rule: None,
    Check.REVOCATION_BAR: lambda app, rule: revoke(
        factories.ApplicationFactory(
            enterprise=app.enterprise, call__programme=app.programme, status=Status.REVOKED
        ),
        days_ago=365 * rule.years + 1,
    ),
    Check.REQUIRED_DOCUMENT: lambda app, rule: None,
}


def test_every_check_can_be_broken_and_kept_here():
    assert set(BREAK) == set(KEEP) == set(CHECKS) == set(Check.values)


@pytest.mark.usefixtures("documented_rules")
@pytest.mark.parametrize(("programme", "code"), fixture_rules())
def test_a_filing_that_breaks_a_rule_is_refused_naming_it(enterprise, applicant, programme, code):
    rule = EligibilityRule.objects.get(programme__code=programme, code=code)
    application = eligible(enterprise, programme)
    BREAK[rule.kind](application, rule)
    application.refresh_from_db()

    with pytest.raises(MoveRefused) as refusal:
        file(application, applicant)

    assert len(refusal.value.messages) == 1
    assert refusal.value.messages[0].startswith(f"Eligibility rule “{rule.title}” is not met: ")
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert not application.events.exists()
    # The page offers no Submit button, and says why beside it.
    assert "submit" not in [
        move.name for move in available_moves(application=application, user=applicant)
    ]


@pytest.mark.usefixtures("documented_rules")
@pytest.mark.parametrize(("programme", "code"), fixture_rules())
def test_a_filing_that_keeps_a_rule_at_its_edge_goes_through(
    enterprise, applicant, programme, code
):
    rule = EligibilityRule.objects.get(programme__code=programme, code=code)
    application = eligible(enterprise, programme)
    KEEP[rule.kind](application, rule)
    application.refresh_from_db()

    file(application, applicant)

    assert application.status == Status.SUBMITTED


# --- The checks' words and readings -----------------------------------------------------


def test_refusals_give_the_figures(enterprise, applicant):
    factories.ProgrammeFactory(code="silk", kind=Kind.PROJECT)
    application = eligible(enterprise, "silk")
    EligibilityRule.objects.create(
        programme=application.programme,
        code="share",
        kind=Check.FUNDING_SHARE,
        percentage=Decimal("70"),
    )
    _set(application, requested_amount=Decimal("800000"))

    with pytest.raises(MoveRefused) as refusal:
        file(application, applicant)

    assert refusal.value.messages == [
        "Eligibility rule “Support of at most 70% of the project's total investment.” is "
        "not met: the support requested, 800,000.00 yuan, is more than 70% of the total "
        "investment of 1,000,000.00 yuan: at most 700,000.00 yuan."
    ]


def test_every_broken_rule_is_named_at_once(enterprise, applicant, documented_rules):
    application = eligible(enterprise, "zj-first-batch-new-materials")
    _set_detail(application, technology_readiness_level=3, first_sold_on=None)
    application.attachments.filter(document_type="test_report").delete()

    with pytest.raises(MoveRefused) as refusal:
        file(application, applicant)

    assert [message.split("”")[0] for message in refusal.value.messages] == [
        "Eligibility rule “Product at technology readiness level 7 to 9",
        "Eligibility rule “Product already sold commercially",
        "Eligibility rule “A “Third-party test report",
    ]


def test_a_resubmission_is_checked_too(enterprise, applicant, documented_rules):
    application = eligible(enterprise, "zj-first-batch-new-materials", status=Status.RETURNED)
    _set_detail(application, technology_readiness_level=6)

    with pytest.raises(MoveRefused, match="technology readiness level must be 7 to 9"):
        application_move(application=application, actor=applicant, move="resubmit")


def test_an_inactive_rule_is_not_checked(enterprise, applicant, documented_rules):
    application = eligible(enterprise, "zj-first-batch-new-materials")
    _set_detail(application, technology_readiness_level=3)
    EligibilityRule.objects.filter(kind=Check.TECHNOLOGY_READINESS).update(is_active=False)

    file(application, applicant)

    assert application.status == Status.SUBMITTED


def test_a_future_first_sale_is_no_sale(enterprise, applicant, documented_rules):
    application = eligible(enterprise, "zj-first-batch-new-materials")
    _set_detail(application, first_sold_on=timezone.localdate() + timedelta(days=1))

    with pytest.raises(MoveRefused, match="has not happened yet"):
        file(application, applicant)


def test_the_level_below_must_be_of_this_programme_in_force_and_at_that_level(
    enterprise, applicant, documented_rules
):
    application = eligible(enterprise, "enterprise-technology-centres")
    held = Designation.objects.get(application__enterprise=enterprise)
    refused = "must already hold a Municipal designation"
    for change in (
        {"valid_until": timezone.localdate() - timedelta(days=1)},
        {"level": Level.PROVINCIAL},
    ):
        Designation.objects.filter(pk=held.pk).update(**change)
        with pytest.raises(MoveRefused, match=refused):
            file(application, applicant)
        Designation.objects.filter(pk=held.pk).update(valid_until=None, level=Level.MUNICIPAL)
    other_programme = factories.ProgrammeFactory(kind=Kind.DESIGNATION)
    Application.objects.filter(pk=held.application_id).update(programme=other_programme)
    with pytest.raises(MoveRefused, match=refused):
        file(application, applicant)


def test_a_municipal_applicant_needs_no_lower_designation(enterprise, applicant, documented_rules):
    application = eligible(enterprise, "enterprise-technology-centres")
    Designation.objects.filter(application__enterprise=enterprise).delete()
    _set_detail(application, level_sought=Level.MUNICIPAL)

    file(application, applicant)

    assert application.status == Status.SUBMITTED


def test_the_same_project_is_the_same_name_once_normalised():
    assert same_project_key("数字化 改造（一期）") == same_project_key("数字化改造(一期)")
    assert same_project_key("Smart Loom ") == same_project_key("smart-loom")
    assert same_project_key("数字化改造一期") != same_project_key("数字化改造二期")


def test_another_enterprises_funding_of_the_same_name_is_no_duplicate(
    enterprise, other_enterprise, applicant, documented_rules
):
    application = eligible(enterprise, "central-ftdf-cocoon-silk")
    funded(other_enterprise, "数字化改造")

    file(application, applicant)

    assert application.status == Status.SUBMITTED


def test_the_declaration_is_recorded_with_who_made_it(enterprise, applicant, documented_rules):
    application = eligible(enterprise, "central-ftdf-cocoon-silk")
    application.history.all().delete()
    _set(application, no_serious_violation_declared=False)
    application.no_serious_violation_declared = True
    application._history_user = applicant
    application.save()

    file(application, applicant)

    declared = application.history.filter(no_serious_violation_declared=True).earliest(
        "history_date"
    )
    assert declared.history_user == applicant


# --- Rules as staff write them ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "values", "field"),
    [
        (Check.TECHNOLOGY_READINESS, {"minimum": 7}, "maximum"),
        (Check.TECHNOLOGY_READINESS, {"minimum": 9, "maximum": 7}, "maximum"),
        (Check.TECHNOLOGY_READINESS, {"minimum": 0, "maximum": 7}, "minimum"),
        (Check.TECHNOLOGY_READINESS, {"minimum": 7, "maximum": 9, "years": 3}, "years"),
        (Check.REQUIRED_DOCUMENT, {}, "document_type"),
        (Check.FUNDING_SHARE, {"percentage": Decimal("0")}, "percentage"),
        (Check.FUNDING_SHARE, {"percentage": Decimal("170")}, "percentage"),
        (Check.FUNDING_CAP, {"amount": Decimal("0")}, "amount"),
        (Check.REVOCATION_BAR, {"years": 0}, "years"),
        (Check.HOLDS_LOWER_DESIGNATION, {"level": "provincial"}, "required_level"),
        (
            Check.HOLDS_LOWER_DESIGNATION,
            {"level": "provincial_key", "required_level": "provincial"},
            "required_level",
        ),
        (Check.FUNDING_CAP, {"amount": Decimal("100")}, "kind"),
    ],
)
def test_a_rule_with_wrong_parameters_is_refused_naming_the_field(kind, values, field):
    programme = factories.ProgrammeFactory(
        kind=Kind.PROJECT if kind == Check.FUNDING_SHARE else Kind.DESIGNATION
    )
    if kind == Check.TECHNOLOGY_READINESS:
        programme.kind = Kind.PRODUCT
        programme.save()
    rule = EligibilityRule(programme=programme, code="rule", kind=kind, **values)

    with pytest.raises(ValidationError) as error:
        rule.full_clean()

    assert field in error.value.message_dict


def test_the_fixtures_rules_are_valid_as_staff_would_save_them(documented_rules):
    for rule in EligibilityRule.objects.all():
        rule.full_clean()
    assert EligibilityRule.objects.count() == len(fixture_rules())


def test_a_rule_reads_in_the_readers_language(documented_rules):
    from django.utils import translation

    rule = EligibilityRule.objects.get(code="technology-readiness-7-9")
    with translation.override("zh-hans"):
        assert rule.title == "产品技术成熟度达到7–9级"
    rule.label_en = rule.label_zh_hans = ""
    with translation.override("en"):
        assert rule.title == "Technology readiness level 7 to 9."


def test_a_document_type_rule_counts_only_that_type(enterprise, applicant, documented_rules):
    application = eligible(enterprise, "enterprise-technology-centres")
    application.attachments.filter(document_type="application_form").update(
        document_type=Attachment.DocumentType.OTHER
    )

    with pytest.raises(MoveRefused, match="attach the “Application form”"):
        file(application, applicant)


# --- Where people meet the rules ----------------------------------------------------------


def test_the_filing_form_lists_the_rules_and_records_the_declaration(
    client, enterprise, applicant, documented_rules
):
    call = factories.open_call(
        factories.CallFactory(programme=Programme.objects.get(code="central-ftdf-cocoon-silk"))
    )
    EligibilityRule.objects.filter(code="cap-per-project").update(is_active=False)
    client.force_login(applicant)
    url = reverse("programmes:apply", args=[call.pk])

    page = client.get(url).content.decode()

    assert "Support of at most 70% of the project" in page
    assert "The same project not funded twice" in page
    assert "per project." not in page  # the inactive rule
    assert "no serious violation of laws or regulations in the last 3 years" in page

    response = client.post(
        url,
        {
            "title": "数字化织造",
            "requested_amount": "500000",
            "project_name": "数字化织造",
            "category": "digital_upgrading",
            "total_investment": "1000000",
            "no_serious_violation_declared": "on",
            "document_type": "application_form",
            "action": "save",
        },
    )
    assert response.status_code == 302
    assert Application.objects.get(title="数字化织造").no_serious_violation_declared


def test_a_programme_without_the_rule_asks_no_declaration(client, enterprise, applicant):
    call = factories.open_call(factories.CallFactory())
    client.force_login(applicant)

    page = client.get(reverse("programmes:apply", args=[call.pk])).content.decode()

    assert "no_serious_violation_declared" not in page
    assert 'id="eligibility-rules"' not in page


def test_staff_edit_a_rule_in_admin_and_a_wrong_parameter_is_named(client, staff, documented_rules):
    programme = Programme.objects.get(code="zj-first-batch-new-materials")
    rule = EligibilityRule.objects.get(programme=programme, code="technology-readiness-7-9")
    client.force_login(staff)
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, (list, Programme))
    }
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        prefix = formset.formset.prefix
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{prefix}-{name}"] = management.initial.get(name, management[name].value())
        for index, inline in enumerate(formset.formset.forms):
            for name, field in inline.fields.items():
                value = inline.initial.get(name, field.initial)
                if value is not None and value is not False:
                    data[f"{prefix}-{index}-{name}"] = getattr(value, "pk", value)
    data.update({"region": "", "kind": programme.kind, "level": programme.level})
    position = [
        key.rsplit("-", 1)[0]
        for key, value in data.items()
        if key.endswith("-id") and value == rule.pk and "eligibility" in key
    ][0]

    data[f"{position}-maximum"] = "6"
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "The maximum cannot be below the minimum." in refused.content.decode()
    rule.refresh_from_db()
    assert rule.maximum == 9

    data[f"{position}-minimum"] = "6"
    client.post(url, data)
    rule.refresh_from_db()
    assert (rule.minimum, rule.maximum) == (6, 6)
