"""Three Python functions, one C call each, called in a fixed order.

f_zlib calls zlib.compress, f_sort calls sorted, f_json calls json.dumps
(the C encoder), in a loop.  A sample inside one of these C calls has, by
construction, exactly one right Python caller; a stack read after the call
returned names the next function instead.  tests/python/t_bpf_callers.sh
measures that share.  Usage: callers.py [SECONDS]
"""
import json
import random
import sys
import time
import zlib

random.seed(13)
DATA = bytes(random.getrandbits(8) for _ in range(4096)) * 24
LIST = list(range(30000))
random.shuffle(LIST)
OBJ = {"k%d" % i: [i, "v%d" % i, {"x": i, "y": [i, i + 1]}] for i in range(2500)}


def f_zlib():
    return zlib.compress(DATA, 6)


def f_sort():
    return sorted(LIST)


def f_json():
    return json.dumps(OBJ)


def loop(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        f_zlib()
        f_sort()
        f_json()


if __name__ == "__main__":
    loop(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
