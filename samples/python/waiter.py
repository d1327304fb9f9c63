"""waiter.py - a Python program whose threads wait in known ways, for
flamer's dump and off-CPU tests.

    main thread:  <module> -> main -> wait_outer -> wait_leaf -> time.sleep
    "computer":   compute_outer -> compute_leaf (pure Python arithmetic)
    "mixed":      mixed_loop -> mixed_work (busy WORK ms) /
                                mixed_sleep -> time.sleep (SLEEP ms)

usage: waiter.py SECONDS [WORK_MS SLEEP_MS] ; prints "ready" when running,
and at the end "computed N" (the computer's loop count).  WAITER_SETTLE=S
(environment) makes the main thread sleep S seconds in main first, so the
wait under wait_leaf starts after a recorder's start-up.
"""
import os
import sys
import threading
import time

stop = False
count = 0


def compute_leaf():
    global count
    x = 0
    for i in range(2000):
        x += i * i
    count += 1
    return x


def compute_outer():
    while not stop:
        compute_leaf()


def mixed_work(ms):
    end = time.monotonic() + ms / 1000.0
    x = 0
    while time.monotonic() < end:
        x += 1
    return x


def mixed_sleep(ms):
    time.sleep(ms / 1000.0)


def mixed_loop(work_ms, sleep_ms):
    while not stop:
        mixed_work(work_ms)
        mixed_sleep(sleep_ms)


def wait_leaf(secs):
    time.sleep(secs)


def wait_outer(secs):
    wait_leaf(secs)


def main():
    global stop
    secs = float(sys.argv[1])
    threads = [threading.Thread(target=compute_outer, name="computer")]
    if len(sys.argv) > 3:
        threads.append(threading.Thread(
            target=mixed_loop, name="mixed",
            args=(int(sys.argv[2]), int(sys.argv[3]))))
    for t in threads:
        t.start()
    print("ready", flush=True)
    settle = float(os.environ.get("WAITER_SETTLE", "0"))
    if settle > 0:
        time.sleep(settle)
    wait_outer(secs)
    stop = True
    for t in threads:
        t.join()
    print("computed", count, flush=True)


if __name__ == "__main__":
    main()
