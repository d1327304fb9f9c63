"""CPU work in four program shapes, for tests/python/t_bpf_complete.sh.

Every sample of this program that holds Python frames should reach the
thread's root Python frame: <module> (shapes.py) on the main thread,
_bootstrap (threading.py) on the others.

  shapes.py KIND SECONDS    KIND: cpu, gen, asyncio, threads

cpu:     nested calls top -> mid -> leaf, a loop in pure Python
gen:     a generator pipeline (numbers -> squares) consumed by sum()
asyncio: four coroutines of one event loop, each doing the cpu work and
         yielding to the loop between rounds
threads: the cpu work on the main thread and three threading.Threads
"""
import asyncio
import sys
import threading
import time


def leaf(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def mid(n):
    return leaf(n) + 1


def top(n):
    return mid(n) + 1


def run_cpu(end):
    while time.monotonic() < end:
        top(2000)


def numbers(n):
    for i in range(n):
        yield leaf(200) + i


def squares(it):
    for x in it:
        yield x * x


def run_gen(end):
    while time.monotonic() < end:
        sum(squares(numbers(50)))


async def worker(end):
    while time.monotonic() < end:
        top(2000)
        await asyncio.sleep(0)


async def amain(end):
    await asyncio.gather(*(worker(end) for _ in range(4)))


def run_asyncio(end):
    asyncio.run(amain(end))


def run_threads(end):
    ts = [threading.Thread(target=run_cpu, args=(end,)) for _ in range(3)]
    for t in ts:
        t.start()
    run_cpu(end)
    for t in ts:
        t.join()


KINDS = {"cpu": run_cpu, "gen": run_gen, "asyncio": run_asyncio,
         "threads": run_threads}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in KINDS:
        print("usage: shapes.py cpu|gen|asyncio|threads SECONDS", file=sys.stderr)
        sys.exit(2)
    KINDS[sys.argv[1]](time.monotonic() + float(sys.argv[2]))
