"""The admin's navigation sidebar is Django's, built once per kind of user, language and
section (``core.admin_site``), and never shows one user what another may see."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from core import roles
from core.admin_site import DeskAdminSite
from tests import factories

pytestmark = pytest.mark.django_db

# (The index lists the models in its content, and has no sidebar.)
PAGES = [
    "admin:programmes_application_changelist",
    "admin:enterprises_enterprise_changelist",
    "admin:programmes_call_changelist",
]


@pytest.fixture(autouse=True)
def _fresh_navigation():
    admin.site._navigation.clear()
    yield
    admin.site._navigation.clear()


def djangos_sidebar(response) -> str:
    """Django's own sidebar for the response's request: its app list built and its
    template rendered afresh."""
    request = response.wsgi_request
    apps = DeskAdminSite.build_app_list(admin.site, request)
    html = get_template("admin/nav_sidebar.html").render(
        {"available_apps": apps, "request": request}
    )
    assert 'id="nav-sidebar"' in html
    return html


def test_the_site_is_the_desks():
    assert isinstance(admin.site, DeskAdminSite)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("who", ["staff", "officer", "expert"])
def test_every_page_shows_djangos_sidebar_for_its_user(client, request, who, language):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for page in PAGES:
        with translation.override(language):
            response = client.get(reverse(page), headers={"accept-language": language})
            assert response.status_code == 200
            assert djangos_sidebar(response) in response.text, (who, page)
    # The current page's model is the one marked.
    response = client.get(reverse("admin:programmes_call_changelist"))
    assert response.text.count('aria-current="page"') == 1
    assert 'class="model-call current-model"' in response.text


def test_the_navigation_is_built_once_per_kind_of_user(client, staff, monkeypatch):
    built = []
    build = DeskAdminSite.build_app_list

    def counting(self, request, app_label=None):
        built.append(request.user.username)
        return build(self, request, app_label)

    monkeypatch.setattr(DeskAdminSite, "build_app_list", counting)
    colleague = factories.staff_user(username="colleague")
    for user in (staff, staff, colleague):
        client.force_login(user)
        for page in PAGES:
            client.get(reverse(page))

    assert built == [staff.username]  # the colleague has the same roles and permissions


def test_a_user_never_sees_another_kinds_navigation(client, staff, officer):
    page = reverse("admin:programmes_application_changelist")
    client.force_login(staff)
    staff_page = client.get(page)
    client.force_login(officer)
    officer_page = client.get(page)

    audit = reverse("admin:core_auditentry_changelist")
    assert audit in djangos_sidebar(staff_page)
    assert audit not in djangos_sidebar(officer_page)
    assert audit not in officer_page.text


def test_a_new_permission_shows_at_once(client, officer):
    client.force_login(officer)
    page = reverse("admin:programmes_application_changelist")
    users = reverse("admin:auth_user_changelist")
    assert users not in client.get(page).text

    officer.user_permissions.add(Permission.objects.get(codename="view_user"))

    assert users in client.get(page).text


def test_roles_count_even_where_permissions_are_the_same(client, officer, expert):
    """An expert sees their review assignments, a county officer does not, whatever
    Django permissions their groups carry (here: none at all)."""
    for group in Group.objects.filter(name__in=[roles.COUNTY_OFFICERS, roles.EXPERTS]):
        group.permissions.clear()
    page = reverse("admin:programmes_application_changelist")
    assignments = reverse("admin:programmes_reviewassignment_changelist")

    client.force_login(officer)
    assert assignments not in client.get(page).text
    client.force_login(expert)
    assert assignments in client.get(page).text
