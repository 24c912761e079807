"""The load run counts the CPU time each answer costs, so the throughput target reads as a budget."""

import time

from bench.client import Outcome, client_seconds, machine_busy_seconds, run_clients


def spin(seconds: float) -> None:
    until = time.process_time() + seconds
    while time.process_time() < until:
        pass


def test_the_machine_and_the_load_generator_are_seen_busy_while_it_works():
    machine, client = machine_busy_seconds(), client_seconds()
    spin(0.3)
    assert client_seconds() - client >= 0.25
    # Other processes only add to the machine's figure; /proc/stat counts in ticks of 10 ms.
    assert machine_busy_seconds() - machine >= 0.25


def test_a_run_records_the_cpu_time_of_its_answers():
    def step_for(index):
        def step(browser, outcome):
            spin(0.01)
            outcome.latencies.append(0.01)
            outcome.statuses[200] = outcome.statuses.get(200, 0) + 1

        return step

    outcome = run_clients([None, None], step_for, duration=0.4)

    # Each answer spun until the process had used 10 ms more (both threads count): 5 to 10 ms each,
    # however busy the machine was (a busy machine gives fewer answers, not cheaper ones).
    answers = len(outcome.latencies)
    assert answers > 0
    assert outcome.client_cpu >= answers * 0.004
    assert 4 <= outcome.client_cpu_ms_per_request <= 40
    # The machine's figure holds this process's; both are counted in ticks of 10 ms.
    assert outcome.machine_cpu >= outcome.client_cpu - 0.05
    assert outcome.cpu_ms_per_request >= outcome.client_cpu_ms_per_request - 50 / answers


def test_an_empty_run_has_no_cost_per_answer():
    assert str(Outcome().cpu_ms_per_request) == "nan"
