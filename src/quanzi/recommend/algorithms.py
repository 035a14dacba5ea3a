"""The candidate generators: each `fit(train)` on a user × item matrix of interaction weights, then
`score(user_rows)` → a dense array of scores (users × items). Serving takes their top-k without the items a
user has seen (evaluation.top_k).

* `Popularity` — the non-personalised ranking everyone gets when personalisation is off (and the baseline).
* `ItemKNN` — item-to-item cosine similarity of who interacted with what ("看了又看 / 买了还买"), the k
  nearest neighbours kept per item.
* `EASE` — Steck's "Embarrassingly Shallow Autoencoders" (WWW 2019): one closed-form item × item weight
  matrix, B = I − P / diag(P) with P = (XᵀX + λI)⁻¹. Among the strongest baselines in Ferrari Dacrema et al.
  2022; dense in items, so used up to `EASE.MAX_ITEMS` items.
* `ALS` — implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008) from the `implicit` package:
  the well-kept, compiled implementation; confidence 1 + α·weight.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse


class Popularity:
    name = "popularity"

    def fit(self, train: sparse.csr_matrix) -> Popularity:
        self.counts = np.asarray((train > 0).sum(axis=0)).ravel().astype(np.float64)
        return self

    def score(self, users: np.ndarray) -> np.ndarray:
        return np.tile(self.counts, (len(users), 1))


class ItemKNN:
    name = "itemknn"

    def __init__(self, *, neighbours: int = 100):
        self.neighbours = neighbours

    def fit(self, train: sparse.csr_matrix) -> ItemKNN:
        binary = (train > 0).astype(np.float32).tocsc()
        norms = np.sqrt(np.asarray(binary.multiply(binary).sum(axis=0)).ravel())
        norms[norms == 0] = 1.0
        sim = (binary.T @ binary).tocsr().astype(np.float32)
        sim = sparse.diags(1 / norms) @ sim @ sparse.diags(1 / norms)
        sim.setdiag(0)
        self.similarity = self._keep_top(sim.tocsr())
        self.train = train.tocsr()
        return self

    def _keep_top(self, sim: sparse.csr_matrix) -> sparse.csr_matrix:
        rows, cols, vals = [], [], []
        for i in range(sim.shape[0]):
            start, end = sim.indptr[i], sim.indptr[i + 1]
            idx, v = sim.indices[start:end], sim.data[start:end]
            if len(v) > self.neighbours:
                keep = np.argpartition(-v, self.neighbours - 1)[: self.neighbours]
                idx, v = idx[keep], v[keep]
            rows += [i] * len(idx)
            cols += idx.tolist()
            vals += v.tolist()
        return sparse.csr_matrix((vals, (rows, cols)), shape=sim.shape, dtype=np.float32)

    def score(self, users: np.ndarray) -> np.ndarray:
        return np.asarray((self.train[users] @ self.similarity).todense())


class EASE:
    name = "ease"
    MAX_ITEMS = 6_000  # a dense items × items matrix: 6,000² float64 is 288 MB

    def __init__(self, *, l2: float = 200.0):
        self.l2 = l2

    def fit(self, train: sparse.csr_matrix) -> EASE:
        if train.shape[1] > self.MAX_ITEMS:
            raise ValueError(f"EASE keeps an items × items matrix; {train.shape[1]} items > {self.MAX_ITEMS}")
        x = (train > 0).astype(np.float64)
        gram = np.asarray((x.T @ x).todense())
        gram[np.diag_indices_from(gram)] += self.l2
        p = np.linalg.inv(gram)
        self.weights = -p / np.diag(p)
        self.weights[np.diag_indices_from(self.weights)] = 0.0
        self.train = x.tocsr()
        return self

    def score(self, users: np.ndarray) -> np.ndarray:
        return np.asarray(self.train[users] @ self.weights)


class ALS:
    name = "als"

    def __init__(self, *, factors: int = 64, iterations: int = 15, regularization: float = 0.05, alpha: float = 10.0,
                 seed: int = 7):
        self.factors, self.iterations, self.regularization, self.alpha, self.seed = (
            factors, iterations, regularization, alpha, seed)

    def fit(self, train: sparse.csr_matrix) -> ALS:
        from implicit.cpu.als import AlternatingLeastSquares
        from threadpoolctl import threadpool_limits

        confidence = train.copy().astype(np.float32)
        confidence.data = 1.0 + self.alpha * confidence.data
        with threadpool_limits(1, "blas"):  # implicit's advice: its own threads, not BLAS's
            model = AlternatingLeastSquares(factors=self.factors, iterations=self.iterations,
                                            regularization=self.regularization, random_state=self.seed,
                                            calculate_training_loss=False)
            model.fit(confidence, show_progress=False)
        self.users, self.items = np.asarray(model.user_factors), np.asarray(model.item_factors)
        return self

    def score(self, users: np.ndarray) -> np.ndarray:
        return self.users[users] @ self.items.T


MODELS = {cls.name: cls for cls in (Popularity, ItemKNN, EASE, ALS)}
