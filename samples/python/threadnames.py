"""flamer's thread-name workload: threads with known Python names, each
burning CPU in a function of its own.

    python3 threadnames.py SECONDS

Threads (threading.Thread.name -> the function it runs):
  crunch-a        crunch_a
  crunch-b        crunch_b   (started as "temp-b", renamed right after start)
  odd;na<TAB>me   crunch_odd (';' and a control character: shown sanitized)
  MainThread      crunch_main (the main thread)
Prints "ready" once every thread runs.
"""
import sys
import threading
import time


def burn(deadline):
    s = 0
    while time.time() < deadline:
        for i in range(5000):
            s += i % 7
    return s


def crunch_a(deadline):
    return burn(deadline)


def crunch_b(deadline):
    return burn(deadline)


def crunch_odd(deadline):
    return burn(deadline)


def crunch_main(deadline):
    return burn(deadline)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    deadline = time.time() + seconds
    threads = [
        threading.Thread(target=crunch_a, args=(deadline,), name="crunch-a"),
        threading.Thread(target=crunch_b, args=(deadline,), name="temp-b"),
        threading.Thread(target=crunch_odd, args=(deadline,),
                         name="odd;na\tme"),
    ]
    for t in threads:
        t.start()
    threads[1].name = "crunch-b"
    print("ready", flush=True)
    crunch_main(deadline)
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
