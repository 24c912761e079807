"""Navigation that fits the person's roles: the main navigation, and the personal menu.

Every page shows both, so their list items are rendered once per set of links and current
place (``_rendered_links``) and kept: they hold the links' addresses, labels and icons, which
follow from the person's roles and say nothing else about them (their name, in the menu's
heading, is in base.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.template.loader import render_to_string
from django.urls import URLResolver, get_resolver, get_script_prefix, get_urlconf
from django.utils.safestring import SafeString

from rapport.core import links
from rapport.privacy import policy


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    # Other pages that belong to this item's section (a teacher's page is under "Teachers").
    section: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return links.reverse(self.url_name)

    def is_current(self, view_name: str) -> bool:
        return view_name == self.url_name or view_name in self.section


def nav_items_for(user) -> list[NavItem]:
    """Where a person's work is: a few places, by role."""
    if not user.is_authenticated:
        return []
    coaches = user.is_coach or (user.is_teacher and policy.caseload_for(user).exists())
    items = []
    if user.is_coach:
        items.append(NavItem("Today", "home", "sun"))
    if coaches:
        items.append(NavItem("Teachers", "caseload", "users", section=("relationship_detail",)))
        items.append(NavItem("Coverage", "coverage", "radar"))
    if user.is_teacher:
        items.append(NavItem("My coaching", "teacher_space", "sprout"))
    if user.is_coach:
        items.append(
            NavItem(
                "Resources",
                "resource_library",
                "library",
                section=("resource_new", "resource_detail", "resource_edit", "resource_delete"),
            )
        )
        items.append(NavItem("Trust", "trust_dashboard", "heart-handshake"))
    if user.is_leader:
        items.append(NavItem("Reports", "leader_report", "chart-column"))
        items.append(NavItem("Released to me", "released_to_me", "inbox"))
    if user.is_coach_lead:
        items.append(NavItem("Coaches", "coaches_led", "users-round"))
        items.append(NavItem("Shared conversations", "conversations_shared_with_me", "messages-square"))
    if user.is_site_admin:
        items.append(NavItem("Administration", "admin:index", "settings"))
        items.append(NavItem("Roster import", "roster_import", "upload"))
    return items


def personal_items_for(user) -> list[NavItem]:
    """Settings and downloads that are the person's own: the menu under their name."""
    if not user.is_authenticated:
        return []
    items = []
    if user.is_coach:
        items.append(NavItem("Your targets", "coach_settings", "target"))
        items.append(NavItem("Question bank", "question_bank", "message-circle-question"))
    if user.is_coach or user.is_teacher or user.is_leader:
        items.append(NavItem("Exports", "export_list", "download"))
    if user.is_teacher:
        items.append(NavItem("Who read your records", "my_access_log", "eye"))
    if user.is_coach:
        items.append(NavItem("API tokens", "api_tokens", "key-round"))
    items.append(NavItem("Changes by administrators", "administrative_changes", "user-cog"))
    items.append(NavItem("Change password", "password_change", "lock"))
    items.append(NavItem("How your data is protected", "privacy_promise", "shield-check"))
    return items


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": "", "personal_links": "", "can_search": False}
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {
        "nav_links": _links_html(nav_items_for(user), current),
        "personal_links": _links_html(personal_items_for(user), current),
        # Search is for people with records of their own: coaches (and peers) and teachers.
        "can_search": user.is_coach or user.is_teacher or user.is_coach_lead,
    }


def _links_html(items: list[NavItem], current_view: str) -> str:
    """A menu's list items (empty without any)."""
    if not items:
        return ""
    urlconf = get_urlconf()
    return _rendered_links(tuple(items), current_view, get_resolver(urlconf), get_script_prefix())


# The links' addresses follow from the URL configuration and the script prefix: both are part of
# the key (as in rapport.core.links), though the addresses themselves come from NavItem.url.
@lru_cache(maxsize=512)
def _rendered_links(
    items: tuple[NavItem, ...], current_view: str, resolver: URLResolver, script_prefix: str
) -> SafeString:
    links = [(item.url, item.label, item.icon, item.is_current(current_view)) for item in items]
    return render_to_string("web/_menu_links.html", {"links": links})
