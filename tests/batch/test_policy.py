"""The scheduling policy alone: events and a fake clock in, actions out (no server, no sleep)."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest

from gradio_nb import (
    AppError,
    ConnectionFailed,
    QueueError,
    TooManyRequestsError,
    ZeroGPUQuotaError,
    ZeroGPUUnavailableError,
)
from gradio_nb.client._batch.policy import Fail, Outcome, Policy, Start, Verdict, classify


def fill(policy: Policy, now: float, first_index: int = 0) -> list[Start]:
    """Carry out the policy's Start(None) actions with consecutive new indexes."""
    actions = policy.decide(now)
    index = first_index
    for action in actions:
        if isinstance(action, Start) and action.index is None:
            policy.assign(action.replica, index, now)
            index += 1
    return actions


def test_the_window_bounds_jobs_in_flight_and_refills_as_jobs_end():
    policy = Policy([3], rng=random.Random(0))
    actions = fill(policy, 0.0)
    assert actions == [Start(0, None)] * 3 and policy.running == 3
    assert policy.decide(0.0) == []  # full: nothing more until a job ends
    assert policy.finished(1, 0, Outcome.OK, 1.0) == (Verdict.DONE, None)
    assert policy.decide(1.0) == [Start(0, None)]


def test_the_end_of_the_inputs_releases_the_slot_and_the_batch_goes_idle():
    policy = Policy([2])
    actions = policy.decide(0.0)
    policy.assign(0, 0, 0.0)
    policy.release(actions[1].replica, exhausted=True)
    assert policy.decide(0.0) == [] and not policy.idle
    policy.finished(0, 0, Outcome.OK, 1.0)
    assert policy.idle


def test_app_errors_are_never_retried():
    policy = Policy([1])
    fill(policy, 0.0)
    assert policy.finished(0, 0, Outcome.FATAL, 1.0) == (Verdict.FAILED, None)
    assert classify(AppError("boom")) is Outcome.FATAL


def test_retries_back_off_exponentially_with_jitter_and_stop_after_the_budget():
    policy = Policy([1], retries=3, base_delay=0.5, max_delay=30.0, jitter=0.5, rng=random.Random(1))
    fill(policy, 0.0)
    policy.source_done = True  # only the retried item is left
    now, delays = 0.0, []
    for _ in range(3):
        verdict, at = policy.finished(0, 0, Outcome.RETRYABLE, now)
        assert verdict is Verdict.RETRY
        delays.append(at - now)
        assert policy.decide(now) == []  # not before its time
        assert policy.next_wakeup(now) == at
        now = at
        assert policy.decide(now) == [Start(0, 0)]
    assert policy.finished(0, 0, Outcome.RETRYABLE, now) == (Verdict.FAILED, None)
    for n, delay in enumerate(delays):
        base = 0.5 * 2 ** n
        assert base <= delay <= base * 1.5


def test_retry_after_is_a_floor_and_pauses_the_replica():
    policy = Policy([2], rng=random.Random(2))
    fill(policy, 0.0)
    policy.finished(1, 0, Outcome.OK, 5.0)
    verdict, at = policy.finished(0, 0, Outcome.RATE_LIMITED, 10.0, retry_after=7.0)
    assert verdict is Verdict.RETRY and at >= 17.0
    assert policy.decide(12.0) == []  # paused: no fresh item either
    assert policy.next_wakeup(12.0) == pytest.approx(17.0)
    assert policy.decide(17.0) == [Start(0, None)]  # the pause is over: a fresh item
    assert policy.decide(at) == []  # window halved to 1: the retry waits for the slot


def test_a_429_halves_the_window_once_per_round_and_successes_grow_it_back():
    policy = Policy([8])
    fill(policy, 0.0)
    policy.finished(0, 0, Outcome.RATE_LIMITED, 1.0)
    assert policy.window == 4
    policy.finished(1, 0, Outcome.RATE_LIMITED, 1.1)  # same round (started before the decrease)
    assert policy.window == 4
    for index in range(2, 8):
        policy.finished(index, 0, Outcome.OK, 2.0)
    assert 5 <= policy.window <= 8
    while policy.window < 8:
        policy.replicas[0].in_flight[99] = 3.0
        policy.finished(99, 0, Outcome.OK, 3.0)
    assert policy.window == 8  # never above the cap


def test_a_dead_replica_hands_its_items_to_the_others_without_using_retries():
    policy = Policy([2, 2], dead_after=1, retries=0)
    fill(policy, 0.0)
    assert policy.replica_of(0) == 0 and policy.replica_of(2) == 1
    verdict, _ = policy.finished(0, 0, Outcome.CONNECTION_LOST, 1.0)
    assert verdict is Verdict.RETRY  # moved, although retries=0
    assert policy.finished(1, 0, Outcome.CONNECTION_LOST, 1.0)[0] is Verdict.STALE  # old job
    policy.finished(2, 1, Outcome.OK, 1.5)
    actions = policy.decide(1.5)
    assert Start(1, 0) in actions or Start(1, 1) in actions
    assert all(a.replica == 1 for a in actions)


def test_with_no_replica_left_waiting_items_fail():
    policy = Policy([1], dead_after=1)
    fill(policy, 0.0)
    policy.finished(0, 0, Outcome.CONNECTION_LOST, 1.0)
    assert policy.dead
    assert policy.decide(1.0) == [Fail(0)]
    assert policy.next_wakeup(1.0) is None


def test_stop_ends_waiting_items_and_starts_nothing():
    policy = Policy([1])
    fill(policy, 0.0)
    policy.finished(0, 0, Outcome.RETRYABLE, 0.0)
    assert policy.stop() == [0]
    assert policy.decide(100.0) == [] and policy.idle


def test_a_quota_refusal_pauses_its_replica_and_requeues_the_item_without_a_failure():
    policy = Policy([2], retries=0, quota_wait=None)
    fill(policy, 0.0)
    policy.source_done = True
    assert policy.finished(0, 0, Outcome.QUOTA, 1.0, retry_after=50.0) == (Verdict.REQUEUED, 51.0)
    # The other job in flight runs on; nothing new starts on the paused replica, even its slot.
    assert policy.failures == {} and policy.decide(10.0) == []
    assert policy.quota_paused(10.0) == [0]
    assert policy.next_wakeup(10.0) == 51.0  # the pause's end, no busy wake-ups before it
    assert policy.finished(1, 0, Outcome.QUOTA, 12.0, retry_after=39.0)[0] is Verdict.REQUEUED
    assert policy.decide(50.9) == []
    assert policy.decide(51.0) == [Start(0, 0), Start(0, 1)]  # retries=0: a quota wait is no retry
    assert policy.quota_paused(51.0) == []


def test_one_replica_over_quota_hands_its_item_to_the_others_at_once():
    policy = Policy([1, 1], quota_wait=None)
    fill(policy, 0.0)
    policy.source_done = True
    policy.finished(0, 0, Outcome.QUOTA, 1.0, retry_after=100.0)
    assert policy.decide(1.0) == []  # replica 1 is busy with item 1
    policy.finished(1, 1, Outcome.OK, 2.0)
    assert policy.decide(2.0) == [Start(1, 0)]


def test_a_wait_longer_than_quota_wait_stops_the_batch():
    policy = Policy([3], quota_wait=60.0)
    fill(policy, 0.0)
    policy.finished(0, 0, Outcome.RETRYABLE, 0.5)  # waiting for a retry: dropped by the stop
    assert policy.finished(1, 0, Outcome.QUOTA, 1.0, retry_after=61.0) == (Verdict.STOP, None)
    assert policy.stopped and policy.waiting == 0 and policy.decide(100.0) == []
    # quota_wait=0 never waits; an unknown wait counts as quota_probe seconds.
    zero = Policy([1], quota_wait=0)
    fill(zero, 0.0)
    assert zero.finished(0, 0, Outcome.QUOTA, 1.0, retry_after=1.0)[0] is Verdict.STOP
    probe = Policy([1], quota_wait=30.0, quota_probe=60.0)
    fill(probe, 0.0)
    assert probe.finished(0, 0, Outcome.QUOTA, 1.0, retry_after=None)[0] is Verdict.STOP


def test_a_zero_gpu_window_starts_at_one_and_stops_growing_after_a_quota_or_credits_refusal():
    policy = Policy([4], start=[1])
    assert fill(policy, 0.0) == [Start(0, None)]
    policy.finished(0, 0, Outcome.OK, 1.0)
    assert policy.window == 2  # grows while all is well
    assert len(fill(policy, 1.0, first_index=1)) == 2  # items 1 and 2
    assert policy.finished(1, 0, Outcome.PENDING_CREDITS, 2.0)[0] is Verdict.RETRY  # like a 429
    assert policy.window == 1
    policy.finished(2, 0, Outcome.OK, 3.0)
    assert policy.window == 1  # successes no longer grow it
    quota = Policy([4], start=[2], quota_wait=None)
    fill(quota, 0.0)
    quota.finished(0, 0, Outcome.QUOTA, 1.0, retry_after=1.0)
    quota.finished(1, 0, Outcome.OK, 1.5)
    assert quota.window == 2


def test_errors_map_to_outcomes():
    assert classify(None) is Outcome.OK
    assert classify(TooManyRequestsError("x", retry_after=1)) is Outcome.RATE_LIMITED
    assert classify(QueueError("full")) is Outcome.RETRYABLE
    assert classify(ConnectionFailed("gone")) is Outcome.CONNECTION_LOST
    assert classify(ZeroGPUQuotaError("over", retry_after=timedelta(seconds=3))) is Outcome.QUOTA
    assert classify(ZeroGPUUnavailableError("none", reason="no_gpu")) is Outcome.RETRYABLE
    assert classify(ZeroGPUUnavailableError("busy", reason="pending_credits")) is Outcome.PENDING_CREDITS
