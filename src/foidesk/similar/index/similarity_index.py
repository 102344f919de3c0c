""":class:`SimilarityIndex`: built from ``(key, text)`` pairs, extended, searched for the best
matches and the words they share, saved and loaded."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from foidesk.similar.index.features import (
    CHAR_PARAMS,
    _combine,
    _count_all,
    _read,
    _tfidf,
    _transform,
    _weigh,
    word_params,
)
from foidesk.similar.index.files import (
    FORMAT_NAME,
    FORMAT_VERSION,
    NORMALISER_VERSION,
    _read_json,
    _sha256,
    _sparse,
)
from foidesk.similar.index.normalising import _asking, _head, _indexable
from foidesk.similar.index.settings import Settings, SimilarityError

SHARED_TERMS = 5  # words or pairs of words given with each match


@dataclass(frozen=True)
class Match:
    key: str
    score: float
    shared_terms: list[str]


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


def _dot(matrix, query):
    """Dense vector of matrix @ query.T for a one-row sparse query."""
    if matrix.shape[0] == 0:
        return np.zeros(0, dtype=np.float32)
    if matrix.nnz > 100_000:  # many rows: a dense query vector is quicker
        dense = np.zeros(matrix.shape[1], dtype=np.float32)
        dense[query.indices] = query.data
        return np.asarray(matrix @ dense, dtype=np.float32)
    return np.asarray((matrix @ query.T).toarray(), dtype=np.float32).ravel()
