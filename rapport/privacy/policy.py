"""The access policy: the one door to coaching data.

Every read of a coaching record goes through this module. It answers two
questions, and nothing else in Rapport may answer them:

* may this person see / change / release this record?  (``can_view`` …)
* which records may this person see?  (``visible_records``, a queryset filter)

and it loads records *for a person* (``get_relationship_for``,
``read_records``; one record through the read door, ``get_record_for``, or the
write door, ``get_record_to_write``), raising 404 rather than revealing that
something exists, and writing the access log for every read by someone other
than the author.

The rules, in words:

* A relationship's members are its coach and its teacher (two peers in peer
  coaching; a coach lead and the coach they support, in a coach lead's space, where the
  coach stands in the teacher's place and nothing is ever released). Roles (leader,
  administrator, coach lead) grant nothing here.
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
  every such read is logged. A share opens only once the teacher in the record agreed
  (``privacy.TeacherConsent``), and ends when they withdraw. A share names a person, never "whoever leads this
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

import datetime
import enum
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, TypeGuard, TypeVar

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from rapport.people.models import Role, User
from rapport.privacy import accesslog
from rapport.privacy.models import (
    AccessLogEntry,
    AdministrationLogEntry,
    CoachLeadShare,
    ConsentState,
    PracticeShare,
    Purpose,
    Release,
    ReleaseQuerySet,
    TeacherConsent,
)
from rapport.privacy.relationships import Relationship, RelationshipQuerySet, RelationshipRecord, Visibility
from rapport.privacy.types import Anyone, Person, Records

VISIBLE_TO_MEMBERS = (Visibility.SHARED, Visibility.RELEASED)

# The kind of record a door is asked for is the kind it gives back.
AnyRecord = TypeVar("AnyRecord", bound=RelationshipRecord)


def _authenticated(user: Anyone | None) -> TypeGuard[Person]:
    return user is not None and user.is_authenticated and user.is_active


# --- Relationships ---------------------------------------------------------------


def relationships_for(user: Anyone) -> RelationshipQuerySet:
    """Relationships the person is a member of, on either side."""
    if not _authenticated(user):
        return Relationship.objects.none()
    return Relationship.objects.filter(Q(coach=user) | Q(teacher=user))


def caseload_for(user: Anyone) -> RelationshipQuerySet:
    """Relationships in which the person coaches teachers (a coach; either peer). A coach lead's
    spaces with the coaches they lead are not a caseload: ``coach_lead_spaces_of``."""
    if not _authenticated(user):
        return Relationship.objects.none()
    return (
        Relationship.objects.filter(Q(coach=user) | Q(teacher=user, kind=Relationship.Kind.PEER))
        .exclude(kind=Relationship.Kind.COACH_LEAD)
        .active()
    )


def coach_lead_spaces_of(user: Anyone) -> RelationshipQuerySet:
    """The coach lead's active relationships with the coaches they support (they are its "coach")."""
    if not _authenticated(user):
        return Relationship.objects.none()
    return Relationship.objects.filter(coach=user, kind=Relationship.Kind.COACH_LEAD).active()


def coach_lead_spaces_with(user: Anyone) -> RelationshipQuerySet:
    """A coach's active relationships with their coach leads (the coach is its "teacher")."""
    if not _authenticated(user):
        return Relationship.objects.none()
    return Relationship.objects.filter(teacher=user, kind=Relationship.Kind.COACH_LEAD).active()


def coached_in(user: Anyone) -> RelationshipQuerySet:
    """Relationships in which the records are about this person (a teacher; either peer)."""
    if not _authenticated(user):
        return Relationship.objects.none()
    return Relationship.objects.filter(Q(teacher=user) | Q(coach=user, kind=Relationship.Kind.PEER))


def get_relationship_for(user: Person, pk: int) -> Relationship:
    """The relationship, if the person is a member of it; 404 otherwise."""
    relationship = relationships_for(user).select_related("coach", "teacher", "school").filter(pk=pk).first()
    if relationship is None:
        raise Http404("No such relationship.")
    return relationship


def get_coached_relationship_for(user: Person, pk: int) -> Relationship:
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


def _released_to(user: Person, model: type[Model]) -> QuerySet[Release]:
    return Release.objects.active().filter(leader=user, content_type=ContentType.objects.get_for_model(model))


def visible_records(
    user: Anyone,
    queryset: Records,
    relationship: Relationship | None = None,
    *,
    caseload: bool = False,
    own: bool = False,
) -> Records:
    """Filter ``queryset`` (of a RelationshipRecord model) to what ``user`` may see.

    With ``relationship``, only that relationship's records. When the person is one
    of its members, what they may see there is simply what they wrote plus what is
    shared or released: the same records as the general rule, without its joins
    and subquery (pages of one relationship read a dozen kinds of record).

    With ``caseload``, only the records of the relationships the person coaches in
    (``caseload_for``); they are a member of each, so the same shortcut holds.

    With ``own``, only the records the person wrote: the rule's first branch lets an author see
    everything they wrote, wherever it is, so nothing else of the rule is needed (the coach's
    own follow-ups and noticings across all their relationships).

    For several relationships the person belongs to, named by the page: ``visible_in``.
    """
    if (caseload, relationship is not None, own).count(True) > 1:
        raise ValueError("Pass one of a relationship, caseload=True or own=True.")
    if not _authenticated(user):
        return queryset.none()
    if own:
        return queryset.filter(author=user)
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


def _members_rule(user: Person) -> Q:
    """What a member of a relationship sees of its records: theirs, and what is shared or released."""
    return Q(author=user) | Q(visibility__in=VISIBLE_TO_MEMBERS)


def can_view(user: Anyone, record: RelationshipRecord) -> bool:
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


def can_change(user: Anyone, record: RelationshipRecord) -> bool:
    """Only the author, while still a member of the relationship and until it ends."""
    return (
        _authenticated(user)
        and record.author_id == user.pk
        and record.relationship.is_member(user)
        and record.relationship.ended_on is None
    )


def can_release(user: Anyone, record: RelationshipRecord) -> bool:
    """The person the record is about may release what both members can see. Nothing of a
    coach lead's space with a coach is ever released: it reaches no leader."""
    return (
        _authenticated(user)
        and record.visibility in VISIBLE_TO_MEMBERS
        and record.relationship.acts_as_teacher(user)
        and not record.relationship.is_coach_lead_space
    )


def read_records(
    user: Person,
    queryset: QuerySet[AnyRecord],
    purpose: str,
    limit: int | None = None,
    relationship: Relationship | None = None,
    *,
    caseload: bool = False,
    own: bool = False,
) -> list[AnyRecord]:
    """The records of ``queryset`` that ``user`` may see, read and logged.

    ``limit`` keeps only the first records (in the queryset's order): a page that
    shows the latest few reads, decrypts and logs only those, so its cost does not
    grow with years of history, and the access log lists only what was shown.
    ``relationship``, ``caseload``, ``own``: see ``visible_records``; for several relationships of
    the person, ``read_records_in``.
    """
    visible = visible_records(user, queryset, relationship, caseload=caseload, own=own)
    records = list(visible if limit is None else visible[:limit])
    accesslog.append(user, records, purpose)
    return records


def visible_in(user: Anyone, queryset: Records, relationships: Sequence[Relationship]) -> Records:
    """Filter ``queryset`` to what ``user`` may see in the given relationships of theirs: what
    they wrote there, and what is shared or released. A relationship they do not belong to adds
    nothing (a leader reads what was released to them on its own page, not through a member's
    view). The page names the relationships it already holds (a teacher's coaches, a searcher's
    relationships), so the query names them too instead of asking the database again."""
    if not _authenticated(user):
        return queryset.none()
    mine = [relationship.pk for relationship in relationships if relationship.is_member(user)]
    return queryset.filter(relationship__in=mine).filter(_members_rule(user))


def read_records_in(
    user: Person,
    queryset: QuerySet[AnyRecord],
    purpose: str,
    relationships: Sequence[Relationship],
    limit: int | None = None,
) -> dict[int, list[AnyRecord]]:
    """``read_records`` for several relationships at once, by relationship: in each, the records
    of ``queryset`` the person may see there (``visible_in``), the first ``limit`` of each in the
    queryset's order, read and logged. One query however many relationships: a page that shows
    each of a teacher's coaches reads each kind of record once."""
    visible = visible_in(user, queryset, relationships)
    if limit is not None:
        ordering = _ordering_of(queryset)
        visible = visible.order_by(*ordering)
        if len(relationships) > 1:
            visible = visible.annotate(
                rank_in_relationship=Window(
                    RowNumber(),
                    partition_by=F("relationship_id"),
                    order_by=[_order_expression(term) for term in ordering],
                )
            ).filter(rank_in_relationship__lte=limit)
        else:
            visible = visible[:limit]
    records = list(visible)
    accesslog.append(user, records, purpose)
    by_relationship: dict[int, list[AnyRecord]] = {relationship.pk: [] for relationship in relationships}
    for record in records:
        by_relationship[record.relationship_id].append(record)
    return by_relationship


def _ordering_of(queryset: QuerySet[Any]) -> list[Any]:
    """The queryset's order (its own, else its model's), the primary key last, so that "the first
    few" of a relationship are the same few a query of that relationship alone would give."""
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
    if {"pk", "-pk", "id", "-id"} & {term for term in ordering if isinstance(term, str)}:
        return ordering
    return [*ordering, "-pk" if ordering and str(ordering[-1]).startswith("-") else "pk"]


def _order_expression(term: Any) -> Any:
    if not isinstance(term, str):
        return term
    return F(term[1:]).desc() if term.startswith("-") else F(term).asc()


def read_newest(
    user: Person,
    sources: Iterable[QuerySet[Any]],
    purpose: str,
    limit: int,
    at: Callable[[Any], datetime.datetime],
    relationships: Sequence[Relationship],
) -> list[RelationshipRecord]:
    """The ``limit`` newest records of several sources together, read and logged.

    A list that mixes kinds of record reads the first ``limit`` of each source (each a queryset
    of one kind of record, newest first) in the given relationships of the person
    (``visible_in``), keeps the newest ``limit`` of them all by ``at``, and logs only those: the
    access log lists what was shown. One query per source, however long the history.
    """
    candidates = [
        record for queryset in sources for record in visible_in(user, queryset, relationships)[:limit]
    ]
    shown = sorted(candidates, key=at, reverse=True)[:limit]
    accesslog.append(user, shown, purpose)
    return shown


def get_record_for(
    user: Person,
    queryset: QuerySet[AnyRecord],
    pk: int,
    purpose: str,
    *,
    shared_with_lead: bool = False,
    logged: bool = True,
) -> AnyRecord:
    """The read door: one record ``user`` may see (404 otherwise), read and logged.

    ``shared_with_lead`` also opens the records shared with the person as a coach lead
    (``shared_with_coach_lead``); such a read by someone who is not a member is logged as
    ``Purpose.SHARED_WITH_COACH_LEAD``, a member's as ``purpose``.

    ``logged=False`` only for repeated reads of what one logged read already covers
    (the byte ranges a media player fetches after playback started).
    """
    readable = (
        visible_or_shared_with_lead(user, queryset) if shared_with_lead else visible_records(user, queryset)
    )
    record: AnyRecord | None = readable.select_related("relationship").filter(pk=pk).first()
    if record is None:
        raise Http404("No such record.")
    if logged:
        through_a_share = shared_with_lead and not record.relationship.is_member(user)
        accesslog.append(user, [record], Purpose.SHARED_WITH_COACH_LEAD if through_a_share else purpose)
    return record


class Write(enum.Enum):
    """What a person does to a record they load through the write door (``get_record_to_write``)."""

    CHANGE = "change"
    """Edit or delete what they wrote: its author, while a member and until the relationship ends."""
    MANAGE = "manage"
    """Change a working record the pair shares (session, cycle, agreement): whoever acts as coach
    (the coach; either peer, so peers have the same rights), until the relationship ends; a
    private one stays with its author."""
    COMPLETE = "complete"
    """Mark a shared record done, or open it again (a commitment): either member, until it ends."""
    RELEASE = "release"
    """Release it to leaders: the person it is about, once both members can see it."""
    ERASE = "erase"
    """Delete it for good: its author (as for CHANGE), or the person it is about."""


def _may_manage(user: Person, record: RelationshipRecord) -> bool:
    relationship = record.relationship
    if not relationship.acts_as_coach(user) or relationship.ended_on is not None:
        return False
    return record.visibility != Visibility.PRIVATE or record.author_id == user.pk


def _may_complete(user: Person, record: RelationshipRecord) -> bool:
    return record.relationship.is_member(user) and record.relationship.ended_on is None


def _may_erase(user: Person, record: RelationshipRecord) -> bool:
    return can_change(user, record) or record.relationship.acts_as_teacher(user)


class _WriteRule(NamedTuple):
    may: Callable[[Person, RelationshipRecord], bool]
    logged_as: str | None
    """The why-code the load is logged with as a read, or ``None`` when it is not logged."""


_MAY_WRITE: dict[Write, _WriteRule] = {
    Write.CHANGE: _WriteRule(can_change, None),
    Write.MANAGE: _WriteRule(_may_manage, None),
    Write.COMPLETE: _WriteRule(_may_complete, None),
    Write.RELEASE: _WriteRule(can_release, Purpose.RELEASE),
    Write.ERASE: _WriteRule(_may_erase, None),
}


def get_record_to_write(user: Person, queryset: QuerySet[AnyRecord], pk: int, why: Write) -> AnyRecord:
    """The write door: one record ``user`` may see and may do ``why`` to (404 otherwise).

    Each ``Write`` has its rule in ``_MAY_WRITE``; a release is also logged as a read
    (``Purpose.RELEASE``), since the teacher reads what they release.
    """
    rule = _MAY_WRITE[why]
    record: AnyRecord | None = (
        visible_records(user, queryset).select_related("relationship").filter(pk=pk).first()
    )
    if record is None or not rule.may(user, record):
        raise Http404("No such record.")
    if rule.logged_as is not None:
        accesslog.append(user, [record], rule.logged_as)
    return record


# --- Shared with a named coach lead --------------------------------------------------------
# For record models a coach may share (coaching conversations): ``privacy.CoachLeadShare`` rows.


def _open_shares_with(user: Person, model: type[Model]) -> QuerySet[CoachLeadShare]:
    """Open shares with this person that the teacher in the record agreed to: the shares that
    let them read now. A share the teacher has not agreed to yet waits; it opens nothing."""
    return CoachLeadShare.objects.open().filter(
        coach_lead=user,
        content_type=ContentType.objects.get_for_model(model),
        consent__state=ConsentState.AGREED,
    )


def shared_with_coach_lead(user: Anyone, queryset: Records) -> Records:
    """Records their authors share with ``user`` by name, now."""
    if not _authenticated(user):
        return queryset.none()
    return queryset.filter(
        Exists(
            _open_shares_with(user, queryset.model).filter(object_id=OuterRef("pk"), coach=OuterRef("author"))
        )
    )


def visible_or_shared_with_lead(user: Anyone, queryset: Records) -> Records:
    """``visible_records`` plus what is shared with the person as a coach lead."""
    return queryset.filter(
        Q(pk__in=visible_records(user, queryset).values("pk"))
        | Q(pk__in=shared_with_coach_lead(user, queryset).values("pk"))
    )


def _shared_with(user: Anyone, record: RelationshipRecord) -> bool:
    return shared_with_coach_lead(user, type(record)._default_manager.filter(pk=record.pk)).exists()


def may_play_recording(user: Anyone, record: RelationshipRecord) -> bool:
    """A conversation's recording streams to its owner (the coach who made it), and to
    each coach lead it is shared with: nobody else, not even the teacher, who reads the
    transcript instead (issue 5: "to the owner only")."""
    if not _authenticated(user):
        return False
    if record.author_id == user.pk and record.relationship.is_member(user):
        return True
    return _shared_with(user, record)


def read_shared_with_coach_lead(user: Person, queryset: QuerySet[AnyRecord]) -> list[AnyRecord]:
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


def coach_lead_shares_of(user: Person, record: RelationshipRecord) -> list[CoachLeadShare]:
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


def teacher_named_for(user: Person, record: RelationshipRecord) -> bool:
    """Whether this person reads the name of the teacher in a record: its members do; a coach
    lead it is shared with, only once the teacher agreed to be named."""
    if record.relationship.is_member(user):
        return True
    return _open_shares_with(user, type(record)).filter(object_id=record.pk, consent__named=True).exists()


def records_naming_teacher_for(user: Anyone, model: type[Model]) -> set[int]:
    """Ids of the records of ``model`` shared with this coach lead whose teacher agreed to be named."""
    if not _authenticated(user):
        return set()
    return set(_open_shares_with(user, model).filter(consent__named=True).values_list("object_id", flat=True))


def consents_of_shares(
    user: Person, record: RelationshipRecord, shares: list[CoachLeadShare]
) -> list[TeacherConsent]:
    """The teacher's answers to these shares (from ``coach_lead_shares_of``), for the members of
    the relationship: the coach who asked, the teacher who answers. Nobody else."""
    if not shares or not record.relationship.is_member(user):
        return []
    return list(TeacherConsent.objects.filter(share__in=shares))


def consents_asked_of(user: Anyone) -> QuerySet[TeacherConsent]:
    """Asks to share records about this person with a coach lead, and their answers: the
    ones still asked, and the ones they agreed to, while the share lasts. The share's people are
    read only when there are asks (prefetched): a teacher's home asks this on every visit, and
    most of the time there are none."""
    if not _authenticated(user):
        return TeacherConsent.objects.none()
    return (
        TeacherConsent.objects.filter(
            teacher=user,
            relationship__in=coached_in(user),
            share__ended_at__isnull=True,
            state__in=(ConsentState.ASKED, ConsentState.AGREED),
        )
        .select_related("share")
        .prefetch_related("share__coach", "share__coach_lead", "share__content_type")
    )


def get_consent_to_answer(user: Person, pk: int) -> TeacherConsent:
    """One of this person's consents (``consents_asked_of``); 404 otherwise."""
    consent = consents_asked_of(user).filter(pk=pk).first()
    if consent is None:
        raise Http404("No such question.")
    return consent


def coach_lead_shares_about(user: Anyone) -> QuerySet[CoachLeadShare]:
    """Every share, open or ended, of a record about this person (their own data export)."""
    if not _authenticated(user):
        return CoachLeadShare.objects.none()
    return CoachLeadShare.objects.filter(relationship__in=coached_in(user))


def coaches_sharing_practice_with(user: Anyone) -> QuerySet[Person]:
    """Coaches who share their practice indicators with this person by name, now.

    The coach lead may see those coaches' aggregates (``insights.indicators.practice_indicators``)
    and nothing else about their caseloads: no teacher, no record, no per-teacher figure.
    """
    if not _authenticated(user):
        return User.objects.none()
    return User.objects.filter(
        is_active=True, pk__in=PracticeShare.objects.open().filter(coach_lead=user).values("coach")
    )


def purpose_of_reading(user: Person, record: RelationshipRecord) -> str:
    return (
        Purpose.RELATIONSHIP_PAGE if record.relationship.is_member(user) else Purpose.SHARED_WITH_COACH_LEAD
    )


def read_records_of(
    user: Person, parent: RelationshipRecord, queryset: QuerySet[AnyRecord]
) -> list[AnyRecord]:
    """Records that live inside ``parent`` (comments on a conversation): whoever may read
    the parent reads them all. ``parent`` must itself have been loaded through this
    module for ``user``. Read and logged like the parent."""
    records = list(queryset)
    accesslog.append(user, records, purpose_of_reading(user, parent))
    return records


def may_comment_on(user: Anyone, record: RelationshipRecord) -> bool:
    """The author (while a member), and each coach lead it is shared with."""
    return can_change(user, record) or _shared_with(user, record)


def record_models() -> list[type[RelationshipRecord]]:
    """Every concrete kind of coaching record, whichever app defines it."""
    return [model for model in apps.get_models() if issubclass(model, RelationshipRecord)]


def records_about(
    user: Anyone, purpose: str = Purpose.EXPORT
) -> dict[type[RelationshipRecord], list[RelationshipRecord]]:
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
            model._default_manager.filter(relationship__in=relationships)
            .select_related("author", "relationship")
            .order_by("created_at", "pk")
        )
        accesslog.append(user, records, purpose)
        found[model] = records
    return found


# --- Releases -------------------------------------------------------------------------


def releases_for_leader(user: Anyone) -> QuerySet[Release]:
    """Active releases naming this leader."""
    if not _authenticated(user):
        return Release.objects.none()
    return Release.objects.active().filter(leader=user)


def releases_by(user: Anyone) -> ReleaseQuerySet:
    """Releases the person made of records about them (active and revoked)."""
    if not _authenticated(user):
        return Release.objects.none()
    return Release.objects.filter(relationship__in=coached_in(user))


def get_release_for_leader(user: Person, pk: int) -> Release:
    release = releases_for_leader(user).filter(pk=pk).first()
    if release is None:
        raise Http404("No such release.")
    return release


def get_release_to_revoke(user: Person, pk: int) -> Release:
    release = releases_by(user).active().filter(pk=pk).first()
    if release is None:
        raise Http404("No such release.")
    return release


def read_released_record(user: Person, release: Release, purpose: str) -> RelationshipRecord:
    """The record behind a release to ``user``, read and logged."""
    model = release.content_type.model_class()
    if model is None or not issubclass(model, RelationshipRecord):
        raise LookupError(f"{release.content_type} is released but is no record model any more")
    return get_record_for(user, model._default_manager.all(), release.object_id, purpose)


# --- The access log -----------------------------------------------------------------


def access_log_for(user: Anyone) -> QuerySet[AccessLogEntry]:
    """Reads of records about this person by anyone else (their "who looked" page).

    The relationships' ids are read first and "by anyone else" is written as the readers before
    and after the person: the database then reads, through the index on (relationship, reader,
    seq), only others' entries. With a subquery and "not by the person" it went through all the
    relationships' entries, the person's own reads included (a teacher's every visit to their page
    adds some), though they are never shown to them.
    """
    if not _authenticated(user):
        return AccessLogEntry.objects.none()
    by_others = Q(accessor_id__lt=user.pk) | Q(accessor_id__gt=user.pk)
    return _entries_of_relationships_of(user).filter(by_others).select_related("accessor")


def newest_access_log_for(user: Anyone, count: int, before: int | None = None) -> list[AccessLogEntry]:
    """The ``count`` newest entries of ``access_log_for`` (below sequence number ``before``, if
    given), newest first, with their readers.

    Two reads: the sequence numbers, as the readers before the person's id and those after it
    (``UNION ALL`` of two ranges of the index on (relationship, reader, seq), read from the index
    alone), then those entries. Asked as one ``ORDER BY seq DESC LIMIT``, PostgreSQL walks the
    whole log's index on ``seq`` backwards testing each entry, so a person whom nobody else has read
    lately costs a read of the district's entire log.
    """
    if not _authenticated(user):
        return []
    entries = _entries_of_relationships_of(user).order_by()
    if before is not None:
        entries = entries.filter(seq__lt=before)
    readers_before = entries.filter(accessor_id__lt=user.pk).values_list("seq", flat=True)
    readers_after = entries.filter(accessor_id__gt=user.pk).values_list("seq", flat=True)
    seqs = list(readers_before.union(readers_after, all=True).order_by("-seq")[:count])
    return list(AccessLogEntry.objects.filter(seq__in=seqs).select_related("accessor").order_by("-seq"))


def _entries_of_relationships_of(user: Person) -> QuerySet[AccessLogEntry]:
    """Every entry of the relationships the person is coached in, theirs included, by the
    relationships' ids (read first, so that the database goes by the index that starts with them)."""
    return AccessLogEntry.objects.filter(
        relationship_id__in=list(coached_in(user).values_list("pk", flat=True))
    )


# --- The administration log -------------------------------------------------------------


def administrative_changes_for(user: Anyone) -> QuerySet[AdministrationLogEntry]:
    """Administrative changes that concern this person ("Changes by administrators"): of every
    relationship they belong or belonged to (both members read the same entries, even once it
    is deleted), of their coach-lead assignments, their roles and their account."""
    if not _authenticated(user):
        return AdministrationLogEntry.objects.none()
    return AdministrationLogEntry.objects.filter(Q(person_id=user.pk) | Q(other_person_id=user.pk))


# --- Who may receive a copy ------------------------------------------------------------


def _school_leaders(**school: object) -> QuerySet[Person]:
    """Active school leaders of the schools ``school`` selects (one filter: the same role row)."""
    return User.objects.filter(is_active=True, roles__kind=Role.Kind.SCHOOL_LEADER, **school)


def appreciation_copy_choices(teacher: Anyone) -> QuerySet[Person]:
    """The leaders a teacher may name to receive copies of appreciations: the school leaders of
    the schools where they are coached."""
    schools = coached_in(teacher).values("school")
    return _school_leaders(roles__school__in=schools).distinct().order_by("full_name", "pk")


def appreciation_copy_recipients(relationship: Relationship, named: QuerySet[Person]) -> list[Person]:
    """Who may get a copy of an appreciation in this relationship: of the leaders its recipient
    ``named`` in their own space (``TeacherSettings.leaders_named_by``), those still leaders of
    the relationship's school. Nobody is added by a role: a new leader is copied only once named."""
    return list(
        _school_leaders(roles__school=relationship.school_id)
        .filter(pk__in=named.values("pk"))
        .distinct()
        .order_by("full_name", "pk")
    )
