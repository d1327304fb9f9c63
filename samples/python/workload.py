"""flamer's Python sample workload: known functions with a known CPU split.

    python3 workload.py SECONDS

Runs for SECONDS (default 10) on CPython 3.8 or later:
  main thread: <module> -> main -> run -> Worker.work -> heavy (3 parts)
                                                      -> light (1 part)
                                   -> run -> native_part -> zlib.compress (C)
                                   -> run -> sort_part -> sorted -> sort_key
                                   -> run -> syscall_part -> os.write
  thread "spinner": Thread._bootstrap... -> spinner_main -> spin, or sleeping
Prints "ready" on stdout once both threads run.
"""
import os
import sys
import threading
import time
import zlib

STOP = threading.Event()


def heavy(n):
    s = 0
    for i in range(n):
        s += i * i % 7
    return s


def light(n):
    s = 0
    for i in range(n):
        s += i * i % 7
    return s


class Worker:
    def work(self, n):
        # heavy runs three times as long as light.
        heavy(n)
        heavy(n)
        heavy(n)
        light(n)


def native_part(data):
    # CPU spent inside a C extension function.
    return zlib.compress(data, 9)


def sort_key(x):
    return -x


def sort_part(values):
    # sorted() is C code calling back into Python (sort_key).
    return sorted(values, key=sort_key)


def syscall_part(fd, block, count):
    for _ in range(count):
        os.write(fd, block)


def spin(n):
    s = 0
    for i in range(n):
        s ^= i
    return s


def spinner_main():
    # Half busy, half asleep, so the main thread keeps most of the GIL.
    while not STOP.is_set():
        spin(20000)
        time.sleep(0.002)


def run(seconds):
    worker = Worker()
    data = bytes(range(256)) * 8000
    values = list(range(100000))
    fd = os.open(os.devnull, os.O_WRONLY)
    block = b"x" * 256
    deadline = time.time() + seconds
    while time.time() < deadline:
        worker.work(150000)
        native_part(data)
        sort_part(values)
        syscall_part(fd, block, 20000)
    os.close(fd)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    t = threading.Thread(target=spinner_main, name="spinner")
    t.start()
    print("ready", flush=True)
    try:
        run(seconds)
    finally:
        STOP.set()
        t.join()


if __name__ == "__main__":
    main()
