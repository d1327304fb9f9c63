"""flamer's workload for interpreter plumbing: every way CPython 3.8-3.13
calls a Python function, each ending in the same pure-Python leaf, and C
work with a known Python caller.

    python3 plumbing.py SECONDS

Python-level chains, by construction (root first, from main; qualified
names are 3.11+, 3.8-3.10 show the last part only):
  main -> outer -> K.meth -> leaf          bound method call
  main -> outer -> kw -> leaf              keyword arguments
  main -> outer -> star -> leaf            f(*args, **kwargs)
  main -> outer -> gen -> leaf             generator, driven by sum() (C)
  main -> outer -> deco.<locals>.w -> decorated -> leaf
  main -> outer -> K.prop -> leaf          property getter
  main -> outer -> K.__init__ -> leaf      class call
  main -> outer -> leaf                    functools.partial
  main -> do_sort -> key                   sorted() (C) calling back
  main -> do_sort                          sorted() itself (C)
  main -> do_zlib                          zlib.compress (C), ~30 ms a call
  main -> do_json                          json.dumps (C encoder)
Prints "ready" on stdout once it runs.
"""
import functools
import json
import sys
import time
import zlib


def leaf(n):
    s = 0
    for i in range(n):
        s += i * i % 7
    return s


class K:
    def __init__(self, n=0):
        if n:
            leaf(n)

    def meth(self, n):
        return leaf(n)

    @property
    def prop(self):
        return leaf(20000)


def kw(n, *, scale=1):
    return leaf(n * scale)


def star(*a, **k):
    return leaf(*a)


def gen(n):
    for _ in range(2):
        yield leaf(n)


def deco(f):
    @functools.wraps(f)
    def w(*a, **k):
        return f(*a, **k)
    return w


@deco
def decorated(n):
    return leaf(n)


def key(x):
    return -x


def outer(n):
    k = K()
    k.meth(n)
    kw(n, scale=1)
    star(n)
    sum(gen(n))
    decorated(n)
    k.prop
    K(n)
    functools.partial(leaf, n)()


def do_sort(values):
    return sorted(values, key=key)


def do_zlib(data):
    return zlib.compress(data, 9)


def do_json(obj):
    return json.dumps(obj)


def main(seconds):
    values = list(range(100000))
    data = (bytes(range(256)) * 4096 + b"flamer" * 200000) * 3
    obj = [{"k": i, "v": [i, str(i)]} for i in range(30000)]
    end = time.time() + seconds
    print("ready", flush=True)
    while time.time() < end:
        for _ in range(3):
            outer(20000)
        do_sort(values)
        do_zlib(data)
        do_json(obj)


main(float(sys.argv[1]) if len(sys.argv) > 1 else 5)
