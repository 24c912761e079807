"""The access policy: the one door to coaching data.

Every read of a coaching record goes through this module. It answers two
questions, and nothing else in Rapport may answer them:

* may this person see / change / release this record?  (``can_view`` …)
* which records may this person see?  (``visible_records``, a queryset filter)

and it loads records *for a person* (``get_relationship_for``,
``read_records``, ``get_record_for``), raising 404 rather than revealing that
something exists, and writing the access log for every read by someone other
than the author.

The rules, in words:

* A relationship's members are its coach and its teacher (two peers in peer
  coaching). Roles (leader, administrator, coach lead) grant nothing here.
* ``private``: the author only.
* ``shared``: both members.
* ``released``: both members, and each leader the teacher named in an active
  release.
* Only the author changes or deletes a record. Only the person a record is
  about (the teacher; either peer) releases or revokes it.
* A relationship's members never change (``relationships.models.FixedFields``).
  When it ends, both keep reading what they could; nothing is written or
  changed in it any more, and the teacher's export still holds it all.
* Shared with a coach lead: a coach may share a record that offers it (a
  coaching conversation) with coach leads of theirs, each by name, and take it
  back. The person named may read it, and comment, while the share is open;
  every such read is logged. A share names a person, never "whoever leads this
  coach": nothing here looks at coach-lead assignments or roles, so a later
  assignment opens nothing (and the end of one ends the share: privacy.signals).
  Nothing else a coach writes ever reaches a coach lead.
* A coach may also share the aggregates of their own practice (counts and
  shares over the whole caseload, never per teacher) with coach leads of
  theirs, by name, and stop at any time.
* A conversation may also be erased by the person it is about, not only by its
  author: a recording of someone is theirs to have deleted.

There is no override, no "view as", no superuser exception.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from rapport.privacy import accesslog
from rapport.privacy.models import AdministrationLogEntry, CoachLeadShare, PracticeShare, Purpose, Release
from rapport.relationships.models import Relationship, RelationshipRecord, Visibility

VISIBLE_TO_MEMBERS = (Visibility.SHARED, Visibility.RELEASED)


def _authenticated(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# --- Relationships ---------------------------------------------------------------


def relationships_for(user) -> QuerySet[Relationship]:
    """Relationships the person is a member of, on either side."""
    if not _authenticated(user):
        return Relationship.objects.none()
    return Relationship.objects.filter(Q(coach=user) | Q(teacher=user))


def caseload_for(user) -> QuerySet[Relationship]:
    """Relationships in which the person coaches (a coach; either peer)."""
    if not _authenticated(user):
        return Relationship.objects.none()
    return Relationship.objects.filter(Q(coach=user) | Q(teacher=user, kind=Relationship.Kind.PEER)).active()


def coached_in(user) -> QuerySet[Relationship]:
    """Relationships in which the records are about this person (a teacher; either peer)."""
    if not _authenticated(user):
        return Relationship.objects.none()
    return Relationship.objects.filter(Q(teacher=user) | Q(coach=user, kind=Relationship.Kind.PEER))


def get_relationship_for(user, pk) -> Relationship:
    """The relationship, if the person is a member of it; 404 otherwise."""
    relationship = relationships_for(user).select_related("coach", "teacher", "school").filter(pk=pk).first()
    if relationship is None:
        raise Http404("No such relationship.")
    return relationship


def get_coached_relationship_for(user, pk) -> Relationship:
    """The relationship, if the person acts as its coach in it now; 404 otherwise.

    An ended relationship is nobody's to coach in: its coach's work there is over (nothing new
    is written in it, the API no longer serves it), while both members still read what they
    could on its page (``get_relationship_for``).
    """
    relationship = get_relationship_for(user, pk)
    if not relationship.acts_as_coach(user) or relationship.ended_on is not None:
        raise Http404("No such relationship.")
    return relationship


# --- Records ----------------------------------------------------------------------


def _released_to(user, model: type[Model]) -> QuerySet[Release]:
    return Release.objects.active().filter(leader=user, content_type=ContentType.objects.get_for_model(model))


def visible_records(
    user, queryset: QuerySet, relationship: Relationship | None = None, *, caseload: bool = False
) -> QuerySet:
    """Filter ``queryset`` (of a RelationshipRecord model) to what ``user`` may see.

    With ``relationship``, only that relationship's records. When the person is one
    of its members, what they may see there is simply what they wrote plus what is
    shared or released: the same records as the general rule, without its joins
    and subquery (pages of one relationship read a dozen kinds of record).

    With ``caseload``, only the records of the relationships the person coaches in
    (``caseload_for``); they are a member of each, so the same shortcut holds.
    """
    if caseload and relationship is not None:
        raise ValueError("Pass a relationship or caseload=True, not both.")
    if not _authenticated(user):
        return queryset.none()
    if caseload:
        return queryset.filter(relationship__in=caseload_for(user)).filter(_members_rule(user))
    if relationship is not None:
        queryset = queryset.filter(relationship=relationship)
        if relationship.is_member(user):
            return queryset.filter(_members_rule(user))
    member_of = Q(relationship__coach=user) | Q(relationship__teacher=user)
    return queryset.filter(
        Q(author=user)
        | (Q(visibility__in=VISIBLE_TO_MEMBERS) & member_of)
        | Q(
            visibility=Visibility.RELEASED,
            pk__in=_released_to(user, queryset.model).values("object_id"),
        )
    )


def _members_rule(user) -> Q:
    """What a member of a relationship sees of its records: theirs, and what is shared or released."""
    return Q(author=user) | Q(visibility__in=VISIBLE_TO_MEMBERS)


def can_view(user, record: RelationshipRecord) -> bool:
    if not _authenticated(user):
        return False
    if record.author_id == user.pk:
        return True
    relationship = record.relationship
    if record.visibility in VISIBLE_TO_MEMBERS and relationship.is_member(user):
        return True
    if record.visibility == Visibility.RELEASED:
        return _released_to(user, type(record)).filter(object_id=record.pk).exists()
    return False


def can_change(user, record: RelationshipRecord) -> bool:
    """Only the author, while still a member of the relationship and until it ends."""
    return (
        _authenticated(user)
        and record.author_id == user.pk
        and record.relationship.is_member(user)
        and record.relationship.ended_on is None
    )


def can_release(user, record: RelationshipRecord) -> bool:
    """The person the record is about may release what both members can see."""
    return (
        _authenticated(user)
        and record.visibility in VISIBLE_TO_MEMBERS
        and record.relationship.acts_as_teacher(user)
    )


def read_records(
    user,
    queryset: QuerySet,
    purpose: str,
    limit: int | None = None,
    relationship: Relationship | None = None,
    *,
    caseload: bool = False,
) -> list:
    """The records of ``queryset`` that ``user`` may see, read and logged.

    ``limit`` keeps only the first records (in the queryset's order): a page that
    shows the latest few reads, decrypts and logs only those, so its cost does not
    grow with years of history, and the access log lists only what was shown.
    ``relationship``, ``caseload``: see ``visible_records``.
    """
    visible = visible_records(user, queryset, relationship, caseload=caseload)
    records = list(visible if limit is None else visible[:limit])
    accesslog.append(user, records, purpose)
    return records


def get_record_for(user, queryset: QuerySet, pk, purpose: str) -> Model:
    """One record ``user`` may see (404 otherwise), read and logged."""
    record = visible_records(user, queryset).select_related("relationship").filter(pk=pk).first()
    if record is None:
        raise Http404("No such record.")
    accesslog.append(user, [record], purpose)
    return record


def get_record_to_change(user, queryset: QuerySet, pk) -> Model:
    """One record ``user`` may change (its author); 404 otherwise."""
    record = queryset.select_related("relationship").filter(pk=pk, author=user).first()
    if record is None or not can_change(user, record):
        raise Http404("No such record.")
    return record


def get_record_to_manage(user, queryset: QuerySet, pk) -> Model:
    """A shared working record (session, cycle, commitment…) the person may change: 404 otherwise.

    Records a pair works on together are changed by whoever acts as coach in the
    relationship (the coach; either peer), not only by their author, so that
    peers have symmetric rights. Private records stay with their author.
    """
    record = visible_records(user, queryset).select_related("relationship").filter(pk=pk).first()
    if record is None or not record.relationship.acts_as_coach(user) or record.relationship.ended_on:
        raise Http404("No such record.")
    if record.visibility == Visibility.PRIVATE and record.author_id != user.pk:
        raise Http404("No such record.")
    return record


def get_record_to_complete(user, queryset: QuerySet, pk) -> Model:
    """A shared record either member may mark as done (a commitment), never a private one of another."""
    record = visible_records(user, queryset).select_related("relationship").filter(pk=pk).first()
    if record is None or not record.relationship.is_member(user):
        raise Http404("No such record.")
    return record


def get_record_to_release(user, queryset: QuerySet, pk) -> Model:
    """One record the person may release (it is about them and shared), read and logged."""
    record = visible_records(user, queryset).select_related("relationship").filter(pk=pk).first()
    if record is None or not can_release(user, record):
        raise Http404("No such record.")
    accesslog.append(user, [record], Purpose.RELEASE)
    return record


# --- Shared with a named coach lead --------------------------------------------------------
# For record models a coach may share (coaching conversations): ``privacy.CoachLeadShare`` rows.


def _open_shares_with(user, model: type[Model]) -> QuerySet[CoachLeadShare]:
    return CoachLeadShare.objects.open().filter(
        coach_lead=user, content_type=ContentType.objects.get_for_model(model)
    )


def shared_with_coach_lead(user, queryset: QuerySet) -> QuerySet:
    """Records their authors share with ``user`` by name, now."""
    if not _authenticated(user):
        return queryset.none()
    return queryset.filter(
        Exists(
            _open_shares_with(user, queryset.model).filter(object_id=OuterRef("pk"), coach=OuterRef("author"))
        )
    )


def visible_or_shared_with_lead(user, queryset: QuerySet) -> QuerySet:
    """``visible_records`` plus what is shared with the person as a coach lead."""
    return queryset.filter(
        Q(pk__in=visible_records(user, queryset).values("pk"))
        | Q(pk__in=shared_with_coach_lead(user, queryset).values("pk"))
    )


def get_shareable_record_for(user, queryset: QuerySet, pk, *, logged: bool = True) -> Model:
    """One record the person may see as a member or as a coach lead it is shared with
    (404 otherwise), read and logged with the matching why-code.

    ``logged=False`` only for repeated reads of what one logged read already covers
    (the byte ranges a media player fetches after playback started).
    """
    record = visible_or_shared_with_lead(user, queryset).select_related("relationship").filter(pk=pk).first()
    if record is None:
        raise Http404("No such record.")
    if logged:
        accesslog.append(user, [record], purpose_of_reading(user, record))
    return record


def _shared_with(user, record: RelationshipRecord) -> bool:
    return shared_with_coach_lead(user, type(record).objects.filter(pk=record.pk)).exists()


def may_play_recording(user, record: RelationshipRecord) -> bool:
    """A conversation's recording streams to its owner (the coach who made it), and to
    each coach lead it is shared with: nobody else, not even the teacher, who reads the
    transcript instead (issue 5: "to the owner only")."""
    if not _authenticated(user):
        return False
    if record.author_id == user.pk and record.relationship.is_member(user):
        return True
    return _shared_with(user, record)


def read_shared_with_coach_lead(user, queryset: QuerySet) -> list:
    """What coaches share with this person by name now, latest share first, read and logged.
    Each record carries ``shared_with_me_at``."""
    shared_at = _open_shares_with(user, queryset.model).filter(object_id=OuterRef("pk")).values("shared_at")
    records = list(
        shared_with_coach_lead(user, queryset)
        .annotate(shared_with_me_at=Subquery(shared_at[:1]))
        .order_by("-shared_with_me_at", "-pk")
    )
    accesslog.append(user, records, Purpose.SHARED_WITH_COACH_LEAD)
    return records


def coach_lead_shares_of(user, record: RelationshipRecord) -> list[CoachLeadShare]:
    """Who ``record`` is shared with, for someone who may read it (loaded through this module).

    Its author sees every share, ended ones too (their history of who read it, and until
    when); the others see the open ones: who can read it now.
    """
    shares = CoachLeadShare.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).select_related("coach_lead")
    if record.author_id != user.pk:
        shares = shares.open()
    return list(shares)


def coach_lead_shares_about(user) -> QuerySet[CoachLeadShare]:
    """Every share, open or ended, of a record about this person (their own data export)."""
    if not _authenticated(user):
        return CoachLeadShare.objects.none()
    return CoachLeadShare.objects.filter(relationship__in=coached_in(user))


def coaches_sharing_practice_with(user) -> QuerySet:
    """Coaches who share their practice indicators with this person by name, now.

    The coach lead may see those coaches' aggregates (``insights.indicators.practice_indicators``)
    and nothing else about their caseloads: no teacher, no record, no per-teacher figure.
    """
    from rapport.people.models import User

    if not _authenticated(user):
        return User.objects.none()
    return User.objects.filter(
        is_active=True, pk__in=PracticeShare.objects.open().filter(coach_lead=user).values("coach")
    )


def purpose_of_reading(user, record: RelationshipRecord) -> str:
    return (
        Purpose.RELATIONSHIP_PAGE if record.relationship.is_member(user) else Purpose.SHARED_WITH_COACH_LEAD
    )


def read_records_of(user, parent: RelationshipRecord, queryset: QuerySet) -> list:
    """Records that live inside ``parent`` (comments on a conversation): whoever may read
    the parent reads them all. ``parent`` must itself have been loaded through this
    module for ``user``. Read and logged like the parent."""
    records = list(queryset)
    accesslog.append(user, records, purpose_of_reading(user, parent))
    return records


def may_comment_on(user, record: RelationshipRecord) -> bool:
    """The author (while a member), and each coach lead it is shared with."""
    return can_change(user, record) or _shared_with(user, record)


def get_record_to_erase(user, queryset: QuerySet, pk) -> Model:
    """One record the person may delete: its author, or the person it is about."""
    record = visible_records(user, queryset).select_related("relationship").filter(pk=pk).first()
    if record is None or not (can_change(user, record) or record.relationship.acts_as_teacher(user)):
        raise Http404("No such record.")
    return record


def record_models() -> list[type[RelationshipRecord]]:
    """Every concrete kind of coaching record, whichever app defines it."""
    return [model for model in apps.get_models() if issubclass(model, RelationshipRecord)]


def records_about(user, purpose: str = Purpose.EXPORT) -> dict[type[RelationshipRecord], list]:
    """Every record about this person, the coach's private ones included, read and logged.

    This is the person's own data export, and the one place where the subject of
    a private record reads it: private means private from colleagues and
    leaders, not from the person it is about (PRODUCT.md). It covers every
    record model there is, so a capability added later is included without
    changing this function.
    """
    if not _authenticated(user):
        return {}
    relationships = coached_in(user).values("pk")
    found = {}
    for model in record_models():
        records = list(
            model.objects.filter(relationship__in=relationships)
            .select_related("author", "relationship")
            .order_by("created_at", "pk")
        )
        accesslog.append(user, records, purpose)
        found[model] = records
    return found


# --- Releases -------------------------------------------------------------------------


def releases_for_leader(user) -> QuerySet[Release]:
    """Active releases naming this leader."""
    if not _authenticated(user):
        return Release.objects.none()
    return Release.objects.active().filter(leader=user)


def releases_by(user) -> QuerySet[Release]:
    """Releases the person made of records about them (active and revoked)."""
    if not _authenticated(user):
        return Release.objects.none()
    return Release.objects.filter(relationship__in=coached_in(user))


def get_release_for_leader(user, pk) -> Release:
    release = releases_for_leader(user).filter(pk=pk).first()
    if release is None:
        raise Http404("No such release.")
    return release


def get_release_to_revoke(user, pk) -> Release:
    release = releases_by(user).active().filter(pk=pk).first()
    if release is None:
        raise Http404("No such release.")
    return release


def read_released_record(user, release: Release, purpose: str) -> Model:
    """The record behind a release to ``user``, read and logged."""
    model = release.content_type.model_class()
    return get_record_for(user, model.objects.all(), release.object_id, purpose)


# --- The access log -----------------------------------------------------------------


def access_log_for(user) -> QuerySet:
    """Reads of records about this person by anyone else (their "who looked" page)."""
    from rapport.privacy.models import AccessLogEntry

    if not _authenticated(user):
        return AccessLogEntry.objects.none()
    return (
        AccessLogEntry.objects.filter(relationship_id__in=coached_in(user).values("pk"))
        .exclude(accessor=user)
        .select_related("accessor")
    )


# --- The administration log -------------------------------------------------------------


def administrative_changes_for(user) -> QuerySet:
    """Administrative changes that concern this person ("Changes by administrators"): of every
    relationship they belong or belonged to (both members read the same entries, even once it
    is deleted), of their coach-lead assignments, their roles and their account."""
    if not _authenticated(user):
        return AdministrationLogEntry.objects.none()
    return AdministrationLogEntry.objects.filter(Q(person_id=user.pk) | Q(other_person_id=user.pk))


# --- Who may receive a copy ------------------------------------------------------------


def _school_leaders(**school) -> QuerySet:
    """Active school leaders of the schools ``school`` selects (one filter: the same role row)."""
    from rapport.people.models import Role, User

    return User.objects.filter(is_active=True, roles__kind=Role.Kind.SCHOOL_LEADER, **school)


def appreciation_copy_choices(teacher) -> QuerySet:
    """The leaders a teacher may name to receive copies of appreciations: the school leaders of
    the schools where they are coached."""
    schools = coached_in(teacher).values("school")
    return _school_leaders(roles__school__in=schools).distinct().order_by("full_name", "pk")


def appreciation_copy_recipients(relationship: Relationship, recipient) -> list:
    """Who may get a copy of an appreciation sent to ``recipient`` in this relationship: the
    leaders the recipient named in their own space, each while still a leader of the
    relationship's school. Nobody is added by a role: a new leader is copied only once named."""
    from rapport.relationships.models import TeacherSettings

    settings = TeacherSettings.objects.filter(teacher=recipient).first()
    if settings is None:
        return []
    named = settings.appreciation_copies_to.all()
    return list(
        _school_leaders(roles__school=relationship.school_id)
        .filter(pk__in=named.values("pk"))
        .distinct()
        .order_by("full_name", "pk")
    )
