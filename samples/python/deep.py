"""flamer's deep-stack workload: a Python recursion DEPTH frames deep.

    python3 deep.py SECONDS [DEPTH]

Runs for SECONDS (default 5): <module> -> main -> recurse x DEPTH (default
40) -> leaf (CPU-bound).  Before 3.11 every Python call is a native
_PyEval_EvalFrameDefault call too (~0.5 KiB of C stack each), so the
native stack is deeper than the recorder's default 8 KiB stack copy.
A DEPTH above Python's recursion limit raises the limit.
"""
import sys
import time


def leaf(n):
    s = 0
    for i in range(n):
        s += i % 7
    return s


def recurse(depth):
    if depth == 0:
        return leaf(100000)
    return recurse(depth - 1)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    depth = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    if depth + 100 > sys.getrecursionlimit():
        sys.setrecursionlimit(depth + 100)
    deadline = time.time() + seconds
    while time.time() < deadline:
        recurse(depth)


if __name__ == "__main__":
    main()
