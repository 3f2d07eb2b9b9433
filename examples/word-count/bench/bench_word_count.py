"""Compare the word_count implementations on a large generated text.

    python bench/bench_word_count.py [--megabytes 16] [--repeat 5]

Prints the median wall time of each implementation and its speed-up over the
sequential Rust search. On a machine with N cores the parallel `search` should
approach N times the speed of `search_sequential`. A second table runs one call
per core in Python threads: the GIL-releasing functions overlap, the one that
holds the GIL does not.
"""

import argparse
import os
import random
import statistics
import threading
import time

from word_count import (
    search,
    search_py,
    search_sequential,
    search_sequential_allow_threads,
)

WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "Fox", "foxes", "caf\u00e9"]
SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", "-"]


def make_text(megabytes, seed=42):
    rng = random.Random(seed)
    # Build one ~64 KiB block of random words and repeat it: fast to make, and
    # the searches cannot tell.
    parts, size = [], 0
    while size < 64 * 1024:
        part = rng.choice(WORDS) + rng.choice(SEPARATORS)
        parts.append(part)
        size += len(part)
    block = "".join(parts)
    return block * max(1, int(megabytes * 1024 * 1024 / len(block)))


def cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def median_time(f, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_threads(f, text, needle, n):
    def run():
        threads = [threading.Thread(target=f, args=(text, needle)) for _ in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=16.0, help="size of the text (default 16)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per implementation (default 5)")
    parser.add_argument("--needle", default="fox")
    args = parser.parse_args()

    text = make_text(args.megabytes)
    needle = args.needle
    n = cores()
    print("text: %.1f MB, %d lines; needle %r; %d cores" % (len(text) / 1e6, text.count("\n"), needle, n))

    answers = {f.__name__: f(text, needle) for f in (search, search_sequential, search_sequential_allow_threads, search_py)}
    if len(set(answers.values())) != 1:
        raise SystemExit("implementations disagree: %r" % answers)
    print("count: %d (all four agree)" % next(iter(answers.values())))

    rows = [
        ("search (parallel, GIL released)", lambda: search(text, needle)),
        ("search_sequential (GIL held)", lambda: search_sequential(text, needle)),
        ("search_sequential_allow_threads", lambda: search_sequential_allow_threads(text, needle)),
        ("search_py (pure Python)", lambda: search_py(text, needle)),
    ]
    times = {name: median_time(f, args.repeat) for name, f in rows}
    base = times["search_sequential (GIL held)"]
    print()
    print("%-36s %10s %10s" % ("one call", "median s", "speed-up"))
    for name, t in times.items():
        print("%-36s %10.4f %9.2fx" % (name, t, base / t))

    print()
    print("%-36s %10s %10s" % ("%d calls in %d Python threads" % (n, n), "median s", "speed-up"))
    threaded = {
        "search_sequential (GIL held)": median_time(in_threads(search_sequential, text, needle, n), args.repeat),
        "search_sequential_allow_threads": median_time(
            in_threads(search_sequential_allow_threads, text, needle, n), args.repeat
        ),
    }
    held = threaded["search_sequential (GIL held)"]
    for name, t in threaded.items():
        print("%-36s %10.4f %9.2fx" % (name, t, held / t))


if __name__ == "__main__":
    main()
