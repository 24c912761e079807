"""A task that exists only for testing the worker fixture itself."""

from pathlib import Path

from django_tasks import task

from rapport.people.models import User


@task()
def write_people_count(path: str) -> int:
    """Proves the worker ran, in another process, against the test database."""
    count = User.objects.count()
    Path(path).write_text(str(count))
    return count
