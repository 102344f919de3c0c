"""How an index is built and searched (:class:`Settings`, saved with it), and
:class:`SimilarityError`, which every part raises when it cannot do what was asked."""

from __future__ import annotations

from dataclasses import dataclass, fields


class SimilarityError(Exception):
    """The index cannot do what was asked; the message says why in plain words."""


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
