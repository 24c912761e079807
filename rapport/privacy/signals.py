"""A share with a coach lead ends when that person stops leading the coach.

Shares name people (``privacy.models.SharedWithCoachLead``), so a coach-lead assignment made
later never opens anything. The other way round, when the person a share names stops being the
coach's coach lead, the share ends for good, whichever way that happens: the assignment is
deleted (in the administration site, or with a person), it is changed to name another coach or
lead, or the person no longer holds the coach-lead role. Adding it back later restores nothing;
the coach shares again if they wish.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from rapport.people.models import CoachLeadAssignment, Role
from rapport.privacy.actions import end_shares_with


@receiver(pre_save, sender=CoachLeadAssignment)
def _assignment_changed(
    sender: type[CoachLeadAssignment], instance: CoachLeadAssignment, raw: bool, **kwargs: Any
) -> None:
    if raw or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values_list("coach_lead_id", "coach_id").first()
    if before is not None and before != (instance.coach_lead_id, instance.coach_id):
        end_shares_with(before[0], coach_id=before[1])


@receiver(post_delete, sender=CoachLeadAssignment)
def _assignment_ended(
    sender: type[CoachLeadAssignment], instance: CoachLeadAssignment, **kwargs: Any
) -> None:
    end_shares_with(instance.coach_lead_id, coach_id=instance.coach_id)


@receiver(post_save, sender=Role)
def _role_changed(sender: type[Role], instance: Role, created: bool, raw: bool, **kwargs: Any) -> None:
    # A changed role may have been the person's coach-lead role, changed to another kind.
    if not (raw or created):
        _unless_still_a_coach_lead(instance.user_id)


@receiver(post_delete, sender=Role)
def _role_deleted(sender: type[Role], instance: Role, **kwargs: Any) -> None:
    if instance.kind == Role.Kind.COACH_LEAD:
        _unless_still_a_coach_lead(instance.user_id)


def _unless_still_a_coach_lead(user_id: int) -> None:
    if not Role.objects.filter(user_id=user_id, kind=Role.Kind.COACH_LEAD).exists():
        end_shares_with(user_id)
