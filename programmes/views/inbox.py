"""The inbox: the first page after sign-in, listing what waits for the person.

A person with several roles sees one section per role. Each entry links to the page
where its action is taken, carrying ``next`` so that the action returns here.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from enterprises.access import own_membership_list
from enterprises.models import Membership

from .. import access
from ..hooks import panels
from ..selectors.inbox import applicant_inbox, bureau_inbox, county_inbox, expert_inbox


@login_required
def inbox(request):
    user = request.user
    today = timezone.localdate()
    sections = {
        "bureau": bureau_inbox(user=user) if access.may(user, "use_bureau_desk") else None,
        "county": county_inbox(user=user, today=today)
        if access.may(user, "use_county_desk")
        else None,
        "expert": expert_inbox(user=user, today=today)
        if access.may(user, "use_expert_desk")
        else None,
        "applicant": applicant_inbox(user=user, today=today)
        if access.may(user, "use_applicant_pages")
        else None,
    }
    memberships = own_membership_list(user=user)
    return render(
        request,
        "portal/inbox/inbox.html",
        {
            **sections,
            "has_section": any(section is not None for section in sections.values()),
            "pending_memberships": [
                m for m in memberships if m.status == Membership.Status.PENDING
            ],
            "has_enterprise": any(m.status == Membership.Status.APPROVED for m in memberships),
            "here": request.path,
            "today": today,
            # The apps above programmes add theirs (aftercare: overdue obligations).
            "panels": panels("inbox", user, today),
        },
    )
