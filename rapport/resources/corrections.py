"""A shared resource, its note corrected or the share taken back by whoever shared it
(``rapport.relationships.record_edit``)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rapport.coaching.actions import reopen_commitment
from rapport.relationships.record_edit import Correctable, delete_record
from rapport.resources.forms import ShareNoteForm
from rapport.resources.models import ResourceShare


def _take_back(share: ResourceShare) -> None:
    """Shared by mistake: gone from both members' pages; a promise it kept is open again."""
    with transaction.atomic():
        commitment = share.commitment
        delete_record(share)
        if commitment is not None and commitment.done_on is not None:
            commitment.relationship = share.relationship  # the same relationship, already checked
            reopen_commitment(commitment)


def _save_note(share: ResourceShare, data: dict) -> None:
    share.note = data["note"]
    share.save()


RESOURCE_SHARE = Correctable(
    name="resource_share",
    label="shared resource",
    model=ResourceShare,
    form=lambda share, data: ShareNoteForm(data, initial={"note": share.note}),
    save=_save_note,
    summary=lambda share: (
        f"{share.resource.title}, shared {timezone.localtime(share.created_at):%b %-d, %Y}"
        + (f": {share.note}" if share.note else "")
    ),
    back=lambda share: reverse("shared_resources", args=[share.relationship_id]),
    delete=_take_back,
    delete_note=(
        "It disappears from both your pages. If sharing it kept one of your promises, that promise "
        "is open again. The resource stays in the library."
    ),
)
