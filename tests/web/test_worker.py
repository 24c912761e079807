"""The background-job set-up itself: a real RQ worker on Redis runs what a request enqueues."""

from tests.factories import UserFactory
from tests.jobs import write_people_count


def test_a_real_worker_runs_an_enqueued_task_against_the_test_database(rq_worker, tmp_path):
    UserFactory.create_batch(3)
    marker = tmp_path / "count.txt"

    write_people_count.enqueue(str(marker))
    assert not marker.exists(), "the task ran inline: it should have waited for the worker"

    rq_worker.work()
    assert marker.read_text() == "3"
