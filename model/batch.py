"""Many seeds of one configuration run together as one engine (issue 11).

Why: a week of one 18-actor centre is a few hundred calls on arrays of ~150 pairs, so
its cost is the fixed cost of each call, not arithmetic. Running S seeds of the same
configuration side by side as **one block-diagonal centre** — seed ``s``'s actors are rows
``s·A … s·A + A − 1`` and its pairs positions ``s·P … s·P + P − 1`` of the same arrays —
makes every call work on S centres at once, so a week costs about what one seed's week
costs plus the arithmetic.

Each seed stays a real :class:`CentreModel`: its arrays are *views* into the batch's
arrays, its own random Generator draws its usual blocks in its usual order, and the few
things that happen to one seed only (scheduled events, an actor leaving, a handover, the
residents' submodels, a funders' renegotiation) run on that seed's model as they would
alone. So every seed's weekly table, actors and ties are **identical, bit for bit,** to
running that seed alone (``tests/test_batch.py``). Centre-level numbers of a week (the
coordinator's coverage, the forum's vitality, shared places) are one value per seed;
the compiled kernels (``model/compiled.py``) take them as such and index them by the
pair's block. Sums that numpy would take over one seed's pairs are taken the same way,
per seed (``compiled.tally_seeds``), so no seed sees another's rounding.

The batch needs the same configuration (centre, parameters, events, drivers) in every
seed, so that actors arrive in the same weeks and the layout stays the same; seeds with
different parameters (a posterior's sets) run as separate batches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import SimpleNamespace

import numpy as np

from . import compiled
from .actor_table import FIELDS as ACTOR_FIELDS
from .centre_model import (
    _ACTOR_DRAWS,
    _AROW,
    _PAIR_DRAWS,
    _PALETTE_MEASURES_32,
    _ROW,
    _TIE_MEASURES,
    WEEKLY_MEASURES,
    CentreModel,
    weekly_schedule,
)
from .compiled import tally_seeds
from .coordination import forum_hours
from .encounters import select_forum_attendees
from .forms import Form
from .handover import Handovers
from .hours import allocate_collaboration_hours, deep_form_mandate
from .kinds import ActorKind
from .outcomes import OUTCOME_DRAWS, Outcomes, count_per_actor
from .pairs import DYNAMIC_FIELDS, FORM_FIELDS, N_FORMS, STATIC_FIELDS
from .relations import working_together
from .residents import (
    _GROUP_DRAWS,
    _MAX_FUNDERS,
    _TIP_DRAWS,
    N_GROUPS,
    Residents,
    resident_measures,
    target_matrix,
)
from .residents_compiled import resident_links as compiled_resident_links
from .residents_compiled import residents_week as compiled_residents_week
from .volunteers import remember_successes, vary_volunteer_hours, volunteer_turnover
from .week import Week

_PAIR_1D = (*DYNAMIC_FIELDS, *STATIC_FIELDS)
_ACTOR_ARRAYS = (*ACTOR_FIELDS, "presence", "affinity")
#: Arrays a model computes each week that its events and outputs read (views in a batch).
_WEEK_ARRAYS = ("budget", "binding_budget", "mandate", "hours_used")
_MEASURE_INDEX = {name: i for i, name in enumerate(WEEKLY_MEASURES)}
#: Centre-level state of each seed's model that the batch reads (and the numpy dtype).
_SEED_STATE = {
    "coordinator_active": bool, "coordinator_row": np.int64, "coordinator_hours": np.float64,
    "forum_exists": bool, "forum_vitality": np.float64, "forum_convener_row": np.int64,
    "shared_places": np.float64,
}  # fmt: skip


def _no_step() -> None:
    """A batched model's own weekly step: the batch does the work."""


class SeedBatch:
    """S seeds of one configuration, stepped together.

    Args:
        models: freshly built models of one configuration, one per seed (e.g.
            ``[CentreModel(centre=c, rng=s) for s in seeds]``), not yet stepped.

    ``step()`` runs one week of every seed; ``timeseries()`` gives every seed's weekly
    table (as ``model.datacollector`` would); each model's ``actors_frame()`` and
    ``ties_frame()`` give its actors and ties.
    """

    def __init__(self, models: Sequence[CentreModel]):
        if not models:
            raise ValueError("a batch needs at least one model")
        first = models[0]
        for m in models[1:]:
            if m.params != first.params or m.centre != first.centre or m.drivers != first.drivers:
                raise ValueError("every model of a batch must have the same centre, drivers and parameters")
        if any(m.steps for m in models):
            raise ValueError("a batch starts from models that have not been stepped")
        self.models = list(models)
        self.params = first.params
        self.centre = first.centre
        self.kernels = compiled
        self.n_seeds = len(models)
        for m in self.models:
            m._user_step = _no_step
            m._default_schedule.stop()  # the batch keeps each model's week and runs its events
        self._records: list[np.ndarray] = [self._initial_record()]
        self._next_event = np.array([self._next_event_time(m) for m in self.models])
        self.week = 0
        self._read_seed_state()
        self.role_hours = np.array([m.role_hours for m in self.models])
        self.coverage = np.array([m.coverage for m in self.models])
        #: Every seed's handover book as one (rows of the batch, seed after seed), kept
        #: from week to week; a seed gets its part back only before its own code runs
        #: (``_clock``), and only that part is merged again: merging and splitting 100
        #: books every week was most of the handover's time.
        self._book: Handovers | None = None
        self._book_cut = np.zeros(0, dtype=np.int64)  # seed s's entries: cut[s] … cut[s + 1]
        self._detached: set[int] = set()  # seeds whose own book is the one to use
        self._bind()

    # -------------------------------------------------------------- layout
    def _bind(self) -> None:
        """Stack every seed's actor and pair arrays into the batch's arrays and point each
        model at its block (called at the start and whenever actors arrive)."""
        models, S = self.models, self.n_seeds
        self._books_to_seeds()  # the merged book's rows are of the old layout
        A = models[0].actor_table.capacity
        P = models[0].pairs.n_pairs
        if any(m.actor_table.capacity != A or m.pairs.n_pairs != P for m in models):
            raise RuntimeError("seeds of a batch diverged in their number of actor rows")
        self.A, self.P = A, P
        actors = SimpleNamespace(capacity=S * A)
        for name in _ACTOR_ARRAYS:
            big = np.stack([getattr(m.actor_table, name) for m in models])
            for s, m in enumerate(models):
                setattr(m.actor_table, name, big[s])
            setattr(actors, name, big.reshape(S * A, *big.shape[2:]))
        pairs = SimpleNamespace(n_pairs=S * P, capacity=A, rows_per_seed=A, pairs_per_seed=P)
        for name in _PAIR_1D:
            big = np.stack([getattr(m.pairs, name) for m in models])
            for s, m in enumerate(models):
                setattr(m.pairs, name, big[s])
            setattr(pairs, name, big.reshape(S * P))
        for name in FORM_FIELDS:
            big = np.stack([getattr(m.pairs, name) for m in models], axis=1)  # (6, S, P)
            for s, m in enumerate(models):
                setattr(m.pairs, name, big[:, s, :])
            setattr(pairs, name, big.reshape(N_FORMS, S * P))
        offsets = np.arange(S, dtype=np.int64) * A
        pairs.iu = (models[0].pairs.iu[None, :] + offsets[:, None]).reshape(-1)
        pairs.ju = (models[0].pairs.ju[None, :] + offsets[:, None]).reshape(-1)
        self.actors, self.pairs = actors, pairs
        self.week_arrays = {}
        for name in _WEEK_ARRAYS:
            big = np.zeros((S, A))
            for s, m in enumerate(models):
                value = getattr(m, name, None)
                if value is not None and len(value) == A:
                    big[s] = value
                setattr(m, name, big[s])
            self.week_arrays[name] = big.reshape(S * A)
        # Each seed's week of draws in one call per Generator: the model's (actors, then
        # pairs) and the residents' (groups, tips, funders, new volunteers), in the order a
        # model alone draws them, so the numbers are the same.
        n_actor = len(_ACTOR_DRAWS) * A
        self.u_model = np.empty((S, n_actor + len(_PAIR_DRAWS) * P))
        self.u_actor = self.u_model[:, :n_actor].reshape(S, len(_ACTOR_DRAWS), A)
        self.u_pair = self.u_model[:, n_actor:].reshape(S, len(_PAIR_DRAWS), P)
        rp = self.params.residents
        sizes = (len(_GROUP_DRAWS) * N_GROUPS, len(_TIP_DRAWS) * rp.max_tips, _MAX_FUNDERS, A)
        self.u_residents = np.empty((S, sum(sizes)))
        cut = np.cumsum(sizes)
        self.u_group = self.u_residents[:, : cut[0]].reshape(S, len(_GROUP_DRAWS), N_GROUPS)
        u_tips = self.u_residents[:, cut[0]: cut[1]].reshape(S, len(_TIP_DRAWS), rp.max_tips)
        u_funders = self.u_residents[:, cut[1]: cut[2]]
        self.u_volunteer = self.u_residents[:, cut[2]:]
        self.u_tips = u_tips
        for s, m in enumerate(models):
            m.u_actor, m.u_pair = self.u_actor[s], self.u_pair[s]
            r = m.residents
            r.u_group, r.u_tips, r.u_funders = self.u_group[s], u_tips[s], u_funders[s]
        cohorts = {}
        for name in _COHORTS:
            big = np.stack([getattr(m.residents.state, name) for m in models])
            for s, m in enumerate(models):
                setattr(m.residents.state, name, big[s])
            cohorts[name] = big
        self.residents = Residents(**cohorts, nearness={})
        #: Each seed's citizen-near rows (its own dict, changed in place by its events).
        self._nearness = [m.residents.state.nearness for m in models]
        self.targets = target_matrix(actors.targets).reshape(S, A, N_GROUPS)
        self._views = [self._arrays_of(m) for m in models]

    @staticmethod
    def _arrays_of(m: CentreModel) -> tuple:
        t, p = m.actor_table, m.pairs
        r = m.residents.state
        return (*(getattr(t, n) for n in _ACTOR_ARRAYS), *(getattr(p, n) for n in _PAIR_1D),
                *(getattr(p, n) for n in FORM_FIELDS), r.size, r.reached, r.referred, r.in_joint,
                p.iu)  # fmt: skip

    def _sync(self, seeds) -> None:
        """After a seed's own code ran (an event, a leaver, the residents): arrays it
        replaced instead of writing in place go back into the batch's blocks; if actors
        arrived (new rows), the whole batch is laid out again."""
        rebind = False
        for s in seeds:
            m = self.models[s]
            now = self._arrays_of(m)
            if now[-1] is not self._views[s][-1] or m.actor_table.capacity != self.A:
                rebind = True
                continue
            if any(a is not b for a, b in zip(now, self._views[s], strict=True)):
                self._put_back(s)
        if rebind:
            self._bind()

    def _put_back(self, s: int) -> None:
        m, S = self.models[s], self.n_seeds
        for name in _ACTOR_ARRAYS:
            value = getattr(m.actor_table, name)
            big = getattr(self.actors, name).reshape(S, *value.shape)
            big[s] = value
            setattr(m.actor_table, name, big[s])
        for name in _PAIR_1D:
            big = getattr(self.pairs, name).reshape(S, self.P)
            big[s] = getattr(m.pairs, name)
            setattr(m.pairs, name, big[s])
        for name in FORM_FIELDS:
            big = getattr(self.pairs, name).reshape(N_FORMS, S, self.P)
            big[:, s, :] = getattr(m.pairs, name)
            setattr(m.pairs, name, big[:, s, :])
        for name in _COHORTS:
            big = getattr(self.residents, name)
            big[s] = getattr(m.residents.state, name)
            setattr(m.residents.state, name, big[s])
        self._views[s] = self._arrays_of(m)

    # ---------------------------------------------------------------- a week
    def step(self) -> None:
        """One week of every seed, in the order of :meth:`CentreModel.step`."""
        self.advance_time()
        for s, m in enumerate(self.models):
            m.rng.random(out=self.u_model[s])
            m.residents.rng.random(out=self.u_residents[s])
        weekly_schedule(self)

    def run(self, weeks: int, on_week: Callable[[SeedBatch], None] | None = None) -> None:
        """``weeks`` weeks; ``on_week(batch)`` after each (e.g. to save networks)."""
        for _ in range(weeks):
            self.step()
            if on_week is not None:
                on_week(self)

    def advance_time(self) -> None:
        """Each seed's events of the coming week (scheduled half a week before it, as
        :meth:`CentreModel.schedule_at_week` does), then the new week. A seed's clock
        (Mesa's ``steps`` and ``time``) is set only before its own code runs
        (:meth:`_clock`) and at the end: setting it every week is most of a week's cost."""
        week = self.week + 1
        due = np.flatnonzero(self._next_event <= week - 0.5)
        for s in due:
            m = self._clock(s, week - 1)
            m._advance_time(week - 0.5)
            self._next_event[s] = self._next_event_time(m)
        self.week = week
        if len(due):
            self._after_own_code(due)

    def _clock(self, s: int, week: int | None = None) -> CentreModel:
        """Seed ``s``'s model with its clock at ``week`` (default: this week)."""
        m, week = self.models[s], self.week if week is None else week
        self._detach_book(s)  # its own code may read or extend its handover book
        if m.steps != week:
            m.time, m.steps = float(week), week
        return m

    def _read_seed_state(self, seeds=None) -> None:
        """The centre-level state the batch reads, per seed, from each model (after a
        seed's own code may have changed it: an event, a leaver, a renegotiation)."""
        models = self.models if seeds is None else [self.models[s] for s in seeds]
        index = slice(None) if seeds is None else np.asarray(seeds)
        for name, dtype in _SEED_STATE.items():
            values = np.array([getattr(m, name) for m in models], dtype=dtype)
            if seeds is None:
                setattr(self, name, values)
            else:
                getattr(self, name)[index] = values

    @staticmethod
    def _next_event_time(m: CentreModel) -> float:
        upcoming = m._event_list.peek_ahead(1) if not m._event_list.is_empty() else []
        return float(upcoming[0].time) if upcoming else np.inf

    def _after_own_code(self, seeds) -> None:
        """After seeds' own code ran: arrays back into the batch, their state re-read."""
        seeds = sorted(set(int(s) for s in seeds))
        if seeds:
            self._sync(seeds)
            self._read_seed_state(seeds)
            for s in seeds:
                self._next_event[s] = self._next_event_time(self.models[s])

    def _rows(self, rows: np.ndarray) -> np.ndarray:
        """Batch rows of each seed's model-level row numbers."""
        return np.arange(self.n_seeds) * self.A + rows

    # ------------------------------------------------------------ submodels
    def apply_funding_expiry(self) -> None:
        """As :meth:`CentreModel.apply_funding_expiry`, for every seed."""
        t = self.actors
        ends = (~t.permanent) & (t.funding_end >= 0) & (t.funding_end <= self.week) & t.active & ~t.expired
        t.expired |= ends
        if not ends.any():
            return
        holder = self.coordinator_row
        ending = self.coordinator_active & (holder >= 0) & ends[self._rows(np.maximum(holder, 0))]
        for s in np.flatnonzero(ending):
            self._clock(s)._end_coordination("the coordinator's project money ends")
        if ending.any():
            self._read_seed_state(np.flatnonzero(ending))

    def vary_volunteer_hours(self) -> None:
        t = self.actors
        t.hours_factor[:] = vary_volunteer_hours(t.kind, self.params, self._actor_draw("hours"))

    def _actor_draw(self, name: str) -> np.ndarray:
        return self.u_actor[:, _AROW[name], :].reshape(-1)

    def _pair_draw(self, name: str) -> np.ndarray:
        return self.u_pair[:, _ROW[name], :].reshape(-1)

    def allocate_hours(self) -> None:
        """As :meth:`CentreModel.allocate_hours`: per-seed role hours, coverage and forum."""
        t, prm, S, A = self.actors, self.params, self.n_seeds, self.A
        budget, binding = allocate_collaboration_hours(t, prm)
        holder = self.coordinator_row
        role = np.zeros(S)
        holds = self.coordinator_active & (holder >= 0)
        rows = self._rows(np.maximum(holder, 0))
        holds &= t.active[rows]
        if holds.any():
            wanted = self.coordinator_hours
            role[holds] = np.maximum(0.0, np.minimum(wanted[holds], binding[rows[holds]]))
            binding[rows[holds]] -= role[holds]
            budget[rows[holds]] -= role[holds]
        n_here = t.active.reshape(S, A).sum(axis=1)
        need = prm.upkeep_hours_per_actor * np.maximum(n_here, 1)
        reached = np.minimum(1.0, role / need) if prm.upkeep_hours_per_actor > 0 else 1.0
        coverage = np.where(self.coordinator_active, reached, 0.0)
        self.role_hours, self.coverage = role, coverage
        meets = self.forum_meets()
        if meets.any():
            vitality = np.repeat(self.forum_vitality, A)
            interval = self.centre.forum_interval_weeks
            meeting = forum_hours(t.forum_attendance, vitality, interval, prm) * (budget > 0)
            at = np.repeat(meets, A)
            budget = np.where(at, np.maximum(budget - meeting, 0.0), budget)
            binding = np.where(at, np.minimum(binding, budget), binding)
        self.week_arrays["budget"][:] = budget
        self.week_arrays["binding_budget"][:] = binding
        self.week_arrays["mandate"][:] = deep_form_mandate(t.leadership, t.expired, prm)

    def forum_meets(self) -> np.ndarray:
        """Per seed: as :attr:`CentreModel.forum_meets`."""
        habit = self.forum_vitality > self.params.forum_gone_vitality
        return self.forum_exists | self.coordinator_active | habit

    def system_level(self) -> np.ndarray:
        forum = np.where(self.forum_meets(), self.forum_vitality, 0.0)
        return np.maximum(self.coverage, forum)

    def meet(self) -> np.ndarray:
        """As :meth:`CentreModel.meet`, for every seed."""
        k, p, t, prm = self.kernels, self.pairs, self.actors, self.params
        S, A, P = self.n_seeds, self.A, self.P
        t_active = t.active
        self.present = t_active[p.iu] & t_active[p.ju]
        level = self.system_level()
        shared_places = self.shared_places
        new = t_active & (t.arrived > 0) & (self.week - t.arrived < prm.newcomer_weeks)
        week = Week(
            present=self.present, budget=self.week_arrays["budget"],
            binding_budget=self.week_arrays["binding_budget"], mandate=self.week_arrays["mandate"],
            shared_places=shared_places, overview=level, upkeep=level, booking=level,
            newcomer_pair=new[p.iu] | new[p.ju], at_forum=np.zeros(S * P, dtype=bool),
        )  # fmt: skip
        self.this_week = week
        encountered = k.draw_encounters(p, week, prm, self._pair_draw("encounter"))
        sought = k.seek_contacts(p, week, prm, self._pair_draw("sought"))
        meets = self.forum_meets()
        if meets.any() and self.week % self.centre.forum_interval_weeks == 0:
            convener = self.forum_convener_row
            convener_here = (convener >= 0) & t_active[self._rows(np.maximum(convener, 0))]
            convened = self.coordinator_active | (self.forum_exists & convener_here)
            vitality = np.where(meets, np.where(convened, 1.0, self.forum_vitality * prm.forum_thinning),
                                self.forum_vitality)  # fmt: skip
            self.forum_vitality = vitality
            attend = select_forum_attendees(t, week.budget, np.repeat(vitality, A), self._actor_draw("forum"))
            attend &= np.repeat(meets, A)
            week.at_forum = attend[p.iu] & attend[p.ju]
            for s, m in enumerate(self.models):
                m.forum_vitality = float(vitality[s])
        introduced = self.choose_introductions(week)
        encountered = self.add_resident_links(encountered)
        contacts = {"introduced": introduced, "encountered": encountered, "sought": sought,
                    "at_forum": week.at_forum}  # fmt: skip
        p.familiarity[:] = k.learn_from_contact(p, contacts, prm)
        week.cost = k.form_costs(p, prm, level)
        self.last_contact = encountered | sought | week.at_forum | introduced
        return self.last_contact

    def choose_introductions(self, week: Week) -> np.ndarray:
        """Each seed's coordinator introduces its own ``introductions`` pairs: the set
        :func:`model.encounters.choose_introductions` chooses (the largest keys), found for
        all seeds at once from each seed's largest ``max(introductions)`` keys."""
        prm, S, P = self.params, self.n_seeds, self.P
        count = np.where(self.coordinator_active,
                         np.floor(self.role_hours * prm.introductions_per_hour + 1e-9), 0).astype(np.int64)
        chosen = np.zeros(S * P, dtype=bool)
        most = int(count.max())
        if most <= 0:
            return chosen
        gap = 1.0 - self.pairs.familiarity
        u = self._pair_draw("introduction")
        keys = np.where(week.present, gap * gap * (1.0 + prm.newcomer_priority * week.newcomer_pair) * u, 0.0)
        keys = keys.reshape(S, P)
        if most < P:
            top = np.argpartition(-keys, most - 1, axis=1)[:, :most]
        else:
            top = np.broadcast_to(np.arange(P), (S, P))
        top_keys = np.take_along_axis(keys, top, axis=1)
        rank = np.argsort(np.argsort(-top_keys, axis=1, kind="stable"), axis=1, kind="stable")
        pick = (rank < count[:, None]) & (top_keys > 0)
        chosen[(np.arange(S)[:, None] * P + top)[pick]] = True
        return chosen

    def add_resident_links(self, encountered: np.ndarray) -> np.ndarray:
        """As ``AreaResidents.add_links``, for every seed at once: the pairs residents put
        in touch this week (``resident_links``) meet."""
        self.n_links = compiled_resident_links(self.residents, self.actors, self.targets, self.shared_places,
                                               self.params.residents, self.u_tips, self.present,
                                               encountered)  # fmt: skip
        return encountered

    def update_forms(self) -> None:
        k, p, t, week, prm = self.kernels, self.pairs, self.actors, self.this_week, self.params
        n_rows = t.capacity
        used, used_binding = k.hours_in_use(p.held, week.cost, p.iu, p.ju, n_rows)
        u = np.ascontiguousarray(self.u_pair[:, _ROW["form_0"]: _ROW["form_0"] + N_FORMS, :]
                                 .transpose(1, 0, 2)).reshape(N_FORMS, -1)  # fmt: skip
        spare, spare_binding = week.budget - used, week.binding_budget - used_binding
        before = p.held.copy()
        p.held[:] = k.take_up_and_drop(p, t, week, prm, spare, spare_binding, u)
        self.taken_up = p.held & ~before  # what each seed's model records for its observers

    def enforce_hour_budgets(self) -> None:
        k, p, week = self.kernels, self.pairs, self.this_week
        priority = p.familiarity + p.trust + p.overlap
        p.held[:] = k.enforce_hour_budgets(p.held, week.cost, priority, week.budget, week.binding_budget,
                                           p.iu, p.ju, rows_per_seed=self.A)  # fmt: skip
        used, _ = k.hours_in_use(p.held, week.cost, p.iu, p.ju, self.actors.capacity)
        self.week_arrays["hours_used"][:] = used

    def continue_handover(self) -> None:
        """Every seed's relations being taken over, one week on, as one book: the seeds'
        books side by side (rows of the batch), kept merged from week to week."""
        if self._book is None:
            self._book = self._merged_books(range(self.n_seeds), None)
        elif self._detached:
            self._book = self._merged_books(sorted(self._detached), self._book)
        self._detached = set()
        book = self._book
        if len(book):
            used = self.week_arrays["hours_used"]
            fam, trust, spent = self.kernels.continue_handover(self.pairs, self.actors, book,
                                                               self.week_arrays["budget"] - used,
                                                               self.params)  # fmt: skip
            self.pairs.familiarity[:], self.pairs.trust[:] = fam, trust
            used += spent
        self._book_cut = np.searchsorted(book.taker // self.A, np.arange(self.n_seeds + 1))

    def _merged_books(self, seeds, merged: Handovers | None) -> Handovers:
        """One book of ``seeds``' own books and, for every other seed, its part of
        ``merged``; seed after seed, in rows of the batch."""
        A, cut, rows = self.A, self._book_cut, ("taker", "partner")
        pieces = {name: [] for name in _BOOK_FIELDS}
        done = 0  # the seeds before this one are in the pieces
        for s in seeds:
            book = self.models[s].handovers
            for name in _BOOK_FIELDS:
                if merged is not None:
                    pieces[name].append(getattr(merged, name)[cut[done]: cut[s]])
                if len(book):
                    pieces[name].append(getattr(book, name) + (s * A if name in rows else 0))
            done = s + 1
        for name in _BOOK_FIELDS:
            if merged is not None:
                pieces[name].append(getattr(merged, name)[cut[done]:])
        if not any(len(piece) for piece in pieces["taker"]):
            return Handovers()
        return Handovers(*(np.concatenate(pieces[name]) for name in _BOOK_FIELDS))

    def _detach_book(self, s: int) -> None:
        """Seed ``s``'s part of the merged book into its own (before its own code runs);
        the next week merges it back."""
        if self._book is None or s in self._detached:
            return
        A, rows = self.A, ("taker", "partner")
        mine = slice(self._book_cut[s], self._book_cut[s + 1])
        book = self.models[s].handovers
        for name in _BOOK_FIELDS:
            value = getattr(self._book, name)[mine]
            setattr(book, name, value - s * A if name in rows else value.copy())
        self._detached.add(s)

    def _books_to_seeds(self) -> None:
        """Every seed's part of the merged book into its own (the layout is about to
        change); the next week merges them all again."""
        if self._book is not None:
            for s in range(self.n_seeds):
                self._detach_book(s)
        self._book, self._detached = None, set()

    def realise_outcomes(self) -> Outcomes:
        u = {name: self._pair_draw(f"outcome_{name}") for name in OUTCOME_DRAWS}
        self.outcomes = self.kernels.realise_outcomes(self.pairs, self.actors, self.this_week, self.params, u)
        return self.outcomes

    def end_concluded_efforts(self, outcomes: Outcomes) -> None:
        p = self.pairs
        p.held[Form.JOINT_ACTION] &= ~outcomes.joint_ended
        p.held[Form.CO_CREATION] &= ~outcomes.cocreation_ended

    def update_relations(self, contact: np.ndarray, outcomes: Outcomes) -> None:
        """As :meth:`CentreModel.update_relations`, for every seed (writing into its blocks)."""
        k, p, week, prm = self.kernels, self.pairs, self.this_week, self.params
        working = working_together(p, outcomes.referral, contact)
        p.trust[:] = k.update_trust(p, working, outcomes.successes, outcomes.failures, prm)
        p.familiarity[:], p.trust[:] = k.fade_relations(p, contact | working, week, prm)
        p.understanding[:] = k.build_understanding(p, week.at_forum, week, prm)

    def volunteer_turnover(self, outcomes: Outcomes) -> None:
        t, p, prm, A = self.actors, self.pairs, self.params, self.A
        won = count_per_actor(outcomes.successes, p.iu, p.ju, t.capacity)
        t.recent_successes[:] = remember_successes(t.recent_successes, won, prm)
        budget, used = self.week_arrays["budget"], self.week_arrays["hours_used"]
        saturation = np.clip(used / np.maximum(budget, 1e-9), 0.0, 1.0)
        leave, join = self._actor_draw("leave"), self._actor_draw("join")
        t.enthusiasts[:] = volunteer_turnover(t, saturation, prm, leave, join)
        dissolved = np.flatnonzero(t.active & (t.kind == ActorKind.VOLUNTEER) & (t.enthusiasts <= 0))
        for row in dissolved:
            m = self._clock(row // A)
            m._actor_leaves(int(row % A), "its last volunteers stopped", week=self.week + 1)
        if len(dissolved):
            self._after_own_code(dissolved // A)

    def serve_residents(self, outcomes: Outcomes) -> None:
        """Every seed's residents at once (``residents_week`` on (S, G) cohorts); the
        funders' renegotiations on each seed's model."""
        t, prm, S, A = self.actors, self.params, self.n_seeds, self.A
        nearness = np.ones(S * A)
        for s in [s for s, rows in enumerate(self._nearness) if rows]:  # most seeds have none
            for row, value in self._nearness[s].items():
                nearness[s * A + row] = value
        completed, joins = compiled_residents_week(self.residents, t, self.pairs, outcomes, self.targets,
                                                   self.shared_places, nearness, prm.residents,
                                                   prm.max_enthusiasts, self.u_group,
                                                   self.u_volunteer.reshape(-1))  # fmt: skip
        self.resident_record = resident_measures(self.residents, completed, joins.reshape(S, A).sum(axis=1),
                                                 self.n_links)  # fmt: skip
        rp = prm.residents
        if self.centre.funders > 1 and (self.week == rp.renegotiation_weeks // 2
                                        or self.week % rp.renegotiation_weeks == 0):  # fmt: skip
            before = [len(m.interventions) for m in self.models]
            for s, m in enumerate(self.models):
                m.residents.weigh_funders(self._clock(s))
            self._after_own_code([s for s, m in enumerate(self.models) if len(m.interventions) != before[s]])

    def advance_clocks(self, outcomes: Outcomes) -> None:
        """As :meth:`CentreModel.advance_clocks`, for every seed's pairs."""
        self.kernels.advance_pair_clocks(self.pairs, outcomes.successes, outcomes.failures)

    def collect_statistics(self, outcomes: Outcomes) -> None:
        """Every seed's ``WEEKLY_MEASURES``, as :meth:`CentreModel.collect_statistics`."""
        p, t, S, A, P = self.pairs, self.actors, self.n_seeds, self.A, self.P
        masks = tuple(getattr(outcomes, name) for name in _OUTCOME_FIELDS)
        present, palettes, events, n_present, trust, familiarity = tally_seeds(
            p.held, t.active, p.iu, p.ju, masks, p.trust, p.familiarity, P, S)
        self.present = present
        record = np.empty((S, len(WEEKLY_MEASURES)))
        record[:, [_MEASURE_INDEX[n] for n in _TIE_MEASURES]] = palettes @ _PALETTE_MEASURES_32
        with np.errstate(invalid="ignore", divide="ignore"):
            record[:, _MEASURE_INDEX["mean_trust"]] = np.where(n_present > 0, trust / n_present, np.nan)
            record[:, _MEASURE_INDEX["mean_familiarity"]] = np.where(
                n_present > 0, familiarity / n_present, np.nan)
        record[:, _MEASURE_INDEX["coordinator_active"]] = self.coordinator_active
        record[:, _MEASURE_INDEX["coordinator_hours"]] = self.role_hours
        record[:, _MEASURE_INDEX["coordinator_coverage"]] = self.coverage
        meets = self.forum_meets()
        record[:, _MEASURE_INDEX["forum_active"]] = meets
        record[:, _MEASURE_INDEX["forum_vitality"]] = np.where(meets, self.forum_vitality, 0.0)
        record[:, _MEASURE_INDEX["n_actors"]] = t.active.reshape(S, A).sum(axis=1)
        volunteers = t.active & (t.kind == ActorKind.VOLUNTEER)
        record[:, _MEASURE_INDEX["volunteer_enthusiasts"]] = (
            np.where(volunteers, t.enthusiasts, 0).astype(np.int64).reshape(S, A).sum(axis=1))
        per_seed = dict(zip(_OUTCOME_FIELDS, events.T, strict=True))
        record[:, _MEASURE_INDEX["referrals"]] = per_seed["referral"]
        record[:, _MEASURE_INDEX["resources_shared"]] = per_seed["exchange_success"]
        record[:, _MEASURE_INDEX["joint_offers"]] = per_seed["joint_offer"]
        record[:, _MEASURE_INDEX["new_initiatives"]] = per_seed["new_initiative"]
        record[:, _MEASURE_INDEX["failed_efforts"]] = (
            per_seed["exchange_failure"] + per_seed["joint_failure"] + per_seed["cocreation_failure"])
        record[:, _MEASURE_INDEX["hours_available"]] = self.week_arrays["budget"].reshape(S, A).sum(axis=1)
        record[:, _MEASURE_INDEX["hours_used"]] = self.week_arrays["hours_used"].reshape(S, A).sum(axis=1)
        for name, values in self.resident_record.items():
            record[:, _MEASURE_INDEX[name]] = values
        self._records.append(record)

    def _initial_record(self) -> np.ndarray:
        """Week 0, as each model recorded it when built."""
        return np.array([[float(m.stats[name]) for name in WEEKLY_MEASURES] for m in self.models])

    def remove_actor(self, seed: int, name: str) -> None:
        """Seed number ``seed`` of the batch (0 … S − 1) loses the actor ``name`` before
        the next week, as :meth:`CentreModel.remove_actor` between two steps would."""
        self._clock(seed).remove_actor(name)
        self._after_own_code([seed])

    # ------------------------------------------------------------------ outputs
    def at_week(self) -> list[CentreModel]:
        """The seeds' models as each would be after this week alone: clock at this week,
        and the week's records an observer reads (``outcomes``, ``taken_up``) as views of
        its block — to read state or outputs mid-run (``ties_frame()``, validation)."""
        P = self.P
        models = []
        for s in range(self.n_seeds):
            m, block = self._clock(s), slice(s * P, (s + 1) * P)
            if self.week:
                m.outcomes = Outcomes(*(getattr(self.outcomes, name)[block] for name in _OUTCOME_FIELDS))
                m.taken_up = self.taken_up[:, block]
            models.append(m)
        return models

    def timeseries(self, seeds: Sequence[int] | None = None):
        """Every seed's weekly table, seeds one after another (columns ``seed`` (the
        given ``seeds``, else 0, 1, …), ``step`` and ``WEEKLY_MEASURES``, dtypes as a
        single model's table)."""
        import pandas as pd

        values = np.stack(self._records, axis=1)  # (S, weeks + 1, measures)
        S, W = values.shape[:2]
        kinds = {name: type(value) for name, value in self.models[0].stats.items()}
        columns = {
            "seed": np.repeat(np.asarray(range(S) if seeds is None else seeds, dtype=np.int64), W),
            "step": np.tile(np.arange(W, dtype=np.int64), S),
        }
        for j, name in enumerate(WEEKLY_MEASURES):
            column = values[:, :, j].reshape(-1)
            kind = kinds[name]
            columns[name] = column.astype(bool) if kind is bool else (
                column.astype(np.int64) if kind is int else column)
        return pd.DataFrame(columns)

    def finish(self) -> None:
        """Give each model its last week's ``stats`` (what a stepped model would hold)."""
        last = self._records[-1]
        kinds = {name: type(value) for name, value in self.models[0].stats.items()}
        for s, m in enumerate(self.models):
            self._clock(s)
            m.role_hours, m.coverage = float(self.role_hours[s]), float(self.coverage[s])
            m.stats = {name: kinds[name](last[s, j]) for j, name in enumerate(WEEKLY_MEASURES)}
            m.residents.last = {name: m.stats[name] for name in m.residents.last}


_OUTCOME_FIELDS = tuple(Outcomes.__dataclass_fields__)
_BOOK_FIELDS = tuple(Handovers.__dataclass_fields__)
_COHORTS = ("size", "reached", "referred", "in_joint")


def run_batch(make_model: Callable[[int], CentreModel], seeds: Sequence[int], weeks: int,
              on_week: Callable[[SeedBatch], None] | None = None) -> SeedBatch:  # fmt: skip
    """Build one model per seed with ``make_model(seed)``, run them ``weeks`` weeks as one
    batch and return it (``timeseries(seeds)``, and each model's frames)."""
    batch = SeedBatch([make_model(seed) for seed in seeds])
    batch.run(weeks, on_week)
    batch.finish()
    return batch


__all__ = ["SeedBatch", "run_batch"]
