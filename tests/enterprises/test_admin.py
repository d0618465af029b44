"""The enterprise admin: who sees which enterprises, who maintains them, and what stays."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from enterprises.models import Enterprise, Jurisdiction, Membership
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db


def changelist(model):
    return reverse(f"admin:enterprises_{model}_changelist")


def change(obj):
    return reverse(f"admin:enterprises_{obj._meta.model_name}_change", args=[obj.pk])


def shown(response):
    return set(response.context["cl"].result_list)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def records(enterprise, applicant, officer, region):
    return {
        "region": region,
        "industry": factories.IndustryFactory(),
        "enterprise": enterprise,
        "membership": Membership.objects.get(user=applicant),
        "jurisdiction": Jurisdiction.objects.get(user=officer),
    }


@pytest.mark.parametrize(
    "model", ["region", "industry", "enterprise", "membership", "jurisdiction"]
)
def test_staff_open_every_changelist_change_and_add_page(client, staff, records, model):
    client.force_login(staff)
    assert client.get(changelist(model)).status_code == 200
    assert client.get(change(records[model])).status_code == 200
    assert client.get(reverse(f"admin:enterprises_{model}_add")).status_code == 200


@pytest.mark.parametrize("model", ["region", "industry", "enterprise"])
def test_officer_and_expert_read_reference_data_and_enterprises(
    client, officer, expert, records, model
):
    for user in (officer, expert):
        client.force_login(user)
        assert client.get(changelist(model)).status_code == 200
        assert client.get(reverse(f"admin:enterprises_{model}_add")).status_code == 403


@pytest.mark.parametrize("model", ["membership", "jurisdiction"])
def test_only_staff_manage_memberships_and_jurisdictions(client, officer, expert, records, model):
    for user in (officer, expert):
        client.force_login(user)
        assert client.get(changelist(model)).status_code == 403
        assert client.get(change(records[model])).status_code == 403


def test_applicant_cannot_use_admin(client, applicant, enterprise):
    client.force_login(applicant)
    response = client.get(change(enterprise))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_officer_sees_only_enterprises_in_their_jurisdiction(
    client, officer, enterprise, other_enterprise
):
    client.force_login(officer)
    assert shown(client.get(changelist("enterprise"))) == {enterprise}
    assert client.get(change(enterprise)).status_code == 200
    assert client.get(change(other_enterprise)).status_code == 302


def test_officer_cannot_edit_an_enterprise(client, officer, enterprise):
    client.force_login(officer)
    response = client.post(change(enterprise), {"name": "改名有限公司"})
    assert response.status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.name != "改名有限公司"


def test_expert_sees_only_enterprises_they_review(client, expert, enterprise, other_enterprise):
    factories.assign(
        factories.ApplicationFactory(enterprise=other_enterprise, status=Status.IN_REVIEW), expert
    )
    client.force_login(expert)
    assert shown(client.get(changelist("enterprise"))) == {other_enterprise}
    assert client.get(change(enterprise)).status_code == 302


@pytest.mark.parametrize(
    "query",
    [{"q": "测试企业"}, {"above_designated_size__exact": "0"}],
)
def test_enterprise_search_and_filters(client, staff, enterprise, query):
    client.force_login(staff)
    response = client.get(changelist("enterprise"), query)
    assert response.status_code == 200
    assert enterprise in shown(response)


def test_search_by_credit_code(client, staff, enterprise, other_enterprise):
    client.force_login(staff)
    response = client.get(changelist("enterprise"), {"q": enterprise.unified_social_credit_code})
    assert shown(response) == {enterprise}


def test_enterprise_page_links_to_its_applications(client, staff, enterprise, other_enterprise):
    own = factories.ApplicationFactory(enterprise=enterprise)
    factories.ApplicationFactory(enterprise=other_enterprise)
    client.force_login(staff)
    page = client.get(change(enterprise)).content.decode()
    link = f"?enterprise__id__exact={enterprise.pk}"
    assert link in page
    response = client.get(reverse("admin:programmes_application_changelist") + link)
    assert response.status_code == 200
    assert shown(response) == {own}


def test_enterprise_with_applications_cannot_be_deleted(client, staff, enterprise):
    factories.ApplicationFactory(enterprise=enterprise)
    client.force_login(staff)
    delete_url = reverse("admin:enterprises_enterprise_delete", args=[enterprise.pk])
    response = client.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert any("cannot be deleted" in message for message in messages_of(response))
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()

    bulk = client.post(
        changelist("enterprise"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [enterprise.pk], "post": "yes"},
    )
    assert bulk.status_code == 302
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_enterprise_without_applications_can_be_deleted(client, staff):
    enterprise = factories.EnterpriseFactory()
    client.force_login(staff)
    response = client.post(
        reverse("admin:enterprises_enterprise_delete", args=[enterprise.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_used_region_cannot_be_deleted_and_says_so(client, staff, enterprise, region):
    client.force_login(staff)
    response = client.post(
        reverse("admin:enterprises_region_delete", args=[region.pk]), {"post": "yes"}
    )
    assert response.status_code == 200
    assert response.context["protected"]
    assert region.__class__.objects.filter(pk=region.pk).exists()


def test_enterprise_history_is_viewable(client, staff, enterprise):
    enterprise.address = "嘉兴市南湖区"
    enterprise.save()
    client.force_login(staff)
    response = client.get(reverse("admin:enterprises_enterprise_history", args=[enterprise.pk]))
    assert response.status_code == 200


def test_enterprise_autocomplete_for_staff(client, staff, enterprise, other_enterprise):
    client.force_login(staff)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "programmes",
            "model_name": "application",
            "field_name": "enterprise",
            "term": enterprise.name,
        },
    )
    assert response.status_code == 200
    assert [int(result["id"]) for result in response.json()["results"]] == [enterprise.pk]


def test_jurisdiction_officer_choices_are_county_officers(client, staff, officer, applicant):
    client.force_login(staff)
    response = client.get(reverse("admin:enterprises_jurisdiction_add"))
    choices = set(response.context["adminform"].form.fields["user"].queryset)
    assert officer in choices
    assert applicant not in choices
