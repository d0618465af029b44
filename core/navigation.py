"""Where a page sends the person after an action: back to where they came from (a
checked ``next``), such as their inbox, or to the page's own default."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request) -> str:
    """The request's ``next`` (form field, else query string) when it leads to this site;
    "" otherwise, so that no link or form sends anyone elsewhere."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def with_next(url: str, next_url: str) -> str:
    """``url`` carrying ``next_url`` as its ``next`` (before any #fragment)."""
    if not next_url:
        return url
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "next"]
    query.append(("next", next_url))
    return urlunsplit(parts._replace(query=urlencode(query)))


def redirect_next(request, default: str) -> HttpResponseRedirect:
    """To the checked ``next`` if there is one, else to ``default`` (a URL)."""
    return HttpResponseRedirect(safe_next(request) or default)
