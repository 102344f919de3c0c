"""Similar requests and round-robins, found offline with TF-IDF.

docs/adr/0008-search-in-the-database-similarity-in-files.md says why, and docs/design.md
(similar requests) how it is used.

Many FOI requests repeat ones answered before, often word for word. For any case an officer
wants the most similar other cases, with a score and the words they share, and wants
near-identical requests (round-robins) grouped. Nothing here imports Django: the app builds
an index from ``(key, text)`` pairs, keeps it on disk, and asks it questions.

How a score is made (explainable by construction):

* the text is normalised (:func:`normalise`): lower case, no greeting, sign-off,
  WhatDoTheyKnow footer or standard FOI phrase (the lists question splitting and the
  disclosure log use: text.wrapping), and no web or email address;
* a word TF-IDF over words and pairs of words (English stop words removed, sublinear tf),
  in which the words of the questions (sentences ending "?") count ``question_copies`` + 1
  times: round-robins ask the same questions, however differently each letter opens,
  and a character TF-IDF over 3-5 character pieces of words, taken from the first
  ``char_chars`` characters (the subject and opening), each L2-normalised;
* the character part reads only the head, so it weighs only as much as the head is of the
  text: a text's character weight is (1 - ``word_weight``) x (head length / text length),
  its word weight the rest. A title is all head (0.7 words, 0.3 characters); in a long
  letter the opening, often boilerplate ("I am writing to ... under the Act ..."), would
  otherwise outweigh the questions below it and match every letter opening the same way;
* score = sum over the two parts of sqrt(weight in one text x weight in the other) x that
  part's cosine: for two titles 0.7 x word cosine + 0.3 x character cosine, from 0 (nothing
  in common) to 1 (the same words in the same proportions). The two parts sit side by side
  in one sparse matrix, each row's scaled by the square roots of its weights, so one sparse
  product gives the score.

Finding the best matches among 10^6 documents without reading all of them: the query's
terms are taken heaviest first (rare terms weigh most) while their posting lists (the
columns of a CSC copy of the matrix) fit a budget; the documents they reach get a partial
score, and the best ``rescore`` of those are scored exactly from their rows (CSR). Small
indexes are scored exhaustively. Documents added after the build (:meth:`extend`) are
scored by brute force alongside, with the build's vocabulary.

Files (:meth:`SimilarityIndex.save`) are numpy ``.npy`` arrays and JSON, never pickles,
listed with their SHA-256 in ``manifest.json``; :meth:`SimilarityIndex.load` refuses
anything missing, changed or of another format version with :class:`SimilarityError`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, fields
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process
from scipy.sparse.csgraph import connected_components

from foidesk.text import wrapping

logger = logging.getLogger(__name__)

__all__ = [
    "FORMAT_VERSION",
    "Match",
    "Settings",
    "SimilarityError",
    "SimilarityIndex",
    "normalise",
    "round_robins",
]

FORMAT_VERSION = 2  # 2: the character part weighs by the share of the text it reads
NORMALISER_VERSION = 2  # bump when normalise() changes: saved vocabularies depend on it
FORMAT_NAME = "foidesk-similarity-index"
SHARED_TERMS = 5  # words or pairs of words given with each match


class SimilarityError(Exception):
    """The index cannot do what was asked; the message says why in plain words."""


@dataclass(frozen=True)
class Match:
    key: str
    score: float
    shared_terms: list[str]


@dataclass(frozen=True)
class Settings:
    """How an index is built and searched; saved with it."""

    # score = 0.7 x word cosine + 0.3 x character cosine, for texts no longer than the head
    # (the character part's 0.3 shrinks with the share of a longer text the head is)
    word_weight: float = 0.7
    char_chars: int = 150  # character n-grams come from the first 150 normalised characters
    question_copies: int = 2  # the words of questions (sentences ending "?") count 3 times
    # Pruning, once there are ``prune_min_docs`` documents (below that every term is
    # evidence and memory is no concern):
    bigram_min_df: int = 2  # a pair of words must occur in 2+ documents (single words: 1+)
    char_min_df: int = 2  # a character n-gram too
    max_df: float = 0.5  # terms in more than half the documents say nothing
    prune_min_docs: int = 1000
    exhaustive_nnz: int = 5_000_000  # score every document while the matrix is this small
    postings_budget: int = 400_000  # posting entries read per query to find candidates
    rescore: int = 2000  # candidates scored exactly

    @classmethod
    def from_dict(cls, data):
        # The manifest has no checksum of its own: a wrong value would fail only mid-search.
        kinds = {f.name: type(f.default) for f in fields(cls)}
        unknown = set(data) - set(kinds)
        if unknown:
            raise SimilarityError(f"unknown index settings: {', '.join(sorted(unknown))}")
        for name, value in data.items():
            allowed = (int, float) if kinds[name] is float else int
            if isinstance(value, bool) or not isinstance(value, allowed):
                raise SimilarityError(f"the index setting {name} is {value!r}, not a number")
        return cls(**data)


# --- normalisation -------------------------------------------------------------------------

_CHARACTERS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
# The letter's wrapping, as text.wrapping lists it, matched in whole texts in lower case.
# WhatDoTheyKnow's footer is cut off (wrapping.footer_start) when one of its lines is there:
_FOOTER_WORDS = tuple(  # the longest literal of each line, a quick test before the regex
    max(line.split("{address}"), key=len).strip() for line in wrapping.WHATDOTHEYKNOW_FOOTER
)
# A greeting (wrapping.GREETING) is looked for in the first 300 characters. A sign-off ends
# the request: the rest is a signature (a name, a job title, a phone number). The short
# sign-offs are everyday words too, so here they count only on a line of their own.
# (No leading \b in these patterns: it would stop the regex engine skipping ahead quickly.)
_SIGN_OFF = re.compile(
    rf"(?:{wrapping.either(wrapping.SIGN_OFFS)})\b(?! to\b| for\b)"
    rf"|\n[ \t]*(?:{wrapping.either(wrapping.SHORT_SIGN_OFFS)})[ \t]*[,.!]?[ \t]*(?=\n|$)"
)
SIGNATURE_CHARS = 600  # a sign-off is looked for in the last 600 characters only


# Standard FOI phrases (wrapping.STANDARD_PHRASES) say nothing about what is asked. Matched
# word by word through a trie (quicker than a regex over the whole text), longest first.
_BOILERPLATE = wrapping.trie(wrapping.STANDARD_PHRASES)
_PUNCTUATION = ".,;:!?"


def _without_boilerplate(words):
    kept, i, n = [], 0, len(words)
    while i < n:
        word = words[i]
        node = _BOILERPLATE.get(word)
        if node is None and word[-1] in _PUNCTUATION:
            node = _BOILERPLATE.get(word.rstrip(_PUNCTUATION))
        end = -1
        if node is not None:
            j = i + 1
            if wrapping.END in node:
                end = j
            while j < n:
                following = node.get(words[j])
                if following is None and words[j][-1] in _PUNCTUATION:
                    following = node.get(words[j].rstrip(_PUNCTUATION))
                node = following
                if node is None:
                    break
                j += 1
                if wrapping.END in node:
                    end = j
        if end < 0:
            kept.append(word)
            i += 1
        else:
            i = end
    return kept


def normalise(text: str) -> str:
    """The words of a request that say what it asks for, in lower case on one line.

    Keeps numbers (years, ages, amounts); drops greetings, sign-offs and what follows them,
    the WhatDoTheyKnow footer, web and email addresses and standard FOI phrases.
    """
    text = unicodedata.normalize("NFKC", text or "")
    if not text.isascii():
        text = text.translate(_CHARACTERS)
    text = text.replace("&", " and ").casefold()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if any(words in text for words in _FOOTER_WORDS):
        text = text[: wrapping.footer_start(text, lower_case=True)]
    for sign_off in _SIGN_OFF.finditer(text, max(0, len(text) - SIGNATURE_CHARS)):
        # Not where the request itself follows ("Many thanks. My second question is ...").
        if sign_off.start() >= len(text) // 2 or len(text) - sign_off.end() <= 200:
            text = text[: sign_off.start()]
            break
    if len(text) > 300:
        text = wrapping.GREETING.sub(" ", text[:300]) + text[300:]
    else:
        text = wrapping.GREETING.sub(" ", text)
    words = text.split()
    if "@" in text or "://" in text or "www." in text:  # web and email addresses
        words = [w for w in words if "@" not in w and "://" not in w and "www." not in w]
    while True:  # a phrase can enclose another ("i am writing under the ... act to request")
        shorter = _without_boilerplate(words)
        if len(shorter) == len(words):
            break
        words = shorter
    text = " ".join(words)
    return text.strip(" \t\n,.;:-")


def _indexable(text: str) -> str:
    """``normalise(text)``; for a text it cannot read, nothing, which matches nothing: one
    request must never stop the index, and similar requests, of every other."""
    try:
        return normalise(text)
    except Exception as error:  # whatever it is, the other requests go on
        # The type only: the text, and so the message, may hold personal data.
        logger.error(
            "A request's text could not be indexed (%s): it is left out", type(error).__name__
        )
        return ""


# Questions: the sentences (or what follows a list's number) ending in a question mark. Split
# at the marks, not searched for: a search would start again at every character of a long
# sentence that ends some other way.
_SENTENCE_END = re.compile(r"([.?!;:])")


def _asking(text: str, copies: int) -> str:
    """``text`` with its questions ``copies`` times more, for the word part: a request is
    what it asks. Round-robins are the same questions, but one requester quotes the Act at
    length, another thanks the council in advance, another explains who they are; letters
    that open the same way ask other things."""
    if copies <= 0 or "?" not in text:
        return text
    pieces = _SENTENCE_END.split(text)  # sentences, each followed by the mark ending it
    questions = " ".join(pieces[i] for i in range(0, len(pieces) - 1, 2) if pieces[i + 1] == "?")
    return " ".join([text, *[questions] * copies])


def _head(text: str, chars: int) -> str:
    """The first ``chars`` characters of a normalised text, not cutting a word."""
    if len(text) <= chars:
        return text
    cut = text.rfind(" ", 0, chars + 1)
    return text[: cut if cut > 0 else chars]


# --- vectorisers ---------------------------------------------------------------------------

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


# --- the index -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Changes:
    """What :meth:`SimilarityIndex.extend` and :meth:`~SimilarityIndex.remove` changed since
    the build. Replaced whole, never edited, so a search running at the same time sees the
    index before a change or after it, never half of one."""

    removed: np.ndarray  # one flag per built row
    keys: list[str]  # documents added since the build (or given a new text), one row each
    rows: dict[str, int]
    matrix: sp.csr_matrix

    @classmethod
    def of(cls, removed, keys, matrix):
        matrix = matrix.tocsr()
        matrix.sort_indices()
        return cls(removed, keys, {key: row for row, key in enumerate(keys)}, matrix)


class SimilarityIndex:
    """Cases by the words they use: ``similar()``, ``similar_to_key()``, ``round_robins()``.

    Read-only once built or loaded, except for :meth:`extend` and :meth:`remove` (one
    caller at a time; searches may run alongside them).
    """

    def __init__(self, *, settings, word, char, keys, matrix, postings, removed=(), added=None):
        self.settings = settings
        self._word_terms, self._word_idf, self._word_params = word
        self._char_terms, self._char_idf, self._char_params = char
        self._word = _tfidf(self._word_params, self._word_terms, self._word_idf)
        self._char = _tfidf(self._char_params, self._char_terms, self._char_idf)
        self._n_word = len(self._word_terms)
        self._n_features = self._n_word + len(self._char_terms)
        self._keys = list(keys)
        self._rows = {key: row for row, key in enumerate(self._keys)}
        if len(self._rows) != len(self._keys):
            raise SimilarityError("two documents have the same key")
        self._matrix = matrix  # CSR: one row per document
        self._postings = postings  # CSC copy: one column (posting list) per term
        gone = np.zeros(len(self._keys), dtype=bool)
        gone[[self._rows[key] for key in removed if key in self._rows]] = True
        added_keys, added_matrix = added or ([], sp.csr_matrix((0, self._n_features)))
        self._changes = _Changes.of(gone, list(added_keys), added_matrix.astype(np.float32))

    # building

    @classmethod
    def build(
        cls,
        docs: Iterable[tuple[str, str]],
        settings: Settings | None = None,
        *,
        workers: int = 1,
    ):
        """Fit the vocabulary and weights on ``docs`` (``(key, text)`` pairs, keys unique).

        ``workers``: processes that share the counting, this one included (the results
        do not depend on it).
        """
        settings = settings or Settings()
        keys, texts = [], []
        for key, text in docs:
            keys.append(str(key))
            texts.append(text)
        if len(set(keys)) != len(keys):
            raise SimilarityError("two documents have the same key: keys must be unique")
        (word_terms, word_counts), (char_terms, char_counts), read = _count_all(
            texts, settings.char_chars, settings.question_copies, workers
        )
        del texts
        word_terms, word_idf, word_matrix = _weigh(
            word_terms, word_counts, settings, words=True, max_df=settings.max_df
        )
        del word_counts
        char_terms, char_idf, char_matrix = _weigh(char_terms, char_counts, settings, words=False)
        del char_counts
        # (Scales the rows of both parts in place.)
        matrix = _combine(word_matrix, char_matrix, settings.word_weight, read)
        del char_matrix
        # Posting lists for the word terms only: they find the candidates (see _candidates).
        postings = word_matrix.tocsc()
        del word_matrix
        postings.sort_indices()
        return cls(
            settings=settings,
            word=(word_terms, word_idf, word_params()),
            char=(char_terms, char_idf, CHAR_PARAMS),
            keys=keys,
            matrix=matrix,
            postings=postings,
        )

    def _vectorise(self, normalised, questions=True):
        """Rows in this index's space (its vocabulary and idf) for normalised texts;
        ``questions=False``: the questions counted once, as :func:`round_robins` does."""
        if not normalised:
            return sp.csr_matrix((0, self._n_features), dtype=np.float32)
        copies = self.settings.question_copies if questions else 0
        asking = [_asking(text, copies) for text in normalised]
        word = _transform(self._word, asking, self._n_word)
        heads = [_head(text, self.settings.char_chars) for text in normalised]
        char = _transform(self._char, heads, self._n_features - self._n_word)
        return _combine(word, char, self.settings.word_weight, _read(heads, normalised))

    def extend(self, docs: Iterable[tuple[str, str]]) -> None:
        """Add documents without refitting (today's new cases before the nightly rebuild).

        A key already in the index is replaced: its new text is what counts from now on.
        """
        latest = {str(key): text for key, text in docs}  # the last text given for a key wins
        if latest:
            self._replace(latest, self._vectorise([_indexable(t) for t in latest.values()]))

    def remove(self, keys: Iterable[str]) -> None:
        """Leave documents out of every answer (a case withdrawn, erased or merged)."""
        self._replace({str(key) for key in keys})

    def _replace(self, keys, rows=None):
        """Take ``keys`` out (built or added), then add ``rows`` under them, if given."""
        changes = self._changes
        removed = changes.removed.copy()
        removed[[self._rows[key] for key in keys if key in self._rows]] = True
        kept = [row for row, key in enumerate(changes.keys) if key not in keys]
        added_keys, added = [changes.keys[row] for row in kept], changes.matrix[kept]
        if rows is not None:
            added_keys += list(keys)
            added = sp.vstack([added, rows])
        self._changes = _Changes.of(removed, added_keys, added)

    # what is in it

    def __len__(self):
        changes = self._changes
        return int(len(self._keys) - changes.removed.sum()) + len(changes.keys)

    def __contains__(self, key):
        return self._vector(str(key), self._changes) is not None

    def keys(self) -> list[str]:
        changes = self._changes
        built = [key for key, gone in zip(self._keys, changes.removed, strict=True) if not gone]
        return built + changes.keys

    def stats(self) -> dict:
        """Sizes, for reports and benchmarks."""
        rows = [self._matrix.data, self._matrix.indices, self._matrix.indptr]
        postings = [self._postings.data, self._postings.indices, self._postings.indptr]
        return {
            "documents": len(self._keys),
            "added_since_build": len(self._changes.keys),
            "removed_since_build": int(self._changes.removed.sum()),
            "word_terms": self._n_word,
            "char_terms": self._n_features - self._n_word,
            "stored_weights": int(self._matrix.nnz),
            "weights_per_document": round(self._matrix.nnz / max(1, len(self._keys)), 1),
            "posting_entries": int(self._postings.nnz),
            "rows_bytes": int(sum(a.nbytes for a in rows)),
            "postings_bytes": int(sum(a.nbytes for a in postings)),
        }

    def _vector(self, key, changes):
        """The row of a document in the index, or None."""
        row = changes.rows.get(key)
        if row is not None:
            return changes.matrix[row]
        row = self._rows.get(key)
        if row is not None and not changes.removed[row]:
            return self._matrix[row]
        return None

    # searching

    def similar(
        self,
        text: str,
        k: int = 5,
        exclude: Iterable[str] = (),
        min_score: float = 0.1,
        exact: bool = False,
    ) -> list[Match]:
        """The ``k`` documents most like ``text``, best first, scoring at least ``min_score``.

        ``exact``: score every document instead of the candidates (slow on a large index;
        for checking).
        """
        query = self._vectorise([_indexable(text)])
        return self._search(query, k, set(map(str, exclude)), min_score, exact, self._changes)

    def similar_to_key(self, key: str, k: int = 5, min_score: float = 0.1) -> list[Match]:
        """The ``k`` documents most like the indexed document ``key`` (never itself)."""
        key = str(key)
        changes = self._changes
        query = self._vector(key, changes)
        if query is None:
            raise SimilarityError(f"there is no document {key!r} in the similarity index")
        return self._search(query, k, {key}, min_score, False, changes)

    def _search(self, query, k, exclude, min_score, exact, changes):
        if k <= 0 or query.nnz == 0:
            return []
        query.sort_indices()
        n = len(self._keys)
        rows, scores = self._score_built(query, exclude, exact, changes.removed)
        added = _dot(changes.matrix, query)
        added[[changes.rows[key] for key in exclude if key in changes.rows]] = 0
        added_rows = np.flatnonzero(added > 0)
        # One ranking over both: built rows, then added rows numbered on from the built ones.
        every_row = np.concatenate([rows, added_rows + n])
        every_score = np.concatenate([scores, added[added_rows]])
        wanted = every_score >= min_score
        every_row, every_score = every_row[wanted], every_score[wanted]
        if len(every_score) > k:
            best = np.argpartition(-every_score, k - 1)[:k]
            every_row, every_score = every_row[best], every_score[best]
        order = np.lexsort((every_row, -every_score))
        matches = []
        for row, score in zip(every_row[order], every_score[order], strict=True):
            if row < n:
                key, vector = self._keys[row], self._matrix[row]
            else:
                key, vector = changes.keys[row - n], changes.matrix[row - n]
            matches.append(Match(key, round(float(score), 4), self._shared_terms(query, vector)))
        return matches

    def _score_built(self, query, exclude, exact, removed):
        """Rows of the built matrix worth ranking and their exact scores."""
        if not self._keys:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        skip = removed
        excluded = [self._rows[key] for key in exclude if key in self._rows]
        if excluded:
            skip = skip.copy()
            skip[excluded] = True
        rows = None
        if not exact and self._matrix.nnz > self.settings.exhaustive_nnz:
            rows = self._candidates(query)
        if rows is None:  # every row; or no word of the query is known, and only characters are
            scores = _dot(self._matrix, query)
            rows = np.flatnonzero((scores > 0) & ~skip)
            return rows, scores[rows]
        rows = rows[~skip[rows]]
        return rows, _dot(self._matrix[rows], query)

    def _candidates(self, query):
        """Rows reached by the heaviest query terms; the best ``rescore`` by partial score."""
        postings, n = self._postings, len(self._keys)
        columns, weights = query.indices, query.data
        words = columns < self._n_word  # the posting lists cover word terms only
        columns, weights = columns[words], weights[words]
        if not len(columns):
            return None
        starts = postings.indptr[columns]
        lengths = postings.indptr[columns + 1] - starts
        budget, used, chosen = self.settings.postings_budget, 0, []
        for j in np.argsort(-weights, kind="stable"):
            length = int(lengths[j])
            if length == 0 or (chosen and used + length > budget):
                continue  # too common to afford; a rarer, lighter term may still fit
            chosen.append(j)
            used += length
        if not chosen:
            return np.zeros(0, dtype=np.int64)
        reached = np.concatenate(
            [postings.indices[starts[j] : starts[j] + lengths[j]] for j in chosen]
        )
        partial = np.concatenate(
            [postings.data[starts[j] : starts[j] + lengths[j]] * weights[j] for j in chosen]
        )
        if used > n // 16:
            totals = np.bincount(reached, weights=partial, minlength=n)
            rows = np.flatnonzero(totals)
            totals = totals[rows]
        else:
            rows, inverse = np.unique(reached, return_inverse=True)
            totals = np.bincount(inverse, weights=partial)
        limit = self.settings.rescore
        if len(rows) > limit:
            rows = rows[np.argpartition(-totals, limit - 1)[:limit]]
        return np.sort(rows)

    def _shared_terms(self, query, vector):
        """The word terms both share, by what each adds to the score; pairs before their words."""
        q_columns, q_weights = query.indices, query.data
        in_words = q_columns < self._n_word
        q_columns, q_weights = q_columns[in_words], q_weights[in_words]
        v_columns, v_weights = vector.indices, vector.data
        common, q_at, v_at = np.intersect1d(
            q_columns, v_columns, assume_unique=True, return_indices=True
        )
        if not len(common):
            return []
        contribution = q_weights[q_at] * v_weights[v_at]
        chosen: list[str] = []
        for i in np.argsort(-contribution, kind="stable"):
            term = self._word_terms[common[i]]
            words = term.split(" ")
            if len(words) == 1:
                if any(term in c.split(" ") for c in chosen):
                    continue  # already shown inside a pair
            else:
                # The pair says more than its words shown alone: it takes the first one's place.
                inside = [c for c in chosen if c in words]
                if inside:
                    chosen[chosen.index(inside[0])] = term
                    chosen = [c for c in chosen if c not in inside[1:]]
                    continue
            chosen.append(term)
            if len(chosen) >= 2 * SHARED_TERMS:
                break
        # A pair that only bridges two terms shown ("care case" between "social care" and
        # "case management") adds nothing a reader needs. Taken out one at a time, the
        # least telling first, so that pairs in a ring (a question repeated runs its last
        # word into its first) leave the ones that cover it, not nothing.
        shown = list(chosen)
        for term in reversed(chosen):
            words = term.split(" ")
            others = {w for c in shown if c != term for w in c.split(" ")}
            if len(words) == 2 and all(w in others for w in words):
                shown.remove(term)
        return shown[:SHARED_TERMS]

    # files

    def save(self, directory) -> None:
        """Write the index to ``directory`` (created if need be): .npy arrays and JSON."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        written = {}

        def array(name, value):
            path = directory / f"{name}.npy"
            np.save(path, np.ascontiguousarray(value), allow_pickle=False)
            written[path.name] = path

        def document(name, value):
            path = directory / f"{name}.json"
            path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
            written[path.name] = path

        document(
            "word_vectoriser",
            {"params": self._word_params, "vocabulary": list(self._word_terms)},
        )
        array("word_idf", np.asarray(self._word_idf, dtype=np.float64))
        document(
            "char_vectoriser",
            {"params": self._char_params, "vocabulary": list(self._char_terms)},
        )
        array("char_idf", np.asarray(self._char_idf, dtype=np.float64))
        changes = self._changes
        document("keys", self._keys)
        document("extra_keys", changes.keys)
        for prefix, matrix in (
            ("rows", self._matrix),
            ("postings", self._postings),
            ("extra", changes.matrix),
        ):
            for part in ("data", "indices", "indptr"):
                array(f"{prefix}_{part}", getattr(matrix, part))
        manifest = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "normaliser": NORMALISER_VERSION,
            "settings": asdict(self.settings),
            "documents": len(self._keys),
            "word_terms": self._n_word,
            "char_terms": self._n_features - self._n_word,
            "removed": [k for k, gone in zip(self._keys, changes.removed, strict=True) if gone],
            "files": {name: _sha256(path) for name, path in sorted(written.items())},
        }
        # The manifest goes last: a directory without one was never finished.
        (directory / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory, *, verify: bool = True, mmap: bool = False) -> SimilarityIndex:
        """Read an index written by :meth:`save`; :class:`SimilarityError` if it is unusable.

        ``verify`` checks every file against the SHA-256 in the manifest (reads every byte);
        ``mmap`` maps the large arrays instead of reading them, so processes share one copy.
        """
        directory = Path(directory)
        manifest = _read_json(directory, "manifest.json")
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
            raise SimilarityError(f"{directory} does not hold a foidesk similarity index")
        if manifest.get("version") != FORMAT_VERSION:
            raise SimilarityError(
                f"the similarity index in {directory} has format version "
                f"{manifest.get('version')}, this foidesk reads version {FORMAT_VERSION}: "
                "rebuild the index"
            )
        if manifest.get("normaliser") != NORMALISER_VERSION:
            raise SimilarityError(
                f"the similarity index in {directory} was built with text normalisation "
                f"version {manifest.get('normaliser')}, this foidesk uses version "
                f"{NORMALISER_VERSION}: rebuild the index"
            )
        files = manifest.get("files")
        if not isinstance(files, dict):
            raise SimilarityError(f"the manifest in {directory} lists no files")
        for name, expected in files.items():
            path = directory / name
            if not path.is_file():
                raise SimilarityError(f"the similarity index in {directory} lacks {name}")
            if verify and _sha256(path) != expected:
                raise SimilarityError(
                    f"{name} in {directory} is not the file the index was saved with "
                    "(its checksum differs): rebuild the index"
                )
        try:
            settings = Settings.from_dict(manifest["settings"])
            word = _read_json(directory, "word_vectoriser.json", files)
            char = _read_json(directory, "char_vectoriser.json", files)
            keys = _read_json(directory, "keys.json", files)
            extra_keys = _read_json(directory, "extra_keys.json", files)

            def array(name, large=False):
                if f"{name}.npy" not in files:
                    raise SimilarityError(f"the manifest in {directory} does not list {name}.npy")
                mode = "r" if (mmap and large) else None
                return np.load(directory / f"{name}.npy", allow_pickle=False, mmap_mode=mode)

            word_terms, char_terms = word["vocabulary"], char["vocabulary"]
            n_features = len(word_terms) + len(char_terms)
            shape = (len(keys), n_features)
            rows = _sparse(sp.csr_matrix, array, "rows", shape)
            postings = _sparse(sp.csc_matrix, array, "postings", (len(keys), len(word_terms)))
            extra = _sparse(sp.csr_matrix, array, "extra", (len(extra_keys), n_features))
            word_idf, char_idf = array("word_idf"), array("char_idf")
            if len(word_idf) != len(word_terms) or len(char_idf) != len(char_terms):
                raise SimilarityError("the idf arrays do not match the vocabularies")
            if postings.nnz > rows.nnz:
                raise SimilarityError("the posting lists hold more weights than the rows")
            if (set(word["params"]) | set(char["params"])) - set(word_params()):
                raise SimilarityError("the vectoriser parameters are not ones foidesk writes")
            return cls(
                settings=settings,
                word=(word_terms, word_idf, word["params"]),
                char=(char_terms, char_idf, char["params"]),
                keys=keys,
                matrix=rows,
                postings=postings,
                removed=manifest.get("removed", []),
                added=(extra_keys, extra),
            )
        except SimilarityError as error:
            raise SimilarityError(
                f"the similarity index in {directory} is unusable: {error}"
            ) from error
        except (KeyError, TypeError, ValueError, OSError) as error:
            raise SimilarityError(
                f"the similarity index in {directory} is unusable ({type(error).__name__}: "
                f"{error}): rebuild the index"
            ) from error


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


def _dot(matrix, query):
    """Dense vector of matrix @ query.T for a one-row sparse query."""
    if matrix.shape[0] == 0:
        return np.zeros(0, dtype=np.float32)
    if matrix.nnz > 100_000:  # many rows: a dense query vector is quicker
        dense = np.zeros(matrix.shape[1], dtype=np.float32)
        dense[query.indices] = query.data
        return np.asarray(matrix @ dense, dtype=np.float32)
    return np.asarray((matrix @ query.T).toarray(), dtype=np.float32).ravel()


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _read_json(directory, name, files=None):
    path = directory / name
    if files is not None and name not in files:
        raise SimilarityError(f"the manifest in {directory} does not list {name}")
    if not path.is_file():
        raise SimilarityError(f"the similarity index in {directory} lacks {name}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise SimilarityError(f"{name} in {directory} is not valid JSON: {error}") from error


def _sparse(kind, array, prefix, shape):
    """A CSR/CSC matrix from its three arrays, checked before scipy trusts them."""
    data = array(f"{prefix}_data", large=True)
    indices = array(f"{prefix}_indices", large=True)
    indptr = array(f"{prefix}_indptr")
    major, minor = shape if kind is sp.csr_matrix else shape[::-1]
    if (
        data.ndim != 1
        or data.dtype != np.float32
        or indices.ndim != 1
        or indices.dtype.kind != "i"
        or indptr.ndim != 1
        or indptr.dtype.kind != "i"
        or len(indptr) != major + 1
        or len(data) != len(indices)
        or indptr[0] != 0
        or indptr[-1] != len(data)
        or (major and np.any(np.diff(indptr) < 0))
        or (len(indices) and (int(indices.min()) < 0 or int(indices.max()) >= minor))
    ):
        raise SimilarityError(f"the {prefix} arrays do not describe a {major} x {minor} matrix")
    matrix = kind((data, indices, indptr), shape=shape, copy=False)
    matrix.has_sorted_indices = True
    return matrix


# --- round-robins --------------------------------------------------------------------------


FUZZY_MIN_CHARS = 200  # shorter texts (titles) are compared by score alone
FUZZY_FLOOR = 0.5  # a pair scoring less is not the same letter, however alike its characters
NEIGHBOURS = 20  # candidates per request scored exactly (more than any one letter's copies)


def round_robins(
    docs: Iterable[tuple[str, str]],
    threshold: float = 0.85,
    *,
    index: SimilarityIndex | None = None,
    fuzzy: float | None = 90.0,
    workers: int = 1,
) -> list[list[str]]:
    """Groups of near-identical requests (2+ members each), largest first, keys in order.

    Two requests are linked when their score (as :meth:`SimilarityIndex.similar` gives
    it) is at least ``threshold``, or when it is at least ``FUZZY_FLOOR`` and their
    normalised texts, both of ``FUZZY_MIN_CHARS`` or more, are at least ``fuzzy`` per cent
    alike by rapidfuzz's ``fuzz.ratio`` (edits over characters). The second catches the
    same letter naming a different authority, or with a sentence added: TF-IDF weighs such
    names heavily because they are rare words; an edit distance counts their letters.
    ``fuzzy=None`` links by score alone. A group is a connected set of links.

    The vocabulary is fitted on ``docs`` unless an ``index`` is given, whose vocabulary
    and weights are used instead. Questions count once here (``Settings.question_copies``
    is for finding similar requests): a round-robin is the same letter, and a question
    reworded in one copy must not weigh three times. ``workers``: threads for rapidfuzz.
    """
    keys, normalised = [], []
    for key, text in docs:
        keys.append(str(key))
        normalised.append(_indexable(text))
    if len(set(keys)) != len(keys):
        raise SimilarityError("two documents have the same key: keys must be unique")
    if index is None:
        matrix = _fitted_matrix(normalised, Settings())
    else:
        matrix = index._vectorise(normalised, questions=False)
    floor = min(threshold, FUZZY_FLOOR) if fuzzy is not None else threshold
    same, left, right, scores = _linked_candidates(matrix, threshold, floor)
    linked = scores >= threshold - 1e-6
    if fuzzy is not None:
        lengths = np.fromiter(map(len, normalised), dtype=np.int64, count=len(normalised))
        ask = np.flatnonzero(
            ~linked & (lengths[left] >= FUZZY_MIN_CHARS) & (lengths[right] >= FUZZY_MIN_CHARS)
        )
        if len(ask):
            ratios = process.cpdist(
                [normalised[i] for i in left[ask]],
                [normalised[i] for i in right[ask]],
                scorer=fuzz.ratio,
                score_cutoff=fuzzy,
                workers=workers,
            )
            linked[ask[ratios >= fuzzy]] = True
    n = len(keys)
    a = np.concatenate([left[linked], same[0]])
    b = np.concatenate([right[linked], same[1]])
    graph = sp.coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    members: dict[int, list[int]] = {}
    for row in range(n):
        members.setdefault(int(label[row]), []).append(row)
    groups = [[keys[row] for row in rows] for rows in members.values() if len(rows) > 1]
    groups.sort(key=lambda group: -len(group))
    return groups


def _fitted_matrix(normalised, settings):
    """The combined TF-IDF matrix of normalised texts, fitted on them (no index kept), its
    questions counted once: see :func:`round_robins`."""
    heads = [_head(text, settings.char_chars) for text in normalised]
    *_, word = _weigh(*_count_part(normalised, word_params()), settings, words=True)
    *_, char = _weigh(*_count_part(heads, CHAR_PARAMS), settings, words=False)
    return _combine(word, char, settings.word_weight, _read(heads, normalised))


def _linked_candidates(matrix, threshold, floor):
    """Pairs of rows whose dot product reaches ``floor``: (same, left, right, scores).

    Every pair reaching ``threshold`` is a candidate (bar the ``NEIGHBOURS`` limit); pairs
    between ``floor`` and ``threshold`` are found when they share a rare term too, which
    near-identical texts do.

    ``same`` pairs each row with the first row identical to it. The others:

    1. Identical rows are found by hashing them; one of each goes on.
    2. Prefix filtering (all-pairs similarity search): columns are put in order of
       document frequency, rarest first; each row keeps the shortest run of its rarest
       terms such that the rest of it has norm below ``threshold``. Two rows can only reach
       ``threshold`` if they share a kept term (the one whose run ends first holds every
       shared term it did not keep in a part too light to reach it), so ``kept @ kept.T``
       finds every candidate pair without reading the common terms.
    3. Each row's ``NEIGHBOURS`` best candidates (by their partial dot) are scored exactly.
    """
    matrix = sp.csr_matrix(matrix, dtype=np.float32)
    n = matrix.shape[0]
    if n < 2:
        nothing = np.zeros(0, dtype=np.int64)
        return (nothing, nothing), nothing, nothing, np.zeros(0, dtype=np.float32)
    matrix.sum_duplicates()
    matrix.sort_indices()
    # 1. identical rows
    signatures = {}
    representative = np.empty(n, dtype=np.int64)
    data, indices, indptr = matrix.data, matrix.indices, matrix.indptr
    rounded = np.round(data, 4)
    for row in range(n):
        start, end = indptr[row], indptr[row + 1]
        if start == end:
            representative[row] = row  # an empty document is like nothing
            continue
        signature = indices[start:end].tobytes() + rounded[start:end].tobytes()
        representative[row] = signatures.setdefault(signature, row)
    unique = np.flatnonzero(representative == np.arange(n))
    sub = matrix[unique]
    # 2. prefixes, rarest terms first
    df = np.bincount(sub.indices, minlength=sub.shape[1])
    rank = np.empty(sub.shape[1], dtype=np.int64)
    rank[np.argsort(df, kind="stable")] = np.arange(sub.shape[1])
    # A copy of the data: sorting the ranked columns in place must not reorder sub's weights,
    # which score the pairs below.
    ranked = sp.csr_matrix((sub.data.copy(), rank[sub.indices], sub.indptr), shape=sub.shape)
    ranked.sort_indices()
    squares = ranked.data.astype(np.float64) ** 2
    running = np.concatenate([[0.0], np.cumsum(squares)])
    row_of = np.repeat(np.arange(ranked.shape[0]), np.diff(ranked.indptr))
    rest_from_here = running[ranked.indptr[row_of + 1]] - running[:-1]
    keep = rest_from_here >= threshold**2 - 1e-6
    kept = sp.csr_matrix(
        (
            ranked.data[keep],
            ranked.indices[keep],
            np.concatenate([[0], np.cumsum(np.bincount(row_of[keep], minlength=ranked.shape[0]))]),
        ),
        shape=ranked.shape,
    )
    kept_t = kept.T.tocsr()
    # 3. candidates, best few per row by partial dot, scored exactly (in batches: bounded memory)
    chunk_rows, verify_batch = 2000, 20_000
    first, second = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for start in range(0, kept.shape[0], chunk_rows):
        block = (kept[start : start + chunk_rows] @ kept_t).tocoo()
        rows, cols, partial = block.row + start, block.col, block.data
        other = cols != rows
        rows, cols, partial = rows[other], cols[other], partial[other]
        order = np.lexsort((-partial, rows))
        rows, cols = rows[order], cols[order]
        starts = np.searchsorted(rows, rows, side="left")
        best = (np.arange(len(rows)) - starts) < NEIGHBOURS
        first.append(rows[best])
        second.append(cols[best])
    left = np.concatenate(first).astype(np.int64)
    right = np.concatenate(second).astype(np.int64)
    # Each unordered pair once, as one number: low * count + high.
    codes = np.unique(np.minimum(left, right) * len(unique) + np.maximum(left, right))
    left, right = codes // len(unique), codes % len(unique)
    scores = [np.zeros(0, dtype=np.float32)]
    for start in range(0, len(codes), verify_batch):
        a, b = left[start : start + verify_batch], right[start : start + verify_batch]
        scores.append(np.asarray(sub[a].multiply(sub[b]).sum(axis=1)).ravel())
    scores = np.concatenate(scores)
    reached = scores >= floor - 1e-6
    copies = np.flatnonzero(representative != np.arange(n))
    return (
        (copies, representative[copies]),
        unique[left[reached]],
        unique[right[reached]],
        scores[reached],
    )
