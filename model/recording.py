"""The weekly record: this week's measures appended to a table, at the cost of a list append.

Why a subclass of Mesa's ``DataCollector`` and not a recorder of our own: every user of
the weekly table (the workshop app, ``experiments.simulate``, ``mesa.batch_run``, the
tests, notebooks) reads ``model.datacollector`` as Mesa documents it —
``get_model_vars_dataframe()``, ``model_vars``, ``_collection_steps`` (``batch_run``) —
and keeps doing so unchanged. Only ``collect`` differs: Mesa calls each model reporter
and ``deepcopy``\\ s its value (to protect against mutable values changing later), ~40
calls a week here; the measures are plain ``int``, ``float`` and ``bool`` values that the
model computes once a week into ``model.stats``, which cannot change after the fact, so
appending them as they are gives the same table (same columns, dtypes and index) for a
fraction of the cost.
"""

from __future__ import annotations

import mesa


class WeeklyRecord(mesa.DataCollector):
    """A Mesa ``DataCollector`` whose model reporters are the names of ``model.stats``.

    ``model_reporters`` still holds one callable per measure (reading ``model.stats``),
    so code that inspects or calls them works as with Mesa's own collector.
    """

    def __init__(self, measures: tuple[str, ...]):
        super().__init__(model_reporters={m: _stat(m) for m in measures})
        self.measures = measures
        self._columns = [self.model_vars[m] for m in measures]

    def collect(self, model) -> None:
        """Append this week's ``model.stats`` (immutable scalars: no copy needed)."""
        stats = model.stats
        self._collection_steps.append(model.time)
        for column, name in zip(self._columns, self.measures, strict=True):
            column.append(stats[name])


def _stat(name: str):
    def report(model):
        return model.stats[name]

    report.__name__ = name
    return report
