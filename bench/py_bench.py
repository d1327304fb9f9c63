"""py_bench - a CPU-bound Python workload with a fixed amount of work.

    <module> -> main -> work -> descend x20 -> hot

Usage: python3 py_bench.py [-n UNITS] [-w]

  -n UNITS  units of work (default 1000)
  -w        print "ready PID", then wait for SIGUSR1 before working, so a
            profiler can attach by pid before the timed part starts

Prints one line when done, in the same form as samples/c/bench.c:
  bench: cpu SECONDS wall SECONDS total_cpu SECONDS units N nivcsw N result HEX
"""
import os
import resource
import signal
import sys
import time

DEPTH = 20
SPIN_PER_UNIT = 20000


def hot(n, x):
    for _ in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    return x


def descend(depth, x):
    if depth > 1:
        return descend(depth - 1, x + 1)
    return hot(SPIN_PER_UNIT, x)


def work(units):
    x = 88172645463325252
    for _ in range(units):
        x = descend(DEPTH, x)
    return x


def main(argv):
    units, gate = 1000, False
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "-n" and args:
            units = int(args.pop(0))
        elif a == "-w":
            gate = True
        else:
            print("usage: py_bench.py [-n UNITS] [-w]", file=sys.stderr)
            return 2
    if gate:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
        print("ready", os.getpid(), flush=True)
        signal.sigwait({signal.SIGUSR1})
    c0, w0 = time.process_time(), time.monotonic()
    x = work(units)
    c1, w1 = time.process_time(), time.monotonic()
    nivcsw = resource.getrusage(resource.RUSAGE_SELF).ru_nivcsw
    print("bench: cpu %.6f wall %.6f total_cpu %.6f units %d nivcsw %d result %x"
          % (c1 - c0, w1 - w0, time.process_time(), units, nivcsw, x),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
