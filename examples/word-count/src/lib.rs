//! Count how often a word occurs in a text, three ways:
//!
//! - `search`: in parallel with rayon over pieces of the text, the GIL released;
//! - `search_sequential`: one thread, holding the GIL the whole time;
//! - `search_sequential_allow_threads`: one thread, the GIL released, so other
//!   Python threads can run (and call it) at the same time.
//!
//! All three follow one rule, which `word_count.search_py` restates in Python:
//! a word is a maximal run of alphanumeric characters (`char::is_alphanumeric`),
//! and it matches the needle when both are equal after lower-casing
//! (`str::to_lowercase`). The needle itself must be one non-empty word.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rayon::prelude::*;

/// The needle, lower-cased once, checked to be a single word.
fn prepare_needle(needle: &str) -> PyResult<String> {
    if needle.is_empty() || !needle.chars().all(char::is_alphanumeric) {
        return Err(PyValueError::new_err(format!(
            "needle must be a single word of letters and digits, got {:?}",
            needle
        )));
    }
    Ok(needle.to_lowercase())
}

/// Does `word` equal the lower-cased needle, ignoring case?
fn word_matches(word: &str, needle_lower: &str) -> bool {
    if word.is_ascii() {
        // Fast path without allocating: an ASCII word lower-cases to ASCII,
        // so it can only match an ASCII needle of the same length.
        word.len() == needle_lower.len() && word.eq_ignore_ascii_case(needle_lower)
    } else {
        word.to_lowercase() == needle_lower
    }
}

/// Occurrences of the needle in one piece of text (a line, or all of it).
fn count_in(text: &str, needle_lower: &str) -> usize {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty() && word_matches(word, needle_lower))
        .count()
}

/// Pieces smaller than this are not split further: below it, handing work to
/// another thread costs more than it saves.
const MIN_PIECE: usize = 64 * 1024;

/// Cut `piece` in two at an ASCII byte that is not a letter or digit, near
/// its middle. Such a byte never sits inside a word nor inside a multi-byte
/// UTF-8 character, so both halves are valid `str`s counted independently.
fn halve(piece: &str) -> (&str, Option<&str>) {
    if piece.len() < MIN_PIECE {
        return (piece, None);
    }
    let middle = piece.len() / 2;
    let separator = piece.as_bytes()[middle..]
        .iter()
        .position(|b| b.is_ascii() && !b.is_ascii_alphanumeric());
    match separator {
        Some(offset) => {
            let (left, right) = piece.split_at(middle + offset);
            (left, Some(right))
        }
        None => (piece, None),
    }
}

/// Count on all of rayon's threads: the text is halved recursively (as far
/// as rayon wants to, given the idle threads) and each piece counted with the
/// same sequential scan. Going over the text once per piece, rather than once
/// per line, keeps the parallel version's work equal to the sequential one.
fn count_parallel(contents: &str, needle_lower: &str) -> usize {
    rayon::iter::split(contents, halve)
        .map(|piece| count_in(piece, needle_lower))
        .sum()
}

/// Count the needle in `contents` in parallel (all cores), the GIL released.
#[pyfunction]
fn search(py: Python<'_>, contents: &str, needle: &str) -> PyResult<usize> {
    let needle_lower = prepare_needle(needle)?;
    Ok(py.allow_threads(|| count_parallel(contents, &needle_lower)))
}

/// Count the needle in `contents` on one thread, holding the GIL.
#[pyfunction]
fn search_sequential(contents: &str, needle: &str) -> PyResult<usize> {
    let needle_lower = prepare_needle(needle)?;
    Ok(count_in(contents, &needle_lower))
}

/// Count the needle in `contents` on one thread, the GIL released while it runs.
#[pyfunction]
fn search_sequential_allow_threads(py: Python<'_>, contents: &str, needle: &str) -> PyResult<usize> {
    let needle_lower = prepare_needle(needle)?;
    Ok(py.allow_threads(|| count_in(contents, &needle_lower)))
}

/// The extension module `word_count._word_count`; `word_count/__init__.py`
/// re-exports its functions.
#[pymodule]
#[pyo3(name = "_word_count")]
fn word_count(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(search, m)?)?;
    m.add_function(wrap_pyfunction!(search_sequential, m)?)?;
    m.add_function(wrap_pyfunction!(search_sequential_allow_threads, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

