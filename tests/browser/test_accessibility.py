"""axe-core, injected into every portal page and the main admin pages, in English and in
简体中文: no ``serious`` or ``critical`` violation.

axe-core's script comes bundled in ``axe-playwright-python`` (``axe.min.js`` in the
package); nothing is fetched when the check runs. The records are ``make run``'s
(``setup_demo``) plus one application at each stage a page needs: a draft, one filed and
waiting for the county, one under review with the demo expert, and one in public notice
with its documents issued. Each role signs in through the portal's login page, in the
language chosen with the language switch there, and visits every page it is shown.
"""

import io
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from documents.models import Document
from enterprises.models import Enterprise, Region
from programmes.management.commands import setup_demo
from programmes.models import Call
from programmes.services.reviews import experts_assign_bulk
from programmes.services.workflow import application_move
from tests import factories
from tests.browser.conftest import language_button, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: The impacts that fail the check (axe's others are ``minor`` and ``moderate``).
FAILING = {"serious", "critical"}
LANGUAGES = {"en": "en", "zh-hans": "zh-hans"}
DEMO = {
    "applicant": setup_demo.APPLICANT,
    "officer": setup_demo.OFFICER,
    "expert": setup_demo.EXPERT,
    "bureau": setup_demo.BUREAU,
}


@pytest.fixture
def records(role_groups):
    """The demo database with an application at every stage a page shows."""
    call_command("setup_demo", force=True, stdout=io.StringIO())
    User = get_user_model()
    people = {role: User.objects.get(username=login.username) for role, login in DEMO.items()}
    admin = User.objects.get(username=setup_demo.ADMIN_USERNAME)
    enterprise = Enterprise.objects.get(name=setup_demo.DEFAULT_APPLICANT_ENTERPRISE)
    enterprise.region = Region.objects.get(code=setup_demo.DEFAULT_OFFICER_REGION)
    enterprise.save()
    call = Call.objects.open_on(timezone.localdate()).order_by("closes_on", "pk").first()

    def application(title, *moves):
        filed = factories.ready_to_file(
            factories.ApplicationFactory(enterprise=enterprise, call=call, title=title)
        )
        for actor, move in moves:
            application_move(application=filed, actor=people[actor], move=move)
        return filed

    draft = application("Draft: silk-fibroin sutures")
    filed = application("Filed: silk-fibroin dressing", ("applicant", "submit"))
    to_the_bureau = [("applicant", "submit"), ("officer", "recommend"), ("bureau", "accept")]
    in_review = application("In review: silk-fibroin film", *to_the_bureau)
    experts_assign_bulk(
        applications=[in_review],
        experts=[people["expert"]],
        actor=people["bureau"],
        due_on=timezone.localdate() + timedelta(days=10),
    )
    application_move(application=in_review, actor=people["bureau"], move="start_review")
    in_notice = application(
        "In notice: silk-fibroin scaffold",
        *to_the_bureau,
        ("bureau", "start_review"),
        ("bureau", "complete_review"),
        ("bureau", "approve"),
        ("bureau", "open_public_notice"),
    )
    assignment = in_review.assignments.get()
    document = Document.objects.order_by("pk").first()
    assert document is not None, "setup_demo's issuing bodies issue documents on the way"
    return {
        "admin": admin,
        "call": call,
        "enterprise": enterprise,
        "draft": draft,
        "filed": filed,
        "in_review": in_review,
        "in_notice": in_notice,
        "assignment": assignment,
        "document": document,
    }


def pages_of(records):
    """Every page each visitor is shown: ``{visitor: [path, ...]}``."""
    call, enterprise = records["call"], records["enterprise"]
    draft, filed, in_review, in_notice = (
        records[key] for key in ("draft", "filed", "in_review", "in_notice")
    )
    return {
        "public": [
            "/",
            "/calls/",
            "/results/",
            "/notices/",
            f"/notices/{in_notice.pk}/objection/",
            f"/verify/{records['document'].code}/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password-reset/",
            "/admin/login/",
        ],
        "applicant": [
            "/inbox/",
            "/calls/",
            f"/calls/{call.pk}/apply/",
            "/applications/",
            f"/applications/{draft.pk}/",
            f"/applications/{draft.pk}/edit/",
            f"/applications/{in_notice.pk}/",
            "/notifications/",
            "/account/",
            f"/enterprises/{enterprise.pk}/",
            f"/enterprises/{enterprise.pk}/edit/",
            "/enterprise/link/",
            "/enterprise/register/",
            "/documents/",
            "/aftercare/",
            "/services/problems/",
            "/services/problems/new/",
        ],
        "officer": [
            "/inbox/",
            "/county/queue/",
            f"/county/applications/{filed.pk}/",
            "/account/",
            "/documents/",
            "/aftercare/",
            "/services/problems/",
            "/services/cases/",
            "/admin/",
            "/admin/programmes/application/",
            f"/admin/programmes/application/{filed.pk}/change/",
        ],
        "expert": [
            "/inbox/",
            "/expert/",
            f"/expert/assignments/{records['assignment'].pk}/",
            "/account/",
            "/admin/",
        ],
        "bureau": [
            "/inbox/",
            "/desk/",
            f"/desk/calls/{call.pk}/",
            f"/desk/applications/{in_review.pk}/",
            f"/desk/applications/{in_notice.pk}/",
            "/dashboard/",
            "/aftercare/",
            "/services/problems/",
            "/services/cases/",
            "/services/dashboard/",
            "/account/",
            "/admin/",
            "/admin/programmes/application/",
            f"/admin/programmes/application/{in_notice.pk}/change/",
        ],
        "admin": [
            "/admin/",
            "/admin/programmes/application/",
            f"/admin/programmes/application/{in_review.pk}/change/",
            "/admin/programmes/call/",
            f"/admin/programmes/call/{call.pk}/change/",
            "/admin/enterprises/enterprise/",
            f"/admin/enterprises/enterprise/{enterprise.pk}/change/",
            "/admin/documents/document/",
            "/admin/aftercare/obligation/",
            "/admin/aftercare/clawback/",
            "/admin/services/servicecase/",
            "/admin/services/problem/",
            "/admin/services/platform/",
        ],
    }


def describe(path, violation):
    """One violation, readably: where, which rule, how bad, and the elements it found."""
    lines = [
        f"{path}: [{violation['impact']}] {violation['id']}: {violation['help']}",
        f"    {violation['helpUrl']}",
    ]
    for node in violation["nodes"][:5]:
        lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        if summary:
            lines.append(f"       {summary[:300]}")
    if len(violation["nodes"]) > 5:
        lines.append(f"    ... and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)


def check(axe, page, path, *, language):
    """Open ``path`` and return its serious and critical violations, described."""
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response.status}"
    assert page.locator("html").get_attribute("lang") == language, path
    results = axe.run(page)
    return [
        describe(path, violation)
        for violation in results.response["violations"]
        if violation["impact"] in FAILING
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_serious_or_critical_violation_on_any_page(new_page, records, language):
    axe = Axe()
    found = []
    for visitor, paths in pages_of(records).items():
        page = new_page()
        page.goto("/accounts/login/")
        if language != "en":
            with page.expect_navigation():
                page.click(language_button(language))
        if visitor == "admin":
            log_in(page, setup_demo.ADMIN_USERNAME, setup_demo.ADMIN_PASSWORD)
        elif visitor != "public":
            log_in(page, DEMO[visitor].username, DEMO[visitor].password)
        for path in paths:
            found.extend(check(axe, page, path, language=LANGUAGES[language]))
        page.context.close()
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)
