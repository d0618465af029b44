"""The desk's admin site: Django's, with the navigation built once per kind of user.

Every admin page carries the navigation sidebar: the list of every model the user
may see, built by asking each of some thirty ModelAdmins for its permissions and
reversing two URLs for each (~2 ms), then rendered through Django's app-list
template (~3 ms), on every page view. What it shows depends on nothing but the
user's roles and permissions, the language and which model the page belongs to, so
it is kept per process under exactly those and rendered once.

The key holds everything a ModelAdmin's module-level permission answer here reads:
the user's groups (``core.roles``, which the access modules read), their
Django permissions (read anyway by the import and history pages) and the
superuser, staff and active flags. A
ModelAdmin whose ``has_module_permission`` or model-level ``has_*_permission``
looked at anything else would have to be added to it.
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import resolve_url
from django.template.loader import get_template
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_noop

from .roles import role_names

#: The headers a screen reader announces for each app's table of models (Django's
#: ``admin/app_list.html``), which Django's zh-hans catalogue lacks: marked here so
#: that the project's catalogue gives them.
APP_LIST_HEADERS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)

#: Kinds of user × languages × pages is small; past this many entries start again.
NAVIGATION_ENTRIES = 512


class DeskAdminSite(admin.AdminSite):
    #: ``workplace(user)``: the heading naming the user's workplace ("Bureau workplace",
    #: "County workplace — 桐乡市"), shown under the site's name and as the index page's
    #: title. Set by the app whose access module knows the roles; empty keeps
    #: ``index_title``.
    workplace = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._navigation = {}

    def navigation_key(self, request) -> tuple:
        user = request.user
        return (
            user.is_active,
            user.is_staff,
            user.is_superuser,
            role_names(user),
            frozenset(user.get_all_permissions()) if user.is_active else frozenset(),
            get_language(),
        )

    def _remember(self, key, build):
        value = self._navigation.get(key)
        if value is None:
            if len(self._navigation) >= NAVIGATION_ENTRIES:
                self._navigation.clear()
            value = self._navigation[key] = build()
        return value

    def get_app_list(self, request, app_label=None):
        # A list of the models' names and URLs; the templates only read it.
        key = ("apps", self.navigation_key(request), app_label)
        return self._remember(key, lambda: self.build_app_list(request, app_label))

    def build_app_list(self, request, app_label=None):
        return super().get_app_list(request, app_label)

    def each_context(self, request):
        context = super().each_context(request)
        context["desk_nav_sidebar"] = NavSidebar(self, request, context["available_apps"])
        context["workplace"] = self.workplace_of(request)
        return context

    def workplace_of(self, request) -> str:
        user = request.user
        if self.workplace is None or not user.is_authenticated:
            return ""
        # Read once per request: every admin page shows it, the index page twice.
        if not hasattr(request, "_desk_workplace"):
            request._desk_workplace = self.workplace(user)
        return request._desk_workplace

    def index(self, request, extra_context=None):
        workplace = self.workplace_of(request)
        if workplace:
            extra_context = {"title": workplace, **(extra_context or {})}
        return super().index(request, extra_context)

    def login(self, request, extra_context=None):
        """Django's admin login; without a ``next``, it leads to the person's inbox
        (``LOGIN_REDIRECT_URL``), the first page of every role, as the portal's does."""
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            extra_context = {
                REDIRECT_FIELD_NAME: resolve_url(settings.LOGIN_REDIRECT_URL),
                **(extra_context or {}),
            }
        return super().login(request, extra_context)


class NavSidebar:
    """Django's ``admin/nav_sidebar.html`` for this page, rendered once per kind of user,
    language and current section (``templates/admin/base_site.html`` shows it)."""

    def __init__(self, site, request, app_list):
        self.site, self.request, self.app_list = site, request, app_list

    @cached_property
    def html(self) -> str:
        # Django's app list marks the section and model whose URL is in the page's path.
        path = quote(self.request.path, safe="/")
        current = tuple(
            url
            for app in self.app_list
            for url in (app["app_url"], *(model.get("admin_url") for model in app["models"]))
            if url and url in path
        )
        key = ("sidebar", self.site.navigation_key(self.request), current)
        return self.site._remember(key, self._render)

    def _render(self) -> str:
        template = get_template("admin/nav_sidebar.html")
        return template.render({"available_apps": self.app_list, "request": self.request})

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html
