"""The confirmation asked before a step that cannot be undone.

A form posting such a step without ``confirmed=yes`` changes nothing: the view answers
with this page, which names the consequence and carries everything the person typed in
hidden fields, so that one more button (or Enter) makes the step and "Cancel" leaves
everything as it was. It needs no JavaScript.
"""

from django.shortcuts import render

from .navigation import safe_next

CONFIRMED = "confirmed"
#: Fields never carried over: the form's token is issued afresh, the answer is the button.
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRMED}


def is_confirmed(request) -> bool:
    return request.POST.get(CONFIRMED) == "yes"


def confirmation(
    request,
    *,
    heading: str,
    subject: str,
    consequence: str,
    button: str,
    cancel_url: str,
    details=(),
    action: str | None = None,
    hidden=None,
):
    """The confirmation page for a step posted (or, with ``hidden``, asked for by GET)."""
    if hidden is None:
        hidden = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in _NOT_CARRIED
            for value in values
        ]
    return render(
        request,
        "portal/confirm.html",
        {
            "heading": heading,
            "subject": subject,
            "consequence": consequence,
            "button": button,
            "cancel_url": safe_next(request) or cancel_url,
            "details": [(label, value) for label, value in details if value not in (None, "")],
            "action": action or request.path,
            "hidden": list(hidden),
        },
    )
