"""Count how often a word occurs in a text.

Three Rust implementations come from the compiled extension ``word_count._word_count``:

- ``search(contents, needle)``: in parallel on all cores, the GIL released;
- ``search_sequential(contents, needle)``: one thread, holding the GIL;
- ``search_sequential_allow_threads(contents, needle)``: one thread, the GIL released.

``search_py`` is the same rule in plain Python, the reference the tests hold the
Rust code to: a word is a maximal run of alphanumeric characters, and it matches
the needle when both are equal after lower-casing. The needle must be one word.
"""

import re

from ._word_count import (
    __version__,
    search,
    search_sequential,
    search_sequential_allow_threads,
)

__all__ = [
    "__version__",
    "search",
    "search_py",
    "search_sequential",
    "search_sequential_allow_threads",
]

# For str patterns, \w is str.isalnum() plus "_", so [^\W_] is exactly str.isalnum().
_WORD = re.compile(r"[^\W_]+")


def search_py(contents, needle):
    """Count ``needle`` in ``contents`` in pure Python (the reference implementation)."""
    for value in (contents, needle):
        if not isinstance(value, str):
            raise TypeError("expected str, got %s" % type(value).__name__)
    if not needle or not needle.isalnum():
        raise ValueError(
            "needle must be a single word of letters and digits, got %r" % (needle,)
        )
    target = needle.lower()
    return sum(1 for word in _WORD.findall(contents) if word.lower() == target)
