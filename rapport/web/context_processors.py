"""Navigation that fits the person's roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from rapport.privacy import policy


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def nav_items_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    items = [NavItem("Home", "home")]
    # A teacher in peer coaching also coaches, so they get a caseload too.
    if user.is_coach or (user.is_teacher and policy.caseload_for(user).exists()):
        items.append(NavItem("Caseload", "caseload"))
        items.append(NavItem("Coverage", "coverage"))
    if user.is_teacher:
        items.append(NavItem("My coaching", "teacher_space"))
    if user.is_coach:
        items.append(NavItem("Trust", "trust_dashboard"))
    if user.is_coach or user.is_teacher or user.is_leader:
        items.append(NavItem("Exports", "export_list"))
    if user.is_coach:
        items.append(NavItem("API tokens", "api_tokens"))
    if user.is_leader:
        items.append(NavItem("Reports", "leader_report"))
        items.append(NavItem("Released to me", "released_to_me"))
    if user.is_coach_lead:
        items.append(NavItem("Coaches", "coaches_led"))
        items.append(NavItem("Shared conversations", "conversations_shared_with_me"))
    if user.is_site_admin:
        items.append(NavItem("Administration", "admin:index"))
        items.append(NavItem("Roster import", "roster_import"))
    return items


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {"nav_items": nav_items_for(user), "nav_current": current}
