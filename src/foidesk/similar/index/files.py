"""The files of a saved index: the format's name and versions, the checksums its manifest
lists, and the arrays checked before scipy trusts them."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import scipy.sparse as sp

from foidesk.similar.index.settings import SimilarityError

FORMAT_VERSION = 2  # 2: the character part weighs by the share of the text it reads
NORMALISER_VERSION = 2  # bump when normalise() changes: saved vocabularies depend on it
FORMAT_NAME = "foidesk-similarity-index"


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
