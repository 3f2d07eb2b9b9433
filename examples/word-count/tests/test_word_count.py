"""Tests for the installed ``word_count`` package: the three Rust implementations
and the pure-Python reference must give the same counts.

Run against an installed wheel, from any folder but the project's python/ folder:

    python -m unittest discover -s tests -v
"""

import os
import random
import sys
import sysconfig
import threading
import unittest

import word_count
from word_count import (
    search,
    search_py,
    search_sequential,
    search_sequential_allow_threads,
)

IMPLEMENTATIONS = {
    "search": search,
    "search_sequential": search_sequential,
    "search_sequential_allow_threads": search_sequential_allow_threads,
    "search_py": search_py,
}


def counts(contents, needle):
    """The count of every implementation, by name."""
    return {name: f(contents, needle) for name, f in IMPLEMENTATIONS.items()}


# (text, needle, expected count): word boundaries, punctuation, case, Unicode.
EDGE_CASES = [
    ("", "fox", 0),
    ("fox", "fox", 1),
    ("fox fox\nfox", "fox", 3),
    ("Fox FOX fOx", "fox", 3),
    ("fox", "FOX", 1),
    ("foxes fo xfox fox1 f0x", "fox", 0),
    ("fox, fox. fox! fox? (fox) [fox] 'fox' \"fox\"", "fox", 8),
    ("fox-fox_fox/fox\\fox", "fox", 5),  # "-", "_", "/" and "\" separate words
    ("don't", "don", 1),  # so does the apostrophe
    ("don't", "t", 1),
    ("fox\r\nfox\rfox\tfox\x0bfox\x0cfox", "fox", 6),
    ("fox\u2028fox\u2029fox\u00a0fox\u3000fox", "fox", 5),  # Unicode separators
    ("fox\u2014fox \u2018fox\u2019 \u201cfox\u201d", "fox", 4),  # dashes, curly quotes
    ("   \n\n\t  ", "fox", 0),
    ("3.14 and 314 and 3,14", "14", 2),
    ("2024 \uff12\uff10\uff12\uff14", "2024", 1),  # full-width digits are other characters
    ("caf\u00e9 Caf\u00e9 CAF\u00c9 cafe", "caf\u00e9", 3),
    ("cafe caf\u00e9", "cafe", 1),
    ("na\u00efve NA\u00cfVE", "na\u00efve", 2),
    ("stra\u00dfe STRASSE strasse", "stra\u00dfe", 1),  # lower-casing, not case folding
    ("\u039f\u0394\u039f\u03a3 \u03bf\u03b4\u03bf\u03c2", "\u03bf\u03b4\u03bf\u03c2", 2),  # final sigma
    ("\u0130stanbul istanbul", "istanbul", 1),  # dotted capital I lower-cases to i + dot
    ("\u212a k K", "k", 3),  # the Kelvin sign lower-cases to k
    ("\u65e5\u672c \u65e5\u672c\u8a9e", "\u65e5\u672c", 1),
    ("\u0433\u043e\u0434 \u0413\u041e\u0414!", "\u0433\u043e\u0434", 2),
    ("x" * 10000 + " fox", "fox", 1),
]


class EdgeCases(unittest.TestCase):
    def test_expected_counts(self):
        for text, needle, expected in EDGE_CASES:
            with self.subTest(text=text[:40], needle=needle):
                self.assertEqual(counts(text, needle), dict.fromkeys(IMPLEMENTATIONS, expected))

    def test_needle_must_be_one_word(self):
        for needle in ["", " ", "two words", "don't", "a-b", " fox", "fox\n", "_"]:
            for name, f in IMPLEMENTATIONS.items():
                with self.subTest(needle=needle, implementation=name):
                    with self.assertRaises(ValueError):
                        f("some text", needle)

    def test_wrong_types(self):
        for name, f in IMPLEMENTATIONS.items():
            with self.subTest(implementation=name):
                with self.assertRaises(TypeError):
                    f(None, "fox")
                with self.assertRaises(TypeError):
                    f("fox", 3)


# Words of the generated texts; none of them contains or equals a needle below.
VOCABULARY = [
    "the", "quick", "brown", "jumps", "over", "lazy", "dog", "Rust", "Python",
    "na\u00efve", "stra\u00dfe", "\u03c3\u03bf\u03c6\u03cc\u03c2", "\u0433\u043e\u0434",
    "\u65e5\u672c", "42", "x1",
]
SEPARATORS = [
    " ", " ", " ", "  ", ", ", ". ", "!\n", "\n", "\n\n", "\r\n", "\t", "-", "_",
    "'", "\"", " (", ") ", "\u2014", " \u2026 ", "\u2028",
]
# needle -> (spellings that match it, near misses that must not)
NEEDLES = {
    "fox": (["fox", "Fox", "FOX", "fOx"], ["foxes", "fo", "xfox", "fox1", "f0x", "fox\u00e9"]),
    "caf\u00e9": (["caf\u00e9", "Caf\u00e9", "CAF\u00c9"], ["cafe", "caf\u00e9s", "caf", "CAFE"]),
}


def generate(rng, needle, words):
    """A random text of `words` words, and how many of them match `needle`."""
    hits, misses = NEEDLES[needle]
    parts = []
    expected = 0
    for _ in range(words):
        roll = rng.random()
        if roll < 0.05:
            parts.append(rng.choice(hits))
            expected += 1
        elif roll < 0.10:
            parts.append(rng.choice(misses))
        else:
            parts.append(rng.choice(VOCABULARY))
        parts.append(rng.choice(SEPARATORS))
    return "".join(parts), expected


class GeneratedTexts(unittest.TestCase):
    def test_small_texts_agree(self):
        rng = random.Random(1234)
        for i in range(300):
            needle = rng.choice(sorted(NEEDLES))
            text, expected = generate(rng, needle, rng.randrange(0, 60))
            with self.subTest(i=i, needle=needle):
                self.assertEqual(counts(text, needle), dict.fromkeys(IMPLEMENTATIONS, expected))

    def test_large_text_agrees(self):
        # Many lines, so the parallel search really splits the work.
        rng = random.Random(99)
        for needle in sorted(NEEDLES):
            text, expected = generate(rng, needle, 200000)
            with self.subTest(needle=needle):
                self.assertGreater(expected, 1000)
                self.assertEqual(counts(text, needle), dict.fromkeys(IMPLEMENTATIONS, expected))

    def test_one_long_line(self):
        rng = random.Random(7)
        text, expected = generate(rng, "fox", 50000)
        one_line = text.replace("\r", " ").replace("\n", " ").replace("\u2028", " ")
        self.assertEqual(counts(one_line, "fox"), dict.fromkeys(IMPLEMENTATIONS, expected))


class Threads(unittest.TestCase):
    def test_concurrent_calls_from_python_threads(self):
        # The GIL-releasing functions run at the same time in several threads;
        # each call must still see its own arguments and give its own answer.
        rng = random.Random(5)
        jobs = [generate(rng, "fox", 20000) for _ in range(8)]
        results = [None] * len(jobs)

        def work(i, f):
            results[i] = f(jobs[i][0], "fox")

        for f in (search, search_sequential_allow_threads, search_sequential):
            with self.subTest(implementation=f.__name__):
                threads = [threading.Thread(target=work, args=(i, f)) for i in range(len(jobs))]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                self.assertEqual(results, [expected for _, expected in jobs])


class Unicode(unittest.TestCase):
    def test_reference_pattern_is_isalnum(self):
        # search_py finds words with a regular expression; it must mean str.isalnum().
        from word_count import _WORD

        for code in range(0x10000):
            c = chr(code)
            with self.subTest(code=hex(code)):
                self.assertEqual(bool(_WORD.fullmatch(c)), c.isalnum())

    def test_known_difference_alphabetic_marks(self):
        # Rust's char::is_alphanumeric also counts the marks Unicode calls
        # alphabetic (here a circled letter, U+24D0), str.isalnum() does not:
        # the one documented way the reference and the Rust code differ.
        circled = "\u24d0\u24d1"
        self.assertEqual(search_sequential("x " + circled + " x", circled), 1)
        self.assertEqual(search("x " + circled + " x", circled), 1)
        with self.assertRaises(ValueError):
            search_py("x " + circled + " x", circled)


class Packaging(unittest.TestCase):
    def test_extension_sits_in_the_package(self):
        from word_count import _word_count

        ext = _word_count.__file__
        self.assertEqual(os.path.dirname(ext), os.path.dirname(word_count.__file__))
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        if not ext.endswith(suffix):
            # A stable-ABI build is named <module>.abi3.so instead.
            self.assertTrue(ext.endswith(".abi3.so"), ext)

    def test_version_matches_the_distribution(self):
        if sys.version_info < (3, 8):
            self.skipTest("importlib.metadata needs Python 3.8")
        from importlib.metadata import version

        self.assertEqual(word_count.__version__, version("word-count"))


if __name__ == "__main__":
    unittest.main()
