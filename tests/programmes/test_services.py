"""Services: creating applications, recording results, outcomes and expert assignments."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from programmes.exceptions import MoveRefused
from programmes.models import (
    Application,
    ApplicationEvent,
    Designation,
    DesignationDetail,
    Disbursement,
    Evaluation,
    Grade,
    Kind,
    Level,
    ProductDetail,
    ProjectDetail,
    ReviewAssignment,
    Source,
    grade_for_score,
)
from programmes.services import (
    application_create,
    application_move,
    application_record_result,
    designation_record,
    disbursement_record,
    evaluation_record,
    expert_assign,
)
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

DETAILS = {
    Kind.PRODUCT: (
        ProductDetail,
        "product_detail",
        {
            "product_name": "高性能碳纤维",
            "tier": "provincial_first",
            "technology_readiness_level": 8,
        },
    ),
    Kind.PROJECT: (
        ProjectDetail,
        "project_detail",
        {"project_name": "丝绸数字化织造", "total_investment": Decimal("2500000")},
    ),
    Kind.DESIGNATION: (
        DesignationDetail,
        "designation_detail",
        {"platform_name": "省级企业技术中心", "level_sought": Level.PROVINCIAL, "rd_staff": 42},
    ),
}


def call_of(kind):
    return factories.CallFactory(programme=factories.ProgrammeFactory(kind=kind))


# --- application_create ---------------------------------------------------------------


@pytest.mark.parametrize("kind", list(DETAILS))
def test_create_makes_a_draft_with_the_detail_record_of_its_kind(enterprise, applicant, kind):
    model, attribute, detail = DETAILS[kind]
    application = application_create(
        enterprise=enterprise,
        call=call_of(kind),
        actor=applicant,
        title="2026 年申报",
        detail=detail,
        requested_amount=Decimal("500000"),
    )
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.kind == kind
    assert application.region_id == enterprise.region_id
    assert application.created_by == applicant
    assert application.source == Source.PORTAL
    assert isinstance(application.detail, model)
    assert getattr(application, attribute) == application.detail
    for field, value in detail.items():
        assert getattr(application.detail, field) == value
    # Exactly one detail record, of the right kind, and nothing on the timeline yet.
    others = [m for m, _, _ in DETAILS.values() if m is not model]
    assert not any(m.objects.filter(application=application).exists() for m in others)
    assert not application.events.exists()
    assert application.detail.subject == application.headline


def test_create_without_detail_values_still_makes_the_detail_record(enterprise, applicant):
    application = application_create(
        enterprise=enterprise, call=call_of(Kind.PROJECT), actor=applicant, title="项目"
    )
    assert ProjectDetail.objects.filter(application=application).count() == 1


@pytest.mark.parametrize(
    ("kind", "bad_detail"),
    [
        (Kind.PRODUCT, {"technology_readiness_level": 10}),
        (Kind.PRODUCT, {"tier": "galactic"}),
        (Kind.PROJECT, {"total_investment": Decimal("-1")}),
        (Kind.PROJECT, {"starts_on": date(2026, 5, 1), "ends_on": date(2026, 4, 1)}),
        (Kind.DESIGNATION, {"level_sought": "imperial"}),
        (Kind.DESIGNATION, {"rd_spending": Decimal("-5")}),
    ],
)
def test_create_validates_the_detail_and_leaves_nothing_behind(
    enterprise, applicant, kind, bad_detail
):
    with pytest.raises(ValidationError):
        application_create(
            enterprise=enterprise,
            call=call_of(kind),
            actor=applicant,
            title="无效申报",
            detail=bad_detail,
        )
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [{"title": ""}, {"title": "x" * 256}, {"title": "t", "requested_amount": Decimal("-1")}],
)
def test_create_validates_the_application(enterprise, applicant, fields):
    with pytest.raises(ValidationError):
        application_create(
            enterprise=enterprise, call=call_of(Kind.PRODUCT), actor=applicant, **fields
        )
    assert not Application.objects.exists()


def test_create_refuses_the_same_title_twice_in_one_call(enterprise, applicant):
    call = call_of(Kind.PRODUCT)
    application_create(enterprise=enterprise, call=call, actor=applicant, title="同名")
    with pytest.raises(ValidationError):
        application_create(enterprise=enterprise, call=call, actor=applicant, title="同名")
    assert Application.objects.count() == 1


# --- application_record_result ----------------------------------------------------------


@pytest.mark.parametrize("source", [Source.IMPORT, Source.ARTICLE, Source.ADMIN])
def test_record_result_enters_granted_with_a_record_result_event(enterprise, staff, source):
    application = application_record_result(
        enterprise=enterprise,
        call=call_of(Kind.PRODUCT),
        actor=staff,
        title="首批次新材料",
        source=source,
        source_note="浙江省经信厅 2023-09-28 公告",
        detail={"product_name": "光伏玻璃"},
        awarded_amount=Decimal("300000"),
    )
    application.refresh_from_db()
    assert application.status == Status.GRANTED
    assert application.source == source
    assert application.awarded_amount == Decimal("300000")
    assert application.decided_at is not None
    assert application.submitted_at is None
    assert application.product_detail.product_name == "光伏玻璃"
    [event] = application.events.all()
    assert event.move == "record_result"
    assert (event.from_status, event.to_status) == (Status.DRAFT, Status.GRANTED)
    assert event.actor == staff
    assert event.comment == "浙江省经信厅 2023-09-28 公告"
    assert event.at == application.decided_at


def test_record_result_refuses_a_portal_source(enterprise, staff):
    with pytest.raises(ValidationError):
        application_record_result(
            enterprise=enterprise,
            call=call_of(Kind.PRODUCT),
            actor=staff,
            title="伪造结果",
            source=Source.PORTAL,
            source_note="",
        )
    assert not Application.objects.exists()
    assert not ApplicationEvent.objects.exists()


def test_record_result_validates_and_leaves_nothing_behind(enterprise, staff):
    with pytest.raises(ValidationError):
        application_record_result(
            enterprise=enterprise,
            call=call_of(Kind.PRODUCT),
            actor=staff,
            title="结果",
            source=Source.IMPORT,
            source_note="名单",
            detail={"technology_readiness_level": 12},
        )
    assert not Application.objects.exists()
    assert not ApplicationEvent.objects.exists()


def test_recorded_designation_result_can_be_warned_later(enterprise, staff):
    application = application_record_result(
        enterprise=enterprise,
        call=call_of(Kind.DESIGNATION),
        actor=staff,
        title="市级企业技术中心",
        source=Source.IMPORT,
        source_note="名单",
    )
    application_move(application=application, actor=staff, move="warn")
    assert application.status == Status.WARNED


# --- designations and evaluations -----------------------------------------------------


def granted_designation_application(enterprise, status=Status.GRANTED):
    return factories.ApplicationFactory(
        enterprise=enterprise, call=call_of(Kind.DESIGNATION), status=status
    )


@pytest.fixture
def designation(enterprise, staff):
    return designation_record(
        application=granted_designation_application(enterprise),
        actor=staff,
        level=Level.MUNICIPAL,
        certificate_number="JX-2024-001",
        designated_on=date(2024, 12, 1),
        valid_from=date(2025, 1, 1),
        valid_until=date(2027, 12, 31),
    )


def test_designation_is_recorded_for_a_granted_designation(designation):
    designation.refresh_from_db()
    assert designation.level == Level.MUNICIPAL
    assert designation.certificate_number == "JX-2024-001"
    assert designation.application.status == Status.GRANTED


def test_designation_may_be_recorded_for_a_warned_designation(enterprise, staff):
    application = granted_designation_application(enterprise, Status.WARNED)
    designation_record(application=application, actor=staff, level=Level.PROVINCIAL)
    assert Designation.objects.filter(application=application).exists()


@pytest.mark.parametrize("kind", [Kind.PRODUCT, Kind.PROJECT])
def test_designation_refuses_a_non_designation_application(enterprise, staff, kind):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call_of(kind), status=Status.GRANTED
    )
    with pytest.raises(ValidationError):
        designation_record(application=application, actor=staff, level=Level.MUNICIPAL)
    assert not Designation.objects.exists()


@pytest.mark.parametrize(
    "status",
    [Status.DRAFT, Status.APPROVED, Status.IN_PUBLIC_NOTICE, Status.REVOKED, Status.EXPIRED],
)
def test_designation_refuses_an_application_that_is_not_granted(enterprise, staff, status):
    application = granted_designation_application(enterprise, status)
    with pytest.raises(ValidationError):
        designation_record(application=application, actor=staff, level=Level.MUNICIPAL)
    assert not Designation.objects.exists()


def test_designation_is_recorded_once_per_application(designation, staff):
    with pytest.raises(ValidationError):
        designation_record(application=designation.application, actor=staff, level=Level.PROVINCIAL)
    assert Designation.objects.count() == 1


def test_designation_refuses_a_validity_that_ends_before_it_starts(enterprise, staff):
    with pytest.raises(ValidationError):
        designation_record(
            application=granted_designation_application(enterprise),
            actor=staff,
            level=Level.MUNICIPAL,
            valid_from=date(2025, 1, 1),
            valid_until=date(2024, 12, 31),
        )
    assert not Designation.objects.exists()


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("100", Grade.EXCELLENT),
        ("90", Grade.EXCELLENT),
        ("90.00", Grade.EXCELLENT),
        ("89.99", Grade.GOOD),
        ("65", Grade.GOOD),
        ("64.99", Grade.BASIC_PASS),
        ("60", Grade.BASIC_PASS),
        ("59.99", Grade.FAIL),
        ("0", Grade.FAIL),
    ],
)
def test_grade_follows_the_score_at_the_boundaries(score, grade):
    assert grade_for_score(Decimal(score)) == grade


# score → (grade, status afterwards, event written) for a designation that starts granted
EVALUATED_FROM_GRANTED = [
    ("90", Grade.EXCELLENT, Status.GRANTED, None),
    ("89.99", Grade.GOOD, Status.GRANTED, None),
    ("65", Grade.GOOD, Status.GRANTED, None),
    ("64.99", Grade.BASIC_PASS, Status.WARNED, "warn"),
    ("60", Grade.BASIC_PASS, Status.WARNED, "warn"),
    ("59.99", Grade.FAIL, Status.REVOKED, "revoke"),
]


@pytest.mark.parametrize(("score", "grade", "status", "event"), EVALUATED_FROM_GRANTED)
def test_evaluation_grade_and_its_effect_on_a_granted_designation(
    designation, staff, score, grade, status, event
):
    evaluation = evaluation_record(
        designation=designation,
        actor=staff,
        period="2023–2024",
        evaluated_on=date(2025, 3, 1),
        score=Decimal(score),
    )
    evaluation.refresh_from_db()
    assert evaluation.grade == grade
    assert evaluation.recorded_by == staff
    application = Application.objects.get(pk=designation.application_id)
    assert application.status == status
    events = list(application.events.all())
    if event is None:
        assert events == []
    else:
        [recorded] = events
        assert recorded.move == event
        assert recorded.actor == staff
        assert "2023–2024" in recorded.comment
        assert score in recorded.comment


# score → status afterwards for a designation that starts warned
EVALUATED_FROM_WARNED = [
    ("95", Status.GRANTED, "lift_warning"),
    ("65", Status.GRANTED, "lift_warning"),
    ("64.99", Status.WARNED, None),
    ("59.99", Status.REVOKED, "revoke"),
]


@pytest.mark.parametrize(("score", "status", "event"), EVALUATED_FROM_WARNED)
def test_evaluation_of_a_warned_designation(designation, staff, score, status, event):
    application_move(application=designation.application, actor=staff, move="warn")
    evaluation_record(
        designation=designation,
        actor=staff,
        period="2025–2026",
        evaluated_on=date(2027, 3, 1),
        score=Decimal(score),
    )
    application = Application.objects.get(pk=designation.application_id)
    assert application.status == status
    transitions = list(application.events.values_list("move", flat=True))
    assert transitions == ["warn"] + ([event] if event else [])


def test_two_evaluations_warn_then_lift(designation, staff):
    for period, score in (("2021–2022", "62"), ("2023–2024", "80")):
        evaluation_record(
            designation=designation,
            actor=staff,
            period=period,
            evaluated_on=date(2025, 1, 1),
            score=Decimal(score),
        )
    application = Application.objects.get(pk=designation.application_id)
    assert application.status == Status.GRANTED
    assert list(application.events.values_list("move", flat=True)) == [
        "warn",
        "lift_warning",
    ]
    assert designation.evaluations.count() == 2


@pytest.mark.parametrize("score", ["100.01", "-0.01", "1000"])
def test_evaluation_refuses_a_score_outside_0_to_100(designation, staff, score):
    with pytest.raises(ValidationError):
        evaluation_record(
            designation=designation,
            actor=staff,
            period="2023–2024",
            evaluated_on=date(2025, 3, 1),
            score=Decimal(score),
        )
    assert not Evaluation.objects.exists()


def test_evaluation_refuses_the_same_period_twice(designation, staff):
    kwargs = {"actor": staff, "period": "2023–2024", "evaluated_on": date(2025, 3, 1)}
    evaluation_record(designation=designation, score=Decimal("80"), **kwargs)
    with pytest.raises(ValidationError):
        evaluation_record(designation=designation, score=Decimal("50"), **kwargs)
    assert Evaluation.objects.count() == 1
    assert Application.objects.get(pk=designation.application_id).status == Status.GRANTED


def test_failed_evaluation_by_someone_who_may_not_revoke_records_nothing(designation, applicant):
    with pytest.raises(MoveRefused):
        evaluation_record(
            designation=designation,
            actor=applicant,
            period="2023–2024",
            evaluated_on=date(2025, 3, 1),
            score=Decimal("40"),
        )
    assert not Evaluation.objects.exists()
    assert Application.objects.get(pk=designation.application_id).status == Status.GRANTED


# --- disbursements -----------------------------------------------------------------------


@pytest.fixture
def funded(enterprise):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call_of(Kind.PROJECT), status=Status.GRANTED
    )
    Application.objects.filter(pk=application.pk).update(awarded_amount=Decimal("700000"))
    application.refresh_from_db()
    return application


def pay(application, actor, amount):
    return disbursement_record(
        application=application, actor=actor, amount=Decimal(amount), paid_on=date(2026, 6, 30)
    )


def test_disbursements_up_to_the_award_are_recorded(funded, staff):
    pay(funded, staff, "300000")
    last = pay(funded, staff, "400000")
    assert last.recorded_by == staff
    assert sum(funded.disbursements.values_list("amount", flat=True)) == Decimal("700000")


def test_disbursement_refuses_exceeding_the_award(funded, staff):
    pay(funded, staff, "699999.99")
    with pytest.raises(ValidationError) as caught:
        pay(funded, staff, "0.02")
    assert "exceed" in caught.value.messages[0]
    assert funded.disbursements.count() == 1


def test_disbursement_refuses_a_single_payment_above_the_award(funded, staff):
    with pytest.raises(ValidationError):
        pay(funded, staff, "700000.01")
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-100"])
def test_disbursement_refuses_a_payment_that_is_not_positive(funded, staff, amount):
    with pytest.raises(ValidationError):
        pay(funded, staff, amount)
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize(
    "status", [Status.APPROVED, Status.IN_PUBLIC_NOTICE, Status.REJECTED, Status.WITHDRAWN]
)
def test_disbursement_refuses_an_application_that_is_not_granted(enterprise, staff, status):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call_of(Kind.PROJECT), status=status
    )
    Application.objects.filter(pk=application.pk).update(awarded_amount=Decimal("100000"))
    with pytest.raises(ValidationError):
        pay(application, staff, "1000")
    assert not Disbursement.objects.exists()


def test_disbursement_refuses_a_granted_application_without_an_award(enterprise, staff):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call_of(Kind.PROJECT), status=Status.GRANTED
    )
    with pytest.raises(ValidationError):
        pay(application, staff, "1000")
    assert not Disbursement.objects.exists()


# --- expert assignment ----------------------------------------------------------------


@pytest.fixture
def accepted(enterprise):
    return factories.ApplicationFactory(
        enterprise=enterprise, call=call_of(Kind.PRODUCT), status=Status.ACCEPTED
    )


def test_expert_is_assigned_once(accepted, expert, staff):
    first = expert_assign(application=accepted, expert=expert, actor=staff)
    again = expert_assign(application=accepted, expert=expert, actor=staff)
    assert first.pk == again.pk
    assert ReviewAssignment.objects.filter(application=accepted, expert=expert).count() == 1


@pytest.mark.parametrize("role", [None, "Applicants", "County officers", "Bureau staff"])
def test_expert_assign_refuses_someone_who_is_not_an_expert(accepted, staff, role):
    user = factories.UserFactory(username="not-an-expert", role=role)
    with pytest.raises(ValidationError):
        expert_assign(application=accepted, expert=user, actor=staff)
    assert not ReviewAssignment.objects.exists()


def test_expert_assign_refuses_an_expert_who_is_a_member_of_the_enterprise(
    accepted, enterprise, staff
):
    insider = factories.applicant_for(enterprise, username="insider")
    insider.groups.add(factories.Group.objects.get(name="Experts"))
    with pytest.raises(ValidationError):
        expert_assign(application=accepted, expert=insider, actor=staff)
    assert not ReviewAssignment.objects.exists()


@pytest.mark.parametrize(
    "membership_status",
    [factories.Membership.Status.APPROVED, factories.Membership.Status.PENDING],
)
def test_expert_assign_refuses_a_member_expert_outside_the_applicants_group(
    accepted, enterprise, staff, membership_status
):
    # An expert who left the Applicants group, or only asked to join, is still an insider.
    insider = factories.expert_user(username="insider-expert")
    factories.Membership.objects.create(
        user=insider, enterprise=enterprise, status=membership_status
    )
    with pytest.raises(ValidationError):
        expert_assign(application=accepted, expert=insider, actor=staff)
    assert not ReviewAssignment.objects.exists()


def test_expert_of_another_enterprise_may_be_assigned(accepted, other_enterprise, staff):
    outsider = factories.applicant_for(other_enterprise, username="outsider")
    outsider.groups.add(factories.Group.objects.get(name="Experts"))
    assert expert_assign(application=accepted, expert=outsider, actor=staff).expert == outsider


@pytest.mark.parametrize("actor_fixture", ["applicant", "officer", "expert"])
def test_only_bureau_staff_assign_experts(request, accepted, actor_fixture):
    actor = request.getfixturevalue(actor_fixture)
    other_expert = factories.expert_user(username="second-expert")
    with pytest.raises(ValidationError):
        expert_assign(application=accepted, expert=other_expert, actor=actor)
    assert not ReviewAssignment.objects.exists()
