"""flamer's idle-thread workload: one busy thread, several blocked ones.

    python3 idle_threads.py SECONDS [IDLE]

The main thread runs busy() for SECONDS (default 5) while IDLE (default 4)
threads wait on an Event in idle_worker(): they are off-CPU the whole
time, so a CPU profiler should record (almost) no samples for them, and
the main thread keeps the GIL.  Prints "ready" once the threads wait.
"""
import sys
import threading
import time

STOP = threading.Event()


def idle_worker():
    STOP.wait()


def busy(seconds):
    deadline = time.time() + seconds
    s = 0
    while time.time() < deadline:
        for i in range(20000):
            s += i % 13
    return s


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    idle = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    threads = [threading.Thread(target=idle_worker, name="idle%d" % i)
               for i in range(idle)]
    for t in threads:
        t.start()
    print("ready", flush=True)
    try:
        busy(seconds)
    finally:
        STOP.set()
        for t in threads:
            t.join()


if __name__ == "__main__":
    main()
