"""The programme admin: scoped lists per role, workflow buttons and actions, refusals."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.models import ImportRecord, Notification
from programmes.models import (
    AnnouncedFigure,
    Application,
    ApplicationEvent,
    Attachment,
    Designation,
    Disbursement,
    Evaluation,
    Kind,
    Level,
    Objection,
    ProductDetail,
    ReviewAssignment,
    Source,
)
from programmes.services import application_move, designation_record
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

PROGRAMME_MODELS = [
    "programme",
    "call",
    "announcedfigure",
    "application",
    "designation",
    "evaluation",
    "disbursement",
    "reviewassignment",
    "objection",
    "importrecord",
    "applicationevent",
    "notification",
]


#: Records every app writes live in ``core``.
CORE_MODELS = {"importrecord", "auditentry", "notification"}


def changelist(model):
    app = "core" if model in CORE_MODELS else "programmes"
    return reverse(f"admin:{app}_{model}_changelist")


def change(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def shown(response):
    return set(response.context["cl"].result_list)


def change_form_data(response, **overrides):
    """The POST a browser would send back from an admin change page, with ``overrides``."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    data.update(overrides)
    return data


@pytest.fixture
def call():
    return factories.CallFactory(programme=factories.ProgrammeFactory(name="首批次新材料"))


@pytest.fixture
def submitted(enterprise, call):
    return factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.SUBMITTED, title="Nanhu coating"
    )


@pytest.fixture
def elsewhere(other_enterprise, call):
    return factories.ApplicationFactory(
        enterprise=other_enterprise, call=call, status=Status.SUBMITTED, title="Xiuzhou fibre"
    )


@pytest.fixture
def every_record(staff, expert, enterprise, region):
    """One row of every model the programme admin shows."""
    designation_call = factories.CallFactory(
        programme=factories.ProgrammeFactory(kind=Kind.DESIGNATION)
    )
    granted = factories.ApplicationFactory(
        enterprise=enterprise,
        call=designation_call,
        status=Status.GRANTED,
        awarded_amount=Decimal("1000000"),
    )
    designation = designation_record(application=granted, actor=staff, level=Level.MUNICIPAL)
    evaluation = Evaluation.objects.create(
        designation=designation,
        period="2024–2025",
        evaluated_on=date(2025, 6, 1),
        score=Decimal("92"),
        recorded_by=staff,
    )
    disbursement = Disbursement.objects.create(
        application=granted, amount=Decimal("500000"), paid_on=date(2025, 7, 1)
    )
    assignment = factories.assign(granted, expert)
    event = ApplicationEvent.objects.create(
        application=granted,
        actor=staff,
        at=timezone.now(),
        move="grant",
        from_status=Status.IN_PUBLIC_NOTICE,
        to_status=Status.GRANTED,
    )
    figure = AnnouncedFigure.objects.create(
        programme=designation_call.programme,
        call=designation_call,
        region=region,
        year=2025,
        count=15,
        source="notice",
    )
    objection = Objection.objects.create(
        application=granted, name="王先生", contact="13800000000", text="数据不实"
    )
    import_record = ImportRecord.objects.create(user=staff, resource="results", file_name="a.xlsx")
    notification = Notification.objects.create(
        user=staff, link=f"/applications/{granted.pk}/", message="Granted"
    )
    return {
        "programme": designation_call.programme,
        "call": designation_call,
        "announcedfigure": figure,
        "application": granted,
        "designation": designation,
        "evaluation": evaluation,
        "disbursement": disbursement,
        "reviewassignment": assignment,
        "objection": objection,
        "importrecord": import_record,
        "applicationevent": event,
        "notification": notification,
    }


# --- Who sees which page ---------------------------------------------------------------


@pytest.mark.parametrize("model", PROGRAMME_MODELS)
def test_staff_opens_every_changelist_and_change_page(client, staff, every_record, model):
    client.force_login(staff)
    assert client.get(changelist(model)).status_code == 200
    assert client.get(change(every_record[model])).status_code == 200


@pytest.mark.parametrize(
    "model", ["programme", "call", "application", "designation", "evaluation", "reviewassignment"]
)
def test_staff_opens_add_pages(client, staff, model):
    client.force_login(staff)
    assert client.get(reverse(f"admin:programmes_{model}_add")).status_code == 200


@pytest.mark.parametrize(
    "model",
    ["programme", "call", "application", "designation", "applicationevent", "notification"],
)
def test_county_officer_opens_read_only_changelists(client, officer, model):
    client.force_login(officer)
    assert client.get(changelist(model)).status_code == 200


@pytest.mark.parametrize("model", ["objection", "importrecord"])
def test_county_officer_and_expert_are_refused_bureau_records(client, officer, expert, model):
    for user in (officer, expert):
        client.force_login(user)
        assert client.get(changelist(model)).status_code == 403


@pytest.mark.parametrize("model", ["programme", "call", "application"])
def test_county_officer_cannot_add(client, officer, model):
    client.force_login(officer)
    assert client.get(reverse(f"admin:programmes_{model}_add")).status_code == 403


def test_applicant_is_sent_to_the_admin_login(client, applicant):
    client.force_login(applicant)
    response = client.get(changelist("application"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_county_officer_sees_only_their_jurisdiction(client, officer, submitted, elsewhere):
    draft = factories.ApplicationFactory(enterprise=submitted.enterprise, call=submitted.call)
    client.force_login(officer)
    response = client.get(changelist("application"))
    assert shown(response) == {submitted}
    assert draft not in shown(response)


def test_county_officer_cannot_open_an_application_elsewhere(client, officer, elsewhere):
    client.force_login(officer)
    response = client.get(change(elsewhere))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_county_officer_sees_an_application_read_only(client, officer, submitted):
    client.force_login(officer)
    response = client.get(change(submitted))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert response.context["adminform"].form.fields == {}


def test_expert_sees_only_assigned_applications(client, expert, submitted, elsewhere):
    factories.assign(elsewhere, expert)
    client.force_login(expert)
    response = client.get(changelist("application"))
    assert shown(response) == {elsewhere}
    assert client.get(change(elsewhere)).status_code == 200
    assert client.get(change(submitted)).status_code == 302


def test_expert_sees_only_their_own_assignments(client, expert, submitted, elsewhere):
    own = factories.assign(elsewhere, expert)
    factories.assign(submitted, factories.expert_user())
    client.force_login(expert)
    assert shown(client.get(changelist("reviewassignment"))) == {own}


def test_county_officer_is_refused_review_assignments(client, officer, submitted, expert):
    assignment = factories.assign(submitted, expert)
    client.force_login(officer)
    assert client.get(changelist("reviewassignment")).status_code == 403
    assert client.get(change(assignment)).status_code == 403
    page = client.get(change(submitted))
    assert expert.username not in page.content.decode()


def test_designations_are_scoped_like_their_applications(client, officer, every_record):
    other = factories.RegionFactory(code="330421", name="嘉善县")
    foreign_application = factories.ApplicationFactory(
        enterprise=factories.EnterpriseFactory(region=other),
        call=every_record["call"],
        status=Status.GRANTED,
    )
    foreign = Designation.objects.create(application=foreign_application, level=Level.MUNICIPAL)
    client.force_login(officer)
    assert shown(client.get(changelist("designation"))) == {every_record["designation"]}
    assert client.get(change(foreign)).status_code == 302


# --- The application page ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "inline_model"),
    [
        (Kind.PRODUCT, "productdetail"),
        (Kind.PROJECT, "projectdetail"),
        (Kind.DESIGNATION, "designationdetail"),
    ],
)
def test_change_page_shows_the_detail_of_its_kind_only(client, staff, kind, inline_model):
    application = factories.ApplicationFactory(
        call=factories.CallFactory(programme=factories.ProgrammeFactory(kind=kind))
    )
    client.force_login(staff)
    response = client.get(change(application))
    inline_models = [
        inline.opts.model._meta.model_name for inline in response.context["inline_admin_formsets"]
    ]
    detail_models = {"productdetail", "projectdetail", "designationdetail"}
    assert [name for name in inline_models if name in detail_models] == [inline_model]
    assert "applicationevent" in inline_models


def test_timeline_is_shown_oldest_first(client, staff, submitted):
    start = timezone.now()
    for minutes, comment in [(2, "注意事项二"), (1, "注意事项一")]:
        ApplicationEvent.objects.create(
            application=submitted,
            actor=staff,
            at=start + timezone.timedelta(minutes=minutes),
            move="note",
            from_status=Status.SUBMITTED,
            to_status=Status.SUBMITTED,
            comment=comment,
        )
    client.force_login(staff)
    content = client.get(change(submitted)).content.decode()
    assert content.index("注意事项一") < content.index("注意事项二")


def test_attachments_link_to_the_checked_download(client, staff, submitted):
    attachment = Attachment.objects.create(
        application=submitted,
        file=SimpleUploadedFile("report.pdf", b"%PDF-1.4"),
        original_name="检测报告.pdf",
        content_type="application/pdf",
        size=8,
    )
    client.force_login(staff)
    response = client.get(change(submitted))
    assert (
        reverse("programmes:attachment-download", args=[attachment.pk]) in response.content.decode()
    )


def test_status_cannot_be_edited_through_the_change_form(client, staff, submitted):
    client.force_login(staff)
    page = client.get(change(submitted))
    assert "status" not in page.context["adminform"].form.fields
    response = client.post(
        change(submitted), change_form_data(page, title="Renamed", status=Status.GRANTED)
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    submitted.refresh_from_db()
    assert submitted.title == "Renamed"
    assert submitted.status == Status.SUBMITTED


def test_staff_edits_the_detail_record_inline(client, staff, submitted):
    client.force_login(staff)
    page = client.get(change(submitted))
    response = client.post(
        change(submitted), change_form_data(page, **{"product_detail-0-product_name": "石墨烯"})
    )
    assert response.status_code == 302
    assert ProductDetail.objects.get(application=submitted).product_name == "石墨烯"


def test_adding_an_application_creates_its_detail_through_the_service(
    client, staff, enterprise, call
):
    client.force_login(staff)
    response = client.post(
        reverse("admin:programmes_application_add"),
        {"call": call.pk, "enterprise": enterprise.pk, "title": "Paper filing"},
    )
    application = Application.objects.get(title="Paper filing")
    assert response.status_code == 302
    assert response["Location"] == change(application)
    assert application.kind == call.programme.kind
    assert application.source == Source.ADMIN
    assert application.status == Status.DRAFT
    assert application.created_by == staff
    assert ProductDetail.objects.filter(application=application).exists()


def test_adding_a_duplicate_application_is_a_form_error(client, staff, submitted):
    client.force_login(staff)
    response = client.post(
        reverse("admin:programmes_application_add"),
        {
            "call": submitted.call.pk,
            "enterprise": submitted.enterprise.pk,
            "title": submitted.title,
        },
    )
    assert response.status_code == 200
    assert response.context["errors"]
    assert Application.objects.filter(title=submitted.title).count() == 1


def test_history_is_viewable_but_cannot_be_reverted(client, staff, submitted):
    submitted.title = "Changed"
    submitted.save()
    version = submitted.history.earliest()
    client.force_login(staff)
    history_url = reverse("admin:programmes_application_history", args=[submitted.pk])
    assert client.get(history_url).status_code == 200
    revert_url = reverse(
        "admin:programmes_application_simple_history", args=[submitted.pk, version.history_id]
    )
    assert client.get(revert_url).status_code == 200
    assert client.post(revert_url, {"title": "Nanhu coating"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.title == "Changed"


# --- Workflow on one application --------------------------------------------------------------


def move_url(application):
    return reverse("admin:programmes_application_move", args=[application.pk])


def test_change_page_offers_the_moves_the_user_may_make(client, officer, submitted):
    client.force_login(officer)
    response = client.get(change(submitted))
    names = [move.name for move in response.context["workflow_moves"]]
    assert names == ["recommend", "return_for_revision"]
    assert 'value="recommend"' in response.content.decode()


def test_workflow_button_names_the_consequence_first_and_changes_nothing(
    client, officer, submitted
):
    client.force_login(officer)
    response = client.post(
        move_url(submitted),
        {"move": "recommend", "comment": "材料齐全", "expected_status": "submitted"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "takes one place of the county&#x27;s quota" in html
    # What was typed is carried to the confirming button.
    assert 'name="comment" value="材料齐全"' in html
    assert 'name="confirmed" value="yes"' in html
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not submitted.events.exists()


def test_workflow_button_makes_the_move(client, officer, submitted):
    client.force_login(officer)
    response = client.post(move_url(submitted), {"move": "recommend", "confirmed": "yes"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.RECOMMENDED
    event = submitted.events.get()
    assert (event.actor, event.from_status, event.to_status) == (
        officer,
        Status.SUBMITTED,
        Status.RECOMMENDED,
    )
    assert any("Recommended by county" in message for message in messages_of(response))


def test_workflow_button_reports_a_refused_move_and_changes_nothing(client, officer, submitted):
    client.force_login(officer)
    response = client.post(move_url(submitted), {"move": "accept"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not submitted.events.exists()
    assert any("was not changed" in message for message in messages_of(response))


def test_workflow_button_needs_a_comment_where_the_move_does(client, officer, submitted):
    client.force_login(officer)
    # Not asked to confirm a move that cannot be made: refused at once, saying why.
    refused = client.post(move_url(submitted), {"move": "return_for_revision", "comment": " "})
    assert refused.status_code == 302
    assert any("needs a comment" in message for message in messages_of(refused))
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    client.post(
        move_url(submitted),
        {"move": "return_for_revision", "comment": "Test report missing", "confirmed": "yes"},
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED
    assert submitted.events.get().comment == "Test report missing"


def test_unknown_move_is_a_message_not_an_error(client, staff, submitted):
    client.force_login(staff)
    response = client.post(move_url(submitted), {"move": "teleport"})
    assert response.status_code == 302
    assert any("not a workflow action" in message for message in messages_of(response))


def test_workflow_button_on_an_application_elsewhere_does_nothing(client, officer, elsewhere):
    client.force_login(officer)
    response = client.post(move_url(elsewhere), {"move": "recommend"})
    assert response.status_code == 302
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.SUBMITTED


# --- Workflow in bulk -------------------------------------------------------------------------


def run_action(client, action, applications, **extra):
    return client.post(
        changelist("application"),
        {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in applications], **extra},
    )


def test_bulk_action_moves_the_allowed_and_reports_the_refused(client, staff, call, enterprise):
    ready = [
        factories.ApplicationFactory(call=call, enterprise=enterprise, status=Status.RECOMMENDED)
        for _ in range(2)
    ]
    early = factories.ApplicationFactory(
        call=call, enterprise=enterprise, status=Status.SUBMITTED, title="Too early"
    )
    client.force_login(staff)
    response = run_action(client, "workflow_accept", [*ready, early], index=0, post="yes")
    assert response.status_code == 302
    for application in ready:
        application.refresh_from_db()
        assert application.status == Status.ACCEPTED
    early.refresh_from_db()
    assert early.status == Status.SUBMITTED
    messages = messages_of(response)
    assert any("“Too early” was not changed" in message for message in messages)
    assert sum("is now “Accepted by bureau”" in message for message in messages) == 2


def test_bulk_action_names_the_consequence_before_a_move_that_cannot_be_undone(
    client, staff, call, enterprise
):
    ready = factories.ApplicationFactory(
        call=call, enterprise=enterprise, status=Status.RECOMMENDED
    )
    client.force_login(staff)

    confirmation = run_action(client, "workflow_accept", [ready], index=0)

    assert confirmation.status_code == 200
    assert "It can no longer be returned to the applicant." in confirmation.content.decode()
    ready.refresh_from_db()
    assert ready.status == Status.RECOMMENDED


def test_bulk_action_asks_for_the_comment_a_move_requires(client, staff, call, enterprise):
    applications = [
        factories.ApplicationFactory(call=call, enterprise=enterprise, status=Status.REVIEWED)
        for _ in range(2)
    ]
    client.force_login(staff)
    confirmation = run_action(client, "workflow_reject", applications, index=0)
    assert confirmation.status_code == 200
    assert 'name="comment"' in confirmation.content.decode()
    assert {a.status for a in Application.objects.filter(pk__in=[a.pk for a in applications])} == {
        Status.REVIEWED
    }

    empty = run_action(client, "workflow_reject", applications, post="yes", comment=" ")
    assert empty.status_code == 200
    assert empty.context["missing_comment"]

    done = run_action(
        client, "workflow_reject", applications, post="yes", comment="Below the threshold"
    )
    assert done.status_code == 302
    for application in applications:
        application.refresh_from_db()
        assert application.status == Status.REJECTED
        assert application.events.get().comment == "Below the threshold"


def test_officer_bulk_actions_are_the_county_moves_and_stay_in_jurisdiction(
    client, officer, submitted, elsewhere
):
    client.force_login(officer)
    response = client.get(changelist("application"))
    actions = {name for name, _label in response.context["action_form"].fields["action"].choices}
    assert {"workflow_recommend", "workflow_return_for_revision"} <= actions
    assert "workflow_accept" not in actions
    assert "delete_selected" not in actions

    run_action(client, "workflow_recommend", [submitted, elsewhere], index=0, post="yes")
    submitted.refresh_from_db()
    elsewhere.refresh_from_db()
    assert submitted.status == Status.RECOMMENDED
    assert elsewhere.status == Status.SUBMITTED


def test_bulk_recommend_respects_the_county_quota(client, officer, call, enterprise):
    call.recommendation_quota = 1
    call.save()
    applications = [
        factories.ApplicationFactory(call=call, enterprise=enterprise, status=Status.SUBMITTED)
        for _ in range(2)
    ]
    client.force_login(officer)
    response = run_action(client, "workflow_recommend", applications, index=0, post="yes")
    statuses = sorted(
        Application.objects.filter(pk__in=[a.pk for a in applications]).values_list(
            "status", flat=True
        )
    )
    assert statuses == [Status.RECOMMENDED, Status.SUBMITTED]
    assert any("quota" in message for message in messages_of(response))


def test_expert_has_no_workflow_actions(client, expert, submitted):
    factories.assign(submitted, expert)
    client.force_login(expert)
    response = client.get(changelist("application"))
    assert response.context["action_form"] is None
    assert response.context["cl"].result_list[0] == submitted


# --- Deleting -----------------------------------------------------------------------------------


def with_event(application, actor):
    ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        at=timezone.now(),
        move="submit",
        from_status=Status.DRAFT,
        to_status=Status.SUBMITTED,
    )
    return application


def test_deleting_an_application_with_a_timeline_is_refused(client, staff, submitted):
    with_event(submitted, staff)
    client.force_login(staff)
    delete_url = reverse("admin:programmes_application_delete", args=[submitted.pk])
    for response in (client.get(delete_url), client.post(delete_url, {"post": "yes"})):
        assert response.status_code == 302
        assert response["Location"] == change(submitted)
        assert any("cannot be deleted" in message for message in messages_of(response))
    assert Application.objects.filter(pk=submitted.pk).exists()


def test_bulk_delete_leaves_out_applications_with_a_timeline(client, staff, call, enterprise):
    kept = with_event(
        factories.ApplicationFactory(call=call, enterprise=enterprise, title="On record"), staff
    )
    draft = factories.ApplicationFactory(call=call, enterprise=enterprise, title="Scrap")
    client.force_login(staff)
    confirmation = run_action(client, "delete_selected", [kept, draft], index=0)
    assert confirmation.status_code == 200
    assert list(confirmation.context["queryset"]) == [draft]
    assert any("“On record” cannot be deleted" in m for m in messages_of(confirmation))

    run_action(client, "delete_selected", [kept, draft], post="yes")
    assert Application.objects.filter(pk=kept.pk).exists()
    assert not Application.objects.filter(pk=draft.pk).exists()


def test_staff_delete_a_draft_nobody_acted_on(client, staff, call, enterprise):
    draft = factories.ApplicationFactory(call=call, enterprise=enterprise)
    client.force_login(staff)
    response = client.post(
        reverse("admin:programmes_application_delete", args=[draft.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Application.objects.filter(pk=draft.pk).exists()


def test_evaluated_designation_cannot_be_deleted(client, staff, every_record):
    designation = every_record["designation"]
    client.force_login(staff)
    response = client.post(
        reverse("admin:programmes_designation_delete", args=[designation.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert Designation.objects.filter(pk=designation.pk).exists()


# --- Outcomes through their services ------------------------------------------------------------


def test_designation_for_an_ungranted_application_is_a_form_error(client, staff, enterprise):
    application = factories.ApplicationFactory(
        enterprise=enterprise,
        call=factories.CallFactory(programme=factories.ProgrammeFactory(kind=Kind.DESIGNATION)),
        status=Status.APPROVED,
    )
    client.force_login(staff)
    response = client.post(
        reverse("admin:programmes_designation_add"),
        {"application": application.pk, "level": Level.MUNICIPAL},
    )
    assert response.status_code == 200
    assert "once the application is granted" in str(response.context["errors"])
    assert not Designation.objects.exists()


def test_failed_evaluation_recorded_in_admin_revokes_the_designation(client, staff, every_record):
    designation = every_record["designation"]
    client.force_login(staff)
    response = client.post(
        reverse("admin:programmes_evaluation_add"),
        {
            "designation": designation.pk,
            "period": "2025–2026",
            "evaluated_on": "2026-03-01",
            "score": "55",
        },
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(period="2025–2026")
    assert evaluation.recorded_by == staff
    designation.application.refresh_from_db()
    assert designation.application.status == Status.REVOKED


def test_disbursement_beyond_the_award_is_a_form_error(client, staff, every_record):
    application = every_record["application"]
    client.force_login(staff)
    url = reverse("admin:programmes_disbursement_add")
    refused = client.post(
        url, {"application": application.pk, "amount": "600000", "paid_on": "2025-08-01"}
    )
    assert refused.status_code == 200
    assert "exceed the award" in str(refused.context["errors"])
    accepted = client.post(
        url, {"application": application.pk, "amount": "400000", "paid_on": "2025-08-01"}
    )
    assert accepted.status_code == 302
    assert Disbursement.objects.filter(application=application).count() == 2


def test_disbursements_are_not_editable(client, staff, every_record):
    client.force_login(staff)
    response = client.get(change(every_record["disbursement"]))
    assert not response.context["has_change_permission"]


def test_staff_assign_an_expert_through_the_service(client, staff, expert, enterprise, call):
    accepted = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.ACCEPTED
    )
    client.force_login(staff)
    page = client.get(change(accepted))
    assert f"?application={accepted.pk}" in page.content.decode()
    response = client.post(
        reverse("admin:programmes_reviewassignment_add"),
        {"application": accepted.pk, "expert": expert.pk},
    )
    assert response.status_code == 302
    assert ReviewAssignment.objects.filter(application=accepted, expert=expert).exists()


def test_assigning_an_expert_too_early_is_a_form_error(client, staff, expert, submitted):
    client.force_login(staff)
    response = client.post(
        reverse("admin:programmes_reviewassignment_add"),
        {"application": submitted.pk, "expert": expert.pk},
    )
    assert response.status_code == 200
    assert "once the bureau has accepted" in str(response.context["errors"])
    assert not ReviewAssignment.objects.exists()


def test_expert_of_the_applicant_cannot_be_assigned(client, staff, enterprise, call):
    accepted = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.ACCEPTED
    )
    conflicted = factories.applicant_for(enterprise, username="conflicted")
    conflicted.groups.add(Group.objects.get(name=roles.EXPERTS))
    client.force_login(staff)
    response = client.post(
        reverse("admin:programmes_reviewassignment_add"),
        {"application": accepted.pk, "expert": conflicted.pk},
    )
    assert response.status_code == 200
    assert "own enterprise" in str(response.context["errors"])
    assert not ReviewAssignment.objects.exists()


def test_call_figures_take_the_calls_programme(client, staff, call, region):
    client.force_login(staff)
    page = client.get(change(call))
    data = change_form_data(
        page,
        **{
            "figures-TOTAL_FORMS": "1",
            "figures-0-region": region.pk,
            "figures-0-year": "2023",
            "figures-0-count": "15",
            "figures-0-source": "嘉兴日报",
        },
    )
    response = client.post(change(call), data)
    assert response.status_code == 302
    assert AnnouncedFigure.objects.get().programme == call.programme


# --- The index and the list's cost ----------------------------------------------------------------


def test_index_shows_open_work_by_programme_and_status(
    client, staff, officer, submitted, elsewhere
):
    factories.ApplicationFactory(
        enterprise=submitted.enterprise, call=submitted.call, status=Status.RECOMMENDED
    )
    factories.ApplicationFactory(enterprise=submitted.enterprise, call=submitted.call)  # a draft
    programme = submitted.call.programme
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Programme Desk" in content
    assert programme.name in content
    assert "Submitted: <strong>2</strong>" in content
    assert "Recommended by county: <strong>1</strong>" in content
    assert f"?programme__id__exact={programme.pk}&amp;status__exact=submitted" in content

    client.force_login(officer)
    content = client.get(reverse("admin:index")).content.decode()
    assert "Submitted: <strong>1</strong>" in content


def test_index_link_filters_the_changelist(client, staff, submitted, elsewhere):
    factories.ApplicationFactory(
        enterprise=submitted.enterprise, call=submitted.call, status=Status.RECOMMENDED
    )
    client.force_login(staff)
    response = client.get(
        changelist("application"),
        {"programme__id__exact": submitted.call.programme.pk, "status__exact": "submitted"},
    )
    assert response.status_code == 200
    assert shown(response) == {submitted, elsewhere}


@pytest.mark.parametrize(
    "query",
    [
        {"kind__exact": "product"},
        {"programme__level__exact": "provincial"},
        {"year": "2026"},
        {"source__exact": "portal"},
        {"q": "纳米涂层"},
        {"q": "Nanhu"},
    ],
)
def test_application_filters_and_search(client, staff, submitted, query):
    client.force_login(staff)
    response = client.get(changelist("application"), query)
    assert response.status_code == 200
    assert submitted in shown(response)


def test_search_by_credit_code(client, staff, submitted, elsewhere):
    client.force_login(staff)
    response = client.get(
        changelist("application"), {"q": submitted.enterprise.unified_social_credit_code}
    )
    assert shown(response) == {submitted}


@pytest.mark.parametrize("user_fixture", ["staff", "officer"])
def test_application_changelist_queries_do_not_grow_with_rows(
    client, request, django_assert_max_num_queries, enterprise, call, user_fixture
):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    kinds = [Kind.PRODUCT, Kind.PROJECT, Kind.DESIGNATION]
    calls = [
        factories.CallFactory(programme=factories.ProgrammeFactory(kind=kind)) for kind in kinds
    ]

    def add(count):
        for n in range(count):
            factories.ApplicationFactory(
                enterprise=enterprise, call=calls[n % 3], status=Status.SUBMITTED
            )

    add(3)
    # 21 for an officer: the page's ids, then its rows, are two queries (ApplicationChangeList).
    with django_assert_max_num_queries(21) as few:
        client.get(changelist("application"))
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(changelist("application"))
    assert len(response.context["cl"].result_list) == 33


def test_application_autocomplete_is_scoped(client, officer, submitted, elsewhere):
    client.force_login(officer)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "programmes",
            "model_name": "designation",
            "field_name": "application",
            "term": "",
        },
    )
    assert response.status_code == 200
    ids = {int(result["id"]) for result in response.json()["results"]}
    assert ids == {submitted.pk}


def test_application_move_service_and_admin_agree(client, staff, submitted):
    """A move made elsewhere shows on the admin page's timeline."""
    application_move(
        application=submitted,
        actor=staff,
        move="return_for_revision",
        comment="Missing licence",
    )
    client.force_login(staff)
    assert "Missing licence" in client.get(change(submitted)).content.decode()


def test_detail_inline_is_read_only_for_officers(client, officer, submitted):
    client.force_login(officer)
    response = client.get(change(submitted))
    [detail] = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.opts.model is ProductDetail
    ]
    assert not detail.has_change_permission


def test_database_protection_is_a_page_not_an_error(client, staff, call, enterprise):
    draft = factories.ApplicationFactory(call=call, enterprise=enterprise)
    Objection.objects.create(application=draft, name="李女士", contact="0573-12345678", text="…")
    client.force_login(staff)
    response = client.post(
        reverse("admin:programmes_application_delete", args=[draft.pk]), {"post": "yes"}
    )
    assert response.status_code == 200
    assert response.context["protected"]
    assert Application.objects.filter(pk=draft.pk).exists()


def test_history_of_an_application_elsewhere_is_not_found(client, officer, elsewhere):
    version = elsewhere.history.earliest()
    client.force_login(officer)
    history = reverse("admin:programmes_application_history", args=[elsewhere.pk])
    form = reverse(
        "admin:programmes_application_simple_history", args=[elsewhere.pk, version.history_id]
    )
    assert client.get(history).status_code == 404
    assert client.get(form).status_code == 404


def test_admin_pages_carry_the_language_switch(client, staff):
    client.force_login(staff)

    page = client.get(reverse("admin:index")).content.decode()

    assert f'action="{reverse("set_language")}"' in page
    # One button: the other language, named in itself; pressing it is the only switch.
    assert 'name="language" value="zh-hans" lang="zh-hans"' in page
    assert 'value="en"' not in page
    assert "data-autosubmit" not in page


def test_switching_the_language_in_admin_serves_admin_in_chinese(client, staff):
    client.force_login(staff)

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/admin/"})
    page = client.get(reverse("admin:index")).content.decode()

    assert "经信局工作台" in page  # the index title, from the project's catalogue
    assert "待办事项" in page and "Open work" not in page
