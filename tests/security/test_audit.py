"""Audit: decisions, status changes, imports, exports and refused access leave a record
(actor, object, time, action) that nobody can edit or delete through admin or the API."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, ImportRecord
from enterprises.models import Enterprise
from enterprises.resources import EnterpriseResource
from enterprises.services import (
    enterprise_update,
    membership_approve,
    membership_decline,
    membership_request,
)
from programmes.exceptions import MoveRefused
from programmes.models import Kind, Level, ScoreCriterion
from programmes.services import application_move
from programmes.services.outcomes import (
    designation_record,
    disbursement_record,
    evaluation_record,
)
from programmes.services.reviews import (
    expert_assign,
    review_declare_no_conflict,
    review_save_scores,
)
from programmes.workflow import DECIDED, MOVES, Actor, Status
from tests import factories

from .conftest import attach

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


# --- Decisions and status changes -----------------------------------------------------


@pytest.mark.parametrize("move", MOVES.values(), ids=lambda move: move.name)
def test_every_workflow_move_writes_an_audit_entry(move, enterprise, applicant, officer, staff):
    actor = {Actor.APPLICANT: applicant, Actor.COUNTY: officer, Actor.STAFF: staff}[move.actors[0]]
    kind = Kind.DESIGNATION if move.designation_only else Kind.PRODUCT
    application = factories.ready_to_file(
        factories.ApplicationFactory(
            enterprise=enterprise,
            call=factories.CallFactory(
                programme=factories.ProgrammeFactory(kind=kind), public_notice_days=0
            ),
            status=move.sources[0],
        )
    )
    if move.name == "grant":
        factories.notice_opened(application, days_ago=1)
    started = timezone.now()

    application_move(application=application, actor=actor, move=move.name, comment="reason given")

    [entry] = AuditEntry.objects.filter(object_type="programmes.Application")
    expected = Action.DECISION if move.target in DECIDED else Action.MOVE
    assert entry.action == expected
    assert entry.actor == actor
    assert entry.object_id == str(application.pk)
    assert entry.object_repr == application.title
    assert started <= entry.at <= timezone.now()
    assert move.name in entry.detail and move.target in entry.detail


# --- Every other write of a service: one entry each, through ``audit_record`` ----------------


def _granted(enterprise, kind=Kind.DESIGNATION):
    return factories.ApplicationFactory(
        enterprise=enterprise,
        call=factories.CallFactory(programme=factories.ProgrammeFactory(kind=kind)),
        status=Status.GRANTED,
        awarded_amount=Decimal("100000"),
    )


def _record(action, actor, obj):
    [entry] = AuditEntry.objects.filter(action=action)
    assert entry.actor == actor
    assert (entry.object_type, entry.object_id) == (obj._meta.label, str(obj.pk))
    return entry


def test_recording_outcomes_writes_audit_entries(enterprise, staff):
    centre = _granted(enterprise)
    designation = designation_record(application=centre, actor=staff, level=Level.MUNICIPAL)
    assert "recorded" in _record(Action.RECORD, staff, designation).detail

    funded = _granted(enterprise, Kind.PROJECT)
    paid = disbursement_record(
        application=funded, actor=staff, amount=Decimal("40000"), paid_on=date(2026, 3, 1)
    )
    entry = AuditEntry.objects.filter(object_type="programmes.Disbursement").get()
    assert (entry.actor, entry.object_id) == (staff, str(paid.pk))
    assert "40000" in entry.detail

    evaluation_record(
        designation=designation,
        actor=staff,
        period="2025",
        evaluated_on=date(2026, 3, 1),
        score=Decimal("95"),
    )
    assert AuditEntry.objects.filter(object_type="programmes.Evaluation", actor=staff).exists()


def test_assigning_an_expert_and_the_experts_sheet_write_audit_entries(enterprise, staff, expert):
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.IN_REVIEW)
    ScoreCriterion.objects.create(
        programme=application.call.programme, name="创新性", weight=Decimal("100")
    )
    assignment = expert_assign(application=application, expert=expert, actor=staff)
    expert_assign(application=application, expert=expert, actor=staff)  # again: no new entry
    review_declare_no_conflict(assignment=assignment, actor=expert)
    criterion = application.call.programme.criteria.get()
    review_save_scores(
        assignment=assignment, actor=expert, scores={criterion.pk: Decimal("88")}, submit=True
    )

    details = list(
        AuditEntry.objects.filter(object_type="programmes.ReviewAssignment")
        .order_by("id")
        .values_list("actor__username", "detail")
    )
    assert details == [
        ("staff", "assigned"),
        ("expert", "no conflict of interest declared"),
        ("expert", "score sheet submitted"),
    ]


def test_membership_decisions_and_profile_changes_write_audit_entries(enterprise, applicant):
    newcomer = factories.UserFactory(username="newcomer", role="Applicants")
    request = membership_request(user=newcomer, enterprise=enterprise)
    membership_approve(membership=request, actor=applicant)
    declined = membership_request(
        user=factories.UserFactory(username="stranger", role="Applicants"), enterprise=enterprise
    )
    membership_decline(membership=declined, actor=applicant)
    enterprise_update(enterprise=enterprise, actor=applicant, data={"address": "嘉兴市南湖区"})

    rows = list(
        AuditEntry.objects.order_by("id").values_list("action", "actor__username", "detail")
    )
    assert rows == [
        (Action.RECORD, "newcomer", "requested"),
        (Action.DECISION, "applicant", "approved"),
        (Action.RECORD, "stranger", "requested"),
        (Action.DECISION, "applicant", "declined"),
        (Action.RECORD, "applicant", "profile changed"),
    ]


def test_an_admin_edit_is_an_audit_entry(client, staff):
    programme = factories.ProgrammeFactory(name="旧名称")
    client.force_login(staff)
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    page = client.get(url).context
    form = page["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update({"name_zh_hans": "新名称", "is_active": "on"})
    for inline in page["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})

    assert client.post(url, data).status_code == 302

    entry = _record(Action.RECORD, staff, programme)
    assert entry.detail.startswith("changed in admin")


def test_a_refused_move_writes_no_audit_entry(enterprise, applicant):
    application = factories.ApplicationFactory(enterprise=enterprise)
    with pytest.raises(MoveRefused):
        application_move(application=application, actor=applicant, move="grant")

    assert not AuditEntry.objects.exists()


# --- Refused access ---------------------------------------------------------------------


def test_a_403_page_is_audited(client, officer):
    client.force_login(officer)

    assert client.get(reverse("dashboard:index")).status_code == 403

    [entry] = entries(Action.ACCESS_REFUSED)
    assert entry.actor == officer
    assert entry.object_repr == reverse("dashboard:index")
    assert entry.ip_address == "127.0.0.1"


def test_a_refused_file_download_is_audited(client, other_applicant, enterprise):
    attachment = attach(factories.ApplicationFactory(enterprise=enterprise), "secret.pdf")
    client.force_login(other_applicant)

    url = reverse("programmes:attachment-download", args=[attachment.pk])
    assert client.get(url).status_code == 404

    [entry] = entries(Action.ACCESS_REFUSED)
    assert (entry.actor, entry.object_id) == (other_applicant, str(attachment.pk))
    assert entry.object_type == "programmes:attachment-download"


def test_each_file_handed_out_is_audited_with_who_took_it_and_how(client, applicant, enterprise):
    attachment = attach(factories.ApplicationFactory(enterprise=enterprise), "报告.pdf")
    client.force_login(applicant)

    download = client.get(reverse("programmes:attachment-download", args=[attachment.pk]))
    preview = client.get(reverse("programmes:attachment-preview", args=[attachment.pk]))

    assert (download.status_code, preview.status_code) == (200, 200)
    taken = entries(Action.EXPORT)
    assert [(entry.actor, entry.object_id) for entry in taken] == [
        (applicant, str(attachment.pk))
    ] * 2
    assert sorted(entry.detail.rsplit(" via ", 1)[1] for entry in taken) == [
        "portal download",
        "portal preview",
    ]


def test_a_refused_api_call_is_audited(api_client_for, applicant, other_enterprise):
    foreign = factories.ApplicationFactory(enterprise=other_enterprise)
    client = api_client_for(applicant)

    assert client.get("/api/v1/tokens/").status_code == 403
    assert client.get(f"/api/v1/applications/{foreign.pk}/").status_code == 404

    refused = entries(Action.ACCESS_REFUSED)
    assert [entry.actor for entry in refused] == [applicant, applicant]
    assert refused[1].object_id == str(foreign.pk)


def test_an_admin_page_outside_the_scope_is_audited(client, officer, other_enterprise):
    foreign = factories.ApplicationFactory(enterprise=other_enterprise)
    client.force_login(officer)

    response = client.get(reverse("admin:programmes_application_change", args=[foreign.pk]))

    assert response.status_code == 302
    [entry] = entries(Action.ACCESS_REFUSED)
    assert (entry.actor, entry.object_type, entry.object_id) == (
        officer,
        "programmes.Application",
        str(foreign.pk),
    )


def test_a_missing_public_page_is_not_an_access_refusal(client, applicant):
    client.force_login(applicant)
    client.get("/no-such-page/")

    assert not AuditEntry.objects.exists()


# --- Imports and exports -------------------------------------------------------------------


def import_sheet(tmp_path, user=None):
    path = tmp_path / "enterprises.csv"
    path.write_text(
        f"统一社会信用代码,企业名称\n{factories.make_credit_code(901)},嘉兴审计测试有限公司\n",
        encoding="utf-8",
    )
    return EnterpriseResource().import_file(path, user=user, via="cli")


def test_an_import_leaves_its_record_with_who_what_and_when(tmp_path, staff):
    staff.user_permissions.add(
        Permission.objects.get_or_create(
            codename="import_enterprise",
            content_type=ContentType.objects.get_for_model(Enterprise),
            defaults={"name": "Can import enterprises"},
        )[0]
    )
    result = import_sheet(tmp_path, user=staff)

    assert result.committed
    record = ImportRecord.objects.get()
    assert (record.user, record.file_name, record.created_rows) == (staff, "enterprises.csv", 1)
    assert timezone.now() - record.at < timedelta(minutes=1)


def test_an_import_writes_an_audit_entry(tmp_path):
    import_sheet(tmp_path)

    [entry] = entries(Action.IMPORT)
    assert entry.object_type == "core.ImportRecord"
    assert entry.object_id == str(ImportRecord.objects.get().pk)


def test_a_dashboard_export_writes_an_audit_entry(client, staff):
    client.force_login(staff)

    response = client.get(reverse("dashboard:export", args=["announced"]))

    assert response.status_code == 200
    [entry] = entries(Action.EXPORT)
    assert entry.actor == staff
    assert entry.object_type == "dashboard:announced"


def test_a_sheet_export_writes_an_audit_entry(staff, enterprise):
    EnterpriseResource(user=staff).export()

    [entry] = entries(Action.EXPORT)
    assert entry.actor == staff


# --- Nobody edits or deletes an entry --------------------------------------------------------


@pytest.fixture
def entry(staff, enterprise):
    application = factories.ApplicationFactory(enterprise=enterprise, status="reviewed")
    application_move(application=application, actor=staff, move="approve")
    return AuditEntry.objects.get()


@pytest.fixture
def superuser():
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)


def test_staff_read_the_audit_trail_in_admin(client, staff, entry):
    client.force_login(staff)

    response = client.get(reverse("admin:core_auditentry_changelist"))

    assert response.status_code == 200
    assert entry.object_repr in response.content.decode()


def test_other_desk_users_do_not_see_the_audit_trail(client, officer, expert, entry):
    for user in (officer, expert):
        client.force_login(user)
        url = reverse("admin:core_auditentry_change", args=[entry.pk])
        assert client.get(reverse("admin:core_auditentry_changelist")).status_code == 403
        assert client.get(url).status_code in {302, 403}


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_nobody_edits_adds_or_deletes_an_entry_in_admin(client, request, who, entry):
    client.force_login(request.getfixturevalue(who))
    change = reverse("admin:core_auditentry_change", args=[entry.pk])
    delete = reverse("admin:core_auditentry_delete", args=[entry.pk])
    changelist = reverse("admin:core_auditentry_changelist")

    page = client.get(change)
    answers = [
        client.post(change, {"action": "other", "detail": "rewritten"}),
        client.post(delete, {"post": "yes"}),
        client.get(reverse("admin:core_auditentry_add")),
        client.post(changelist, {"action": "delete_selected", "_selected_action": [entry.pk]}),
    ]

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert [answer.status_code for answer in answers[:3]] == [403, 403, 403]
    assert "delete_selected" not in client.get(changelist).content.decode()
    assert AuditEntry.objects.get(pk=entry.pk).detail == entry.detail


def test_the_api_has_no_way_to_reach_an_entry(api_client_for, staff, entry):
    client = api_client_for(staff)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    # No operation and no shape of the API is about audit entries (descriptions may say
    # that something is audited).
    assert [path for path in schema["paths"] if "audit" in path.lower()] == []
    assert [name for name in schema["components"]["schemas"] if "audit" in name.lower()] == []
    for method in ("get", "patch", "delete"):
        for url in ("/api/v1/audit-entries/", f"/api/v1/audit-entries/{entry.pk}/"):
            assert getattr(client, method)(url).status_code == 404
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_model_refuses_to_change_or_delete_an_entry(entry):
    entry.detail = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="never deleted"):
        entry.delete()
