"""Round-robins: near-identical requests, grouped (:func:`round_robins`)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process
from scipy.sparse.csgraph import connected_components

from foidesk.similar.index.features import (
    CHAR_PARAMS,
    _combine,
    _count_part,
    _read,
    _weigh,
    word_params,
)
from foidesk.similar.index.normalising import _head, _indexable
from foidesk.similar.index.settings import Settings, SimilarityError
from foidesk.similar.index.similarity_index import SimilarityIndex

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
