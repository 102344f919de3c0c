"""The word and character TF-IDF features: the stop words and the vectorisers' parameters,
counting (in worker processes for a large build), weighing, and the two parts side by side
in one matrix."""

from __future__ import annotations

import functools
import json
import tempfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from foidesk.similar.index.normalising import _asking, _head, _indexable

# scikit-learn's English list, less words that carry meaning in FOI requests ("case
# management system", "council tax bill", "fire service", "empty homes"), plus words
# every request uses.
_KEPT = {
    "amount", "back", "bill", "bottom", "call", "empty", "fire", "front", "full", "interest",
    "move", "name", "part", "serious", "side", "system", "top",
}  # fmt: skip
_ADDED = {
    "dear", "regards", "faithfully", "sincerely", "kindly", "thank", "thanks", "foi",
    "freedom", "information", "request", "provide", "following", "grateful", "writing",
}  # fmt: skip
WORD_PATTERN = r"(?u)\b\w\w+\b"


def _sklearn_text():
    """scikit-learn's text features, imported when an index is first built or read: the
    import takes seconds, and most of foidesk's processes (a worker sending mail, the mail
    listener, ``foidesk manage``) never need it."""
    from sklearn.feature_extraction import text

    return text


@functools.cache
def stop_words():
    return sorted((_sklearn_text().ENGLISH_STOP_WORDS - _KEPT) | _ADDED)


# TfidfVectorizer's parameters, saved with the index (as JSON: lists, not tuples).
_WEIGHTING = {"sublinear_tf": True, "norm": "l2", "smooth_idf": True}


@functools.cache
def word_params():
    return {
        "analyzer": "word",
        "ngram_range": [1, 2],
        "token_pattern": WORD_PATTERN,
        "stop_words": stop_words(),
        "lowercase": False,  # normalise() has done it
        **_WEIGHTING,
    }


CHAR_PARAMS = {"analyzer": "char_wb", "ngram_range": [3, 5], "lowercase": False, **_WEIGHTING}


def _tfidf(params, terms, idf):
    """A TF-IDF vectoriser rebuilt from its parameters, vocabulary and idf (no refitting)."""
    arguments = dict(params)
    arguments["ngram_range"] = tuple(arguments["ngram_range"])
    vectoriser = _sklearn_text().TfidfVectorizer(
        vocabulary=list(terms), dtype=np.float32, **arguments
    )
    if terms:
        vectoriser.idf_ = np.asarray(idf, dtype=np.float64)
    return vectoriser


def _count(texts, char_chars, question_copies):
    """Counts of word terms and of character n-grams in raw texts, and the share of each
    text the character n-grams read (:func:`_read`): one worker's share."""
    normalised = [_indexable(text) for text in texts]
    word = _count_part([_asking(text, question_copies) for text in normalised], word_params())
    heads = [_head(text, char_chars) for text in normalised]
    read = _read(heads, normalised)
    del normalised
    return word, _count_part(heads, CHAR_PARAMS), read


def _read(heads, normalised):
    """How much of each normalised text its head is (1 for a text no longer than the head)."""
    return np.fromiter(
        (
            len(head) / len(text) if text else 1.0
            for head, text in zip(heads, normalised, strict=True)
        ),
        dtype=np.float64,
        count=len(heads),
    )


def _count_part(texts, params):
    counting = {k: v for k, v in params.items() if k not in _WEIGHTING}
    counting["ngram_range"] = tuple(counting["ngram_range"])
    counter = _sklearn_text().CountVectorizer(dtype=np.int32, **counting)
    try:
        counts = counter.fit_transform(texts).tocsr()
    except ValueError:  # nothing but stop words, or no documents: an empty part
        return [], sp.csr_matrix((len(texts), 0), dtype=np.int32)
    return counter.get_feature_names_out().tolist(), counts


def _count_to_files(texts, char_chars, question_copies, directory):
    """_count() in a worker process; the counts go back through files, not a pipe."""
    directory = Path(directory)
    *parts, read = _count(texts, char_chars, question_copies)
    for name, (terms, counts) in zip(("word", "char"), parts, strict=True):
        (directory / f"{name}.json").write_text(json.dumps(terms), encoding="utf-8")
        for part in ("data", "indices", "indptr"):
            np.save(directory / f"{name}_{part}.npy", getattr(counts, part), allow_pickle=False)
        np.save(directory / f"{name}_shape.npy", np.array(counts.shape), allow_pickle=False)
    np.save(directory / "read.npy", read, allow_pickle=False)


def _counts_from_files(directory):
    directory = Path(directory)
    parts = []
    for name in ("word", "char"):
        terms = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
        arrays = [np.load(directory / f"{name}_{p}.npy") for p in ("data", "indices", "indptr")]
        shape = tuple(np.load(directory / f"{name}_shape.npy"))
        parts.append((terms, sp.csr_matrix(tuple(arrays), shape=shape)))
    return (*parts, np.load(directory / "read.npy"))


PARALLEL_MIN_DOCS = 20_000  # fewer are counted sooner than worker processes start


def _count_all(texts, char_chars, question_copies, workers):
    """Counts for all texts, in ``workers`` processes (this one included)."""
    if workers <= 1 or len(texts) < PARALLEL_MIN_DOCS:
        return _count(texts, char_chars, question_copies)
    size = -(-len(texts) // workers)
    shares = [texts[i : i + size] for i in range(0, len(texts), size)]
    with (
        tempfile.TemporaryDirectory(prefix="foidesk-similarity-") as scratch,
        ProcessPoolExecutor(len(shares) - 1, mp_context=get_context("spawn")) as pool,
    ):
        folders = [Path(scratch) / str(n) for n in range(len(shares) - 1)]
        for folder in folders:
            folder.mkdir()
        running = [
            pool.submit(_count_to_files, share, char_chars, question_copies, folder)
            for share, folder in zip(shares[1:], folders, strict=True)
        ]
        del shares[1:]
        results = [_count(shares.pop(), char_chars, question_copies)]
        for job, folder in zip(running, folders, strict=True):
            job.result()
            results.append(_counts_from_files(folder))
    word = _stack([result[0] for result in results])
    char = _stack([result[1] for result in results])
    return word, char, np.concatenate([result[2] for result in results])


def _stack(parts):
    """One count matrix over the union of the parts' vocabularies (kept in sorted order)."""
    if len(parts) == 1:
        return parts[0]
    vocabulary = sorted(set().union(*(terms for terms, _ in parts)))
    position = {term: i for i, term in enumerate(vocabulary)}
    matrices = []
    for terms, counts in parts:
        # Both vocabularies are sorted, so the mapping keeps each row's columns in order.
        mapping = np.fromiter((position[t] for t in terms), dtype=np.int32, count=len(terms))
        matrices.append(
            sp.csr_matrix(
                (counts.data, mapping[counts.indices], counts.indptr),
                shape=(counts.shape[0], len(vocabulary)),
            )
        )
    return vocabulary, sp.vstack(matrices, format="csr")


def _weigh(terms, counts, settings, *, words, max_df=1.0):
    """(terms, idf, TF-IDF matrix) less the terms too rare or too common to tell texts apart.

    Only once there are ``settings.prune_min_docs`` documents: then pairs of words (not
    single words) and character n-grams need ``bigram_min_df`` / ``char_min_df`` documents,
    and no term may be in more than ``max_df`` of them.
    """
    n = counts.shape[0]
    if n < settings.prune_min_docs:
        min_df, max_df = 1, 1.0
    elif words:
        is_pair = np.fromiter((" " in term for term in terms), dtype=bool, count=len(terms))
        min_df = np.where(is_pair, settings.bigram_min_df, 1)
    else:
        min_df = settings.char_min_df
    df = np.bincount(counts.indices, minlength=len(terms))
    columns = np.flatnonzero((df >= min_df) & (df <= max_df * n))
    if len(columns) < len(terms):
        counts = counts[:, columns]
        terms = [terms[i] for i in columns]
    if not terms:
        return [], np.zeros(0), sp.csr_matrix((n, 0), dtype=np.float32)
    weights = counts.astype(np.float32)
    transformer = _sklearn_text().TfidfTransformer(use_idf=True, **_WEIGHTING).fit(weights)
    # In place: at 10^6 documents each copy of the matrix is gigabytes.
    return terms, transformer.idf_, transformer.transform(weights, copy=False)


def _transform(vectoriser, texts, width):
    if width == 0:
        return sp.csr_matrix((len(texts), 0), dtype=np.float32)
    return vectoriser.transform(texts).astype(np.float32, copy=False).tocsr()


def _word_share(word_weight, read):
    """Each row's word weight: 1 less the character part's, ``(1 - word_weight) x read``."""
    return 1 - (1 - word_weight) * np.clip(np.asarray(read, dtype=np.float64), 0, 1)


def _scaled(matrix, shares):
    """``matrix`` (CSR) with each row multiplied by the square root of its share, in place:
    at 10^6 documents a copy is gigabytes."""
    matrix.data *= np.repeat(np.sqrt(shares).astype(np.float32), np.diff(matrix.indptr))
    return matrix


def _combine(word, char, word_weight, read):
    """One matrix: each row's word part scaled by sqrt(w), its character part by sqrt(1 - w),
    where w is :func:`_word_share` of the share of its text the character part ``read``.
    ``word`` and ``char`` (CSR) are scaled so in place."""
    shares = _word_share(word_weight, read)
    combined = sp.hstack(
        [_scaled(word, shares), _scaled(char, 1 - shares)], format="csr", dtype=np.float32
    )
    combined.sort_indices()
    return combined
