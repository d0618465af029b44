"""The services' section of the staff dashboard (``programmes.hooks.register_panel``): the
way to the services' own statistics, section by section. It reads nothing, so the
dashboard's queries stay as they are; the figures are on the services' page."""

from . import access


def dashboard_panel(user, today) -> dict | None:
    if not access.may(user, "use_services_desk"):
        return None
    return {}
