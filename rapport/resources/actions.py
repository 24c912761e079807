"""Adding, changing and removing library resources; sharing one with a teacher."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rapport.coaching.actions import complete_commitment
from rapport.coaching.models import Commitment, Side
from rapport.people.models import User
from rapport.privacy.refusals import ActionRefused, check_writes_as_coach
from rapport.relationships.models import Relationship, Visibility
from rapport.resources import files
from rapport.resources.models import Resource, ResourceShare


def _attach(resource: Resource, upload, kind: files.Kind) -> None:
    old = resource.file.name if resource.file else ""
    resource.file.save(upload.name or "resource", upload, save=False)
    resource.file_name = (upload.name or "resource")[:200]
    resource.file_type = kind.media_type
    resource.file_size = upload.size
    if old:
        # A new file replaces the old one for everyone, teachers it was shared with included.
        transaction.on_commit(lambda: resource.file.storage.delete(old))


@transaction.atomic
def add_resource(
    owner: User, district_id: int, fields: dict, upload=None, kind: files.Kind | None = None
) -> Resource:
    resource = Resource(owner=owner, district_id=district_id, **fields)
    if upload is not None and kind is not None:
        _attach(resource, upload, kind)
    resource.save()
    return resource


@transaction.atomic
def update_resource(
    resource: Resource, fields: dict, upload=None, kind: files.Kind | None = None
) -> Resource:
    for name, value in fields.items():
        setattr(resource, name, value)
    if upload is not None and kind is not None:
        _attach(resource, upload, kind)
    resource.save()
    return resource


@transaction.atomic
def remove_resource(resource: Resource) -> bool:
    """Take a resource off the shelf. One nobody was given is deleted with its file; one that was
    shared stays for the teachers who have it (``removed_at``). True if it was deleted."""
    if resource.shares.exists():
        resource.removed_at = timezone.now()
        resource.save(update_fields=["removed_at", "updated_at"])
        return False
    name = resource.file.name if resource.file else ""
    resource.delete()
    if name:
        storage = Resource._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(name))
    return True


def open_coach_commitments(relationship: Relationship, commitments: list[Commitment]) -> list[Commitment]:
    """The open promises, among those read, that a shared resource can keep: the coach side's."""
    return [c for c in commitments if c.done_on is None and c.owner == Side.COACH]


@transaction.atomic
def share_resource(
    relationship: Relationship,
    by: User,
    resource: Resource,
    note: str = "",
    commitment: Commitment | None = None,
) -> ResourceShare:
    """Share with the teacher; a picked open commitment of the coach is done today."""
    check_writes_as_coach(relationship, by)
    if resource.district_id != relationship.school.district_id:
        raise ActionRefused("Only a resource of this district's library can be shared here.")
    if commitment is not None:
        if commitment.relationship_id != relationship.pk or commitment.owner != Side.COACH:
            raise ActionRefused(
                "Only an open commitment of the coach in this relationship can be kept by sharing."
            )
        commitment.relationship = relationship  # the same row, already checked: no query to load it again
        if commitment.done_on is None:
            complete_commitment(commitment)
    return ResourceShare.objects.create(
        relationship=relationship,
        author=by,
        visibility=Visibility.SHARED,
        resource=resource,
        note=note,
        commitment=commitment,
    )
