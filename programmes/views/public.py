"""Pages anyone may open without signing in."""

from django.shortcuts import render

from ..selectors.applicant import open_call_list


def home(request):
    """The front door: open calls, how to take part, and the published notices and results."""
    open_calls = open_call_list()
    return render(
        request,
        "home.html",
        {"open_calls": list(open_calls[:5]), "open_call_count": open_calls.count()},
    )
