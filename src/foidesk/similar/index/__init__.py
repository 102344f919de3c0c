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

Its parts:

- ``normalising``: :func:`normalise`, the words of a request that say what it asks for.
- ``features``: the word and character TF-IDF features, and the one matrix of both.
- ``similarity_index``: :class:`SimilarityIndex`, and each :class:`Match` it finds.
- ``files``: the files of a saved index, and its :data:`FORMAT_VERSION`.
- ``grouping``: :func:`round_robins`, near-identical requests grouped.
- ``settings``: :class:`Settings`, and :class:`SimilarityError`.
"""

from foidesk.similar.index.files import FORMAT_VERSION
from foidesk.similar.index.grouping import round_robins
from foidesk.similar.index.normalising import normalise
from foidesk.similar.index.settings import Settings, SimilarityError
from foidesk.similar.index.similarity_index import Match, SimilarityIndex

__all__ = [
    "FORMAT_VERSION",
    "Match",
    "Settings",
    "SimilarityError",
    "SimilarityIndex",
    "normalise",
    "round_robins",
]
