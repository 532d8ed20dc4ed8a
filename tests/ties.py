"""Ties in asyncio (Python 3.11+): what the event loop does when timers fall
due together, found by experiment and asserted here. Run by tests/ties.rs;
see the rule in the doc comment at its top. Real clock, but every assertion
is made deterministic by holding the thread (time.sleep) so that whatever
should be due together is overdue together: no timing tolerance needed.

Prints one line per finding and, last, "all asyncio ties as documented".
"""

import asyncio
import time


def found(what):
    print(f"ok: {what}")


def hold(seconds):
    """Blocks the loop's thread, as a blocking call in a coroutine does."""
    time.sleep(seconds)


async def clock():
    loop = asyncio.get_running_loop()
    # loop.time() is time.monotonic(); its resolution is the loop's
    # _clock_resolution, and a timer due before now + resolution runs now.
    resolution = time.get_clock_info("monotonic").resolution
    assert loop._clock_resolution == resolution, loop._clock_resolution
    found(f"clock resolution {resolution}")
    # No 1 ms tick: a timer 0.1 ms after another fires after it, in the
    # same turn if both are overdue.
    order = []
    now = loop.time()
    loop.call_at(now + 0.0002, order.append, "later")
    loop.call_at(now + 0.0001, order.append, "sooner")
    hold(0.01)
    await asyncio.sleep(0.001)
    assert order == ["sooner", "later"], order
    found("timers fire in when order, to the ns")


async def exact_ties():
    loop = asyncio.get_running_loop()
    # Exactly equal whens (call_at) pop from the heap in heap order: not
    # FIFO from 3 on, but the same every run (heapq is deterministic).
    expected = {
        2: [0, 1],
        3: [0, 2, 1],
        5: [0, 2, 1, 3, 4],
        8: [0, 2, 6, 5, 7, 1, 3, 4],
    }
    for n, heap_order in expected.items():
        order = []
        when = loop.time() + 0.001
        for i in range(n):
            loop.call_at(when, order.append, i)
        hold(0.005)
        await asyncio.sleep(0.001)
        assert order == heap_order, (n, order)
    found("equal call_at whens run in heap order: 3 timers run 0, 2, 1")


async def ready_queue():
    loop = asyncio.get_running_loop()
    order = []
    # The ready queue is FIFO...
    for i in range(100):
        loop.call_soon(order.append, i)
    await asyncio.sleep(0)
    assert order == list(range(100)), order
    found("call_soon callbacks run FIFO")
    # ...and due timers join it at the back, behind what is already ready,
    # even when they were scheduled first.
    order = []
    loop.call_at(loop.time() - 1, order.append, "overdue timer")
    loop.call_soon(order.append, "ready")
    await asyncio.sleep(0.001)
    assert order == ["ready", "overdue timer"], order
    found("a due timer runs after the callbacks already ready")
    # asyncio.sleep(0) takes no timer: it yields exactly one turn.
    order = []

    async def note(name):
        order.append(name)

    other = asyncio.create_task(note("other task"))
    await asyncio.sleep(0)
    order.append("after sleep(0)")
    await other
    assert order == ["other task", "after sleep(0)"], order
    found("sleep(0) yields one turn")


async def say(log, seconds, name, fails=False):
    await asyncio.sleep(seconds)
    log.append(name)
    if fails:
        raise RuntimeError(name)
    return name


async def combinators():
    # gather starts its children in argument order: equal sleeps get
    # increasing whens, and end in argument order, here reversed from
    # nothing. 100 of them, overdue together after a hold.
    log = []
    gathered = asyncio.gather(*(say(log, 0.001, i) for i in range(100)))
    await asyncio.sleep(0)
    hold(0.01)
    assert await gathered == list(range(100))
    assert log == list(range(100)), log
    found("gather: equal sleeps end in argument order")

    # TaskGroup likewise, in create_task order.
    log = []
    async with asyncio.TaskGroup() as group:
        for i in range(10):
            group.create_task(say(log, 0.001, i))
        await asyncio.sleep(0)
        hold(0.01)
    assert log == list(range(10)), log
    found("TaskGroup: equal sleeps end in create_task order")

    # wait(FIRST_COMPLETED) returns every task done in the same turn: here
    # all three (due at 1, 2, 3 ms, all overdue when the loop wakes).
    log = []
    racers = [asyncio.create_task(say(log, 0.001 * (i + 1), i)) for i in range(3)]
    await asyncio.sleep(0)
    hold(0.01)
    done, pending = await asyncio.wait(racers, return_when=asyncio.FIRST_COMPLETED)
    assert done == set(racers) and not pending, (done, pending)
    # The emitted race takes the first given among the done.
    assert next(r for r in racers if r in done).result() == 0
    found("wait(FIRST_COMPLETED): every task done in that turn is done")

    # as_completed over tasks yields in completion order.
    log = []
    tasks = [asyncio.create_task(say(log, 0.001, i)) for i in range(5)]
    await asyncio.sleep(0)
    hold(0.01)
    finished = [await f for f in asyncio.as_completed(tasks)]
    assert finished == list(range(5)), finished
    found("as_completed(tasks): completion order")


async def deadlines():
    # asyncio.timeout(d) takes its when before the child's sleep takes its
    # own: with equal delays the deadline fires first and cancels the child.
    for _ in range(3):
        log = []
        try:
            async with asyncio.timeout(0.005):
                await say(log, 0.005, "child")
            ended = "done"
        except TimeoutError:
            ended = "timed out"
        assert (ended, log) == ("timed out", []), (ended, log)
    found("asyncio.timeout(d) around a d sleep times out")

    # A TaskGroup sibling whose timer fired in the failing child's turn
    # finishes: the group's abort (a done callback of the failed task) is
    # queued behind the sibling's wake-up. Both orders.
    for first, second in [(("boom", True), ("ok", False)), (("ok", False), ("boom", True))]:
        log = []
        tasks = {}
        try:
            async with asyncio.TaskGroup() as group:
                for name, fails in (first, second):
                    tasks[name] = group.create_task(say(log, 0.001, name, fails))
                # Both timers overdue at the same wake.
                await asyncio.sleep(0)
                hold(0.01)
        except* RuntimeError:
            pass
        assert not tasks["ok"].cancelled() and tasks["ok"].result() == "ok"
    found("TaskGroup: a tied sibling of a failure finishes")


async def main():
    await clock()
    await exact_ties()
    await ready_queue()
    await combinators()
    await deadlines()
    print("all asyncio ties as documented")


asyncio.run(main())
