"""Elimination entries for intra-group amounts, held per node, indicator and month."""

from __future__ import annotations

import numpy as np

from pacer.analysis.core.inputs import Eliminations, Int64Array


class EliminationBook:
    """Elimination entries summed per node, indicator and month: ``values[k, r, month]`` for
    the node ``nodes[k]``; only nodes with an entry have a row. Shared by the cubes of one
    engine, like the facts."""

    def __init__(self, n_reported: int, n_months: int) -> None:
        self.nodes: list[int] = []
        self._row: dict[int, int] = {}
        self.values: Int64Array = np.zeros((0, n_reported, n_months), dtype=np.int64)

    @classmethod
    def of(cls, entries: Eliminations | None, n_reported: int, n_months: int) -> EliminationBook:
        book = cls(n_reported, n_months)
        if entries is None or not len(entries):
            return book
        if (
            entries.reported.min() < 0
            or entries.reported.max() >= n_reported
            or entries.month.min() < 0
            or entries.month.max() >= n_months
        ):
            raise ValueError("eliminations: an entry lies outside the indicators or months")
        nodes = np.unique(entries.unit)
        book.nodes = nodes.tolist()
        book._row = {node: k for k, node in enumerate(book.nodes)}
        book.values = np.zeros((len(nodes), n_reported, n_months), dtype=np.int64)
        np.add.at(book.values, (np.searchsorted(nodes, entries.unit), entries.reported, entries.month), entries.value)
        return book

    def __len__(self) -> int:
        return len(self.nodes)

    def row(self, node: int) -> int | None:
        """``node``'s row of :attr:`values`, None when it has no entry."""
        return self._row.get(node)

    def resized(self, n_months: int) -> EliminationBook:
        """A copy over the first ``n_months`` months (months added at the end hold no entry)."""
        book = EliminationBook(self.values.shape[1], n_months)
        book.nodes, book._row = list(self.nodes), dict(self._row)
        book.values = np.zeros((len(self.nodes), self.values.shape[1], n_months), dtype=np.int64)
        book.values[:, :, : min(n_months, self.values.shape[2])] = self.values[:, :, :n_months]
        return book

    def at(self, node: int, month: int) -> Int64Array:
        """Every reported indicator's eliminations at ``node`` in ``month``."""
        k = self._row.get(node)
        return self.values[k, :, month].copy() if k is not None else np.zeros(self.values.shape[1], dtype=np.int64)

    def amount(self, node: int, r: int, start: int, stop: int) -> int:
        """The sum of ``node``'s eliminations of ``r`` over months ``start..stop-1``."""
        k = self._row.get(node)
        return 0 if k is None else int(self.values[k, r, start:stop].sum())

    def replace(self, node: int, month: int, values: Int64Array) -> Int64Array:
        """Set ``node``'s eliminations of every reported indicator in ``month``; the change."""
        k = self._row.get(node)
        if k is None:
            if not values.any():
                return np.zeros_like(values)
            k = self._row[node] = len(self.nodes)
            self.nodes.append(node)
            self.values = np.concatenate([self.values, np.zeros((1, *self.values.shape[1:]), dtype=np.int64)])
        delta: Int64Array = values - self.values[k, :, month]
        self.values[k, :, month] = values
        return delta
