"""flamer's multiprocessing workload: forked children with known functions.

    python3 mp_workload.py SECONDS [CHILDREN]

The parent starts CHILDREN (default 2) processes with the "fork" start
method and waits for them; each child runs for SECONDS (default 5):
  child: ... -> child_main -> crunch (CPU-bound)
The parent itself sleeps in Process.join (off-CPU), so nearly every sample
of a recording comes from the children.  Prints "ready PID" (its own pid)
once the children are started.
"""
import multiprocessing
import os
import sys
import time


def crunch(n):
    s = 0
    for i in range(n):
        s += i * i % 11
    return s


def child_main(seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        crunch(50000)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    children = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=child_main, args=(seconds,))
             for _ in range(children)]
    for p in procs:
        p.start()
    print("ready", os.getpid(), flush=True)
    for p in procs:
        p.join()


if __name__ == "__main__":
    main()
