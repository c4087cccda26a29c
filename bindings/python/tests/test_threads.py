"""One Store shared by many threads: concurrent creates, idempotency races,
and close() waiting for the calls in flight."""

from __future__ import annotations

import threading

import pytest

import libmsg

THREADS = 8


def run_all(target, n=THREADS):
    errors = []

    def wrapped(i):
        try:
            target(i)
        except BaseException as e:  # noqa: B902 - reported below
            errors.append(e)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    assert errors == []


def test_threads__concurrent_creates_are_all_stored_once(store, acct, sender, receiver):
    per_thread = 25
    made = [[] for _ in range(THREADS)]

    def work(i):
        for j in range(per_thread):
            made[i].append(store.create(account_id=acct, sender_number=sender,
                                        receiver_number=receiver, body=f"t{i} m{j}")[0])

    run_all(work)
    listed = list(store.iter_list(acct, limit=37))
    assert len(listed) == THREADS * per_thread
    assert sorted(m.message_id for m in listed) == sorted(
        m.message_id for ms in made for m in ms)
    # newest first, strictly: the walk neither repeats nor reorders
    assert all(a.created_at > b.created_at for a, b in zip(listed, listed[1:]))


def test_threads__one_key_raced_gives_one_message(store, acct, sender, receiver):
    results = [None] * THREADS
    barrier = threading.Barrier(THREADS)

    def work(i):
        barrier.wait()
        results[i] = store.create(account_id=acct, sender_number=sender,
                                  receiver_number=receiver, body="race",
                                  idempotency_key="race-key")

    run_all(work)
    assert len({m.message_id for m, _ in results}) == 1
    assert sorted(r for _, r in results) == [False] + [True] * (THREADS - 1)


def test_threads__close_waits_for_calls_in_flight(uri, acct, sender, receiver):
    store = libmsg.Store(uri)
    started = threading.Barrier(THREADS + 1)
    outcomes = [None] * THREADS

    def work(i):
        started.wait()
        done = 0
        try:
            while True:
                store.create(account_id=acct, sender_number=sender, receiver_number=receiver)
                store.list(acct, limit=5)
                done += 1
        except ValueError as e:
            outcomes[i] = (done, str(e))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    started.wait()
    store.close()
    for t in threads:
        t.join(60)
    assert all(o is not None and o[1] == "the store is closed" for o in outcomes)
    with pytest.raises(ValueError):
        store.get("0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11")


def test_threads__close_blocks_until_the_call_in_flight_returns(uri):
    # A call in flight is held open through the store's own guard (what every
    # method wraps its C call in), so the timing does not depend on the database.
    store = libmsg.Store(uri)
    in_call, release, closed = threading.Event(), threading.Event(), threading.Event()

    def call_in_flight():
        with store._use():
            in_call.set()
            release.wait(30)

    def close():
        store.close()
        closed.set()

    caller = threading.Thread(target=call_in_flight)
    caller.start()
    assert in_call.wait(30)
    closer = threading.Thread(target=close)
    closer.start()
    assert not closed.wait(0.3), "close() returned while a call was still running"
    with pytest.raises(ValueError, match="closed"):
        store.list(1)  # new calls are refused at once
    release.set()
    assert closed.wait(30), "close() did not return after the call finished"
    caller.join(30)
    closer.join(30)
