"""The medborgercenter model: actors, their pairwise relations and the weekly schedule.

Source: Center for Boligsocial Udvikling (2019), *Medborgercentre i udsatte boligområder*.
The centre is a *generative mechanism* (*Opsamling*, Figure 1): a physical frame gathers
actors and lowers the cost of reaching each other, but collaboration only grows where
actors actively use each other. One step is one week; ``docs/ODD.md`` describes every
submodel named in :meth:`CentreModel.step`, in the same order.
"""

from __future__ import annotations

from functools import cache, lru_cache, partial

import mesa
import numpy as np

from .actor_table import ActorTable
from .actors import Actor
from .centre import ActorGroup, CentreSpec, KnownRelation, actor_name
from .coordination import (
    convene_forum,
    coordinator_coverage,
    default_holder,
    forum_hours,
    introductions_this_week,
    role_hours_available,
)
from .drivers import Drivers, resolve_drivers
from .encounters import select_forum_attendees
from .events import schedule_events
from .forms import FORMS, Form
from .handover import Handovers, start_handover
from .hours import allocate_collaboration_hours, deep_form_mandate, reach_factor
from .kernels import get_kernels
from .kinds import (
    KIND_PROFILES,
    PRESENCE_PATTERNS,
    RESOURCES,
    SLOTS,
    TARGET_GROUPS,
    ActorKind,
    bitmask,
    slot_mask,
)
from .outcomes import OUTCOME_DRAWS, Outcomes, count_per_actor
from .pairs import N_FORMS, PairState, condensed_index
from .params import ModelParams
from .recording import WeeklyRecord
from .relations import working_together
from .residents import RESIDENT_MEASURES, AreaResidents
from .sampling import sample_without_replacement
from .validation import InputError, check_unit, validate_once
from .volunteers import remember_successes, vary_volunteer_hours, volunteer_turnover
from .week import Week

#: Measures recorded every week (``timeseries.parquet`` columns after ``seed``, ``step``).
WEEKLY_MEASURES: tuple[str, ...] = (
    *(f"ties_{f.id}" for f in FORMS),
    "ties_any",
    "ties_total",
    "multiplex_pairs",
    *(f"deepest_{f.id}" for f in FORMS),
    "mean_trust",
    "mean_familiarity",
    "coordinator_active",
    "coordinator_hours",
    "coordinator_coverage",
    "forum_active",
    "forum_vitality",
    "n_actors",
    "volunteer_enthusiasts",
    "referrals",
    "resources_shared",
    "joint_offers",
    "new_initiatives",
    "failed_efforts",
    "hours_available",
    "hours_used",
    *RESIDENT_MEASURES,
)

#: Rows of the weekly uniform block over pairs, drawn in one call in this order.
_PAIR_DRAWS = ("encounter", "sought", "introduction", *(f"form_{g}" for g in range(N_FORMS)),
               *(f"outcome_{name}" for name in OUTCOME_DRAWS))  # fmt: skip
_ROW = {name: i for i, name in enumerate(_PAIR_DRAWS)}
#: Rows of the weekly uniform block over actors.
_ACTOR_DRAWS = ("hours", "forum", "leave", "join")
_AROW = {name: i for i, name in enumerate(_ACTOR_DRAWS)}


def _palette_measures() -> tuple[tuple[str, ...], np.ndarray]:
    """The tie measures as rows of a (measures, 256) 0/1 matrix over palettes: the byte
    ``numpy.packbits`` makes of a pair's forms 1-5 (form 1 the highest bit)."""
    byte = np.arange(256)
    held = np.array([(byte >> (8 - f)) & 1 for f in FORMS])  # (5, 256)
    n_held = held.sum(axis=0)
    deepest = np.where(n_held > 0, N_FORMS - 1 - np.argmax(held[::-1], axis=0), 0)
    rows = {
        **{f"ties_{f.id}": held[i] for i, f in enumerate(FORMS)},
        "ties_any": n_held > 0,
        "ties_total": n_held,
        "multiplex_pairs": n_held > 1,
        **{f"deepest_{f.id}": deepest == f for f in FORMS},
    }
    return tuple(rows), np.array(list(rows.values()), dtype=np.int64)


_TIE_MEASURES, _PALETTE_MEASURES = _palette_measures()
#: ``_PALETTE_MEASURES`` at the 32 bytes a palette can be (multiples of 8), as (32, measures).
_PALETTE_MEASURES_32 = np.ascontiguousarray(_PALETTE_MEASURES[:, ::8].T)
#: A forum attended by fewer than this share of its lively attendance counts as gone.


def weekly_schedule(centre) -> None:
    """The submodels of a week, in the order of the ODD's process overview (§ 3), after
    the week's draws: for one centre (:class:`CentreModel`) or a batch of seeds
    (:class:`model.batch.SeedBatch`), which has the same submodels."""
    centre.apply_funding_expiry()
    centre.vary_volunteer_hours()
    centre.allocate_hours()
    contact = centre.meet()
    centre.update_forms()
    centre.enforce_hour_budgets()
    centre.continue_handover()
    outcomes = centre.realise_outcomes()
    centre.end_concluded_efforts(outcomes)
    centre.update_relations(contact, outcomes)
    centre.volunteer_turnover(outcomes)
    centre.serve_residents(outcomes)
    centre.advance_clocks(outcomes)
    centre.collect_statistics(outcomes)


class CentreModel(mesa.Model):
    """One medborgercenter over weeks.

    Args:
        centre: the centre's frame and actors; ``None`` is a small generic mixed centre.
        **drivers: the four drivers (``model.drivers.DRIVERS``: co_location, coordinator,
            leadership_support, core_load); a driver left out or ``None`` takes the
            centre's own value.
        params: mechanism parameters; ``None`` = defaults.
        events: timed interventions (:class:`model.events.EventSpec`), e.g. the
            coordinator stopping in week 52.
        engine: ``vectorised``, ``reference`` (per-pair loops, for verification) or
            ``compiled`` (numba loops, ``model/compiled.py``); all three give identical runs.
        rng: seed or numpy Generator; same seed and inputs give the same run.
    """

    def __init__(
        self,
        *,
        centre: CentreSpec | None = None,
        params: ModelParams | None = None,
        events: list | None = None,
        engine: str = "vectorised",
        rng=None,
        **drivers: float | bool | None,
    ):
        super().__init__(rng=rng)
        self.centre = centre if centre is not None else CentreSpec()
        validate_once(self.centre)
        self.params = params if params is not None else ModelParams()
        validate_once(self.params)
        self.kernels = get_kernels(engine)
        self.drivers = resolve_drivers(self.centre, drivers)

        self.shared_places = self.centre.shared_places
        self.interventions: list[tuple[int, str]] = []
        self.closed_slots = np.zeros(len(SLOTS), dtype=bool)
        self.handovers = Handovers()

        n_start = sum(g.count for g in self.centre.actor_groups if g.arrive_week == 0)
        self.actor_table = ActorTable(max(n_start, 2))
        self.pairs = PairState(max(n_start, 2))
        self.actor_by_row: list[Actor] = []
        self._organisations: dict[str, int] = {}
        self._add_actors(self._initial_rows(), week=0)
        self.apply_known_relations(self.centre.relations)

        # The coordinating role and the forum (ODD § 7.3): held and convened by actors.
        self.coordinator_hours = float(self.centre.coordinator_hours)
        self.coordinator_row = -1
        self.coordinator_active = False
        if self.drivers.coordinator:
            self._take_up_coordination(self.centre.coordinator_holder)
        self.forum_exists = bool(self.centre.forum)
        self.forum_convener_row = self._row_named(self.centre.forum_convener)
        self.forum_vitality = 1.0 if (self.forum_exists or self.coordinator_active) else 0.0
        self.role_hours = 0.0
        self.coverage = 0.0

        self._keep_alive = []  # Mesa holds scheduled callbacks weakly
        for group in self.centre.actor_groups:
            if group.arrive_week > 0:
                self.schedule_at_week(group.arrive_week, self.add_actors, group)
        schedule_events(self, list(events or []))

        self.stats: dict[str, float] = {}
        self.datacollector = WeeklyRecord(WEEKLY_MEASURES)
        self.allocate_hours()
        self.hours_used = np.zeros(self.actor_table.capacity)
        self.outcomes = Outcomes.none(self.pairs.n_pairs)
        self.taken_up = np.zeros_like(self.pairs.held)
        self.residents = AreaResidents(self.centre.residents, self.params.residents, self.rng.spawn(1)[0])
        self.collect_statistics(self.outcomes)

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        """One week, in the order of the ODD's process overview."""
        self._draw_uniforms()
        weekly_schedule(self)

    def serve_residents(self, outcomes: Outcomes) -> None:
        """The residents' week (``model/residents.py``, ODD § 7.13)."""
        self.residents.serve_residents(self, outcomes)

    def _draw_uniforms(self) -> None:
        """All of this week's random numbers, in two blocks of fixed shape and order, so
        both engines (and a batch of seeds) see exactly the same draws."""
        self.u_actor = self.rng.random((len(_ACTOR_DRAWS), self.actor_table.capacity))
        # The pair block is refilled in place (the same numbers as a fresh array): at a
        # thousand actors it is 44 MB a week, and allocating it anew costs more than drawing.
        shape = (len(_PAIR_DRAWS), self.pairs.n_pairs)
        if getattr(self, "u_pair", None) is None or self.u_pair.shape != shape:
            self.u_pair = np.empty(shape)
        self.rng.random(out=self.u_pair)
        self.residents.draw_uniforms()

    @property
    def week(self) -> int:
        return self.steps

    @property
    def next_week(self) -> int:
        """The first week a change made now is in force (events run before their week)."""
        return int(np.floor(self.time)) + 1

    @property
    def present(self) -> np.ndarray:
        """Pairs whose two actors are both in the centre now (cached until someone
        arrives or leaves; do not modify the returned array)."""
        t = self.actor_table
        key = (t.n, int((t.left[: t.n] >= 0).sum()), self.pairs.capacity)
        if getattr(self, "_present_key", None) != key:
            active = self.actor_table.active
            self._present = active[self.pairs.iu] & active[self.pairs.ju]
            self._present_key = key
        return self._present

    @property
    def forum_meets(self) -> bool:
        """Meetings go on while a forum exists, a coordinator convenes them, or the habit
        of meeting has not yet thinned out."""
        habit = self.forum_vitality > self.params.forum_gone_vitality
        return self.forum_exists or self.coordinator_active or habit

    @property
    def system_level(self) -> float:
        """How far a system for collaboration runs (*Del 3*): the coordinator's coverage
        or a lively forum, whichever is more (0–1)."""
        forum = self.forum_vitality if self.forum_meets else 0.0
        return max(self.coverage, forum)

    # ----------------------------------------------------------- submodels
    def apply_funding_expiry(self) -> None:
        """Project-funded actors whose money ends this week lose development hours; a
        coordinating role that lived on that money ends unless it was handed over."""
        t = self.actor_table
        ends = (~t.permanent) & (t.funding_end >= 0) & (t.funding_end <= self.week) & t.active & ~t.expired
        t.expired |= ends
        if self.coordinator_active and self.coordinator_row >= 0 and ends[self.coordinator_row]:
            self._end_coordination("the coordinator's project money ends")

    def vary_volunteer_hours(self) -> None:
        """Volunteers give a different number of hours every week."""
        t = self.actor_table
        t.hours_factor = vary_volunteer_hours(t.kind, self.params, self.u_actor[_AROW["hours"]])

    def allocate_hours(self) -> None:
        """Each actor's hours for collaboration (all forms; binding forms) and mandate, less
        the coordinating role's hours and the expected hours at forum meetings."""
        t, prm = self.actor_table, self.params
        budget, binding = allocate_collaboration_hours(t, prm)
        self.role_hours = 0.0
        holder = self.coordinator_row
        if self.coordinator_active and holder >= 0 and t.active[holder]:
            self.role_hours = role_hours_available(self.coordinator_hours, binding[holder])
            binding[holder] -= self.role_hours
            budget[holder] -= self.role_hours
        n_here = int(t.active.sum())
        self.coverage = (
            coordinator_coverage(self.role_hours, n_here, prm) if self.coordinator_active else 0.0
        )
        if self.forum_meets:
            meeting = forum_hours(t.forum_attendance, self.forum_vitality,
                                  self.centre.forum_interval_weeks, prm) * (budget > 0)  # fmt: skip
            budget = np.maximum(budget - meeting, 0.0)
            binding = np.minimum(binding, budget)
        self.budget, self.binding_budget = budget, binding
        self.mandate = deep_form_mandate(t.leadership, t.expired, prm)

    def _week_context(self) -> Week:
        level = self.system_level
        return Week(
            present=self.present,
            budget=self.budget,
            binding_budget=self.binding_budget,
            mandate=self.mandate,
            shared_places=self.shared_places,
            overview=level,
            upkeep=level,
            booking=level,
            introductions=(
                introductions_this_week(self.role_hours, self.params) if self.coordinator_active else 0
            ),
            newcomer_pair=self.newcomer_pairs(),
            at_forum=np.zeros(self.pairs.n_pairs, dtype=bool),
        )

    def meet(self) -> np.ndarray:
        """Encounters, sought contacts, forum meetings and introductions; returns the pairs
        in contact this week."""
        k, p, t = self.kernels, self.pairs, self.actor_table
        self.this_week = week = self._week_context()
        u = self.u_pair
        encountered = k.draw_encounters(p, week, self.params, u[_ROW["encounter"]])
        sought = k.seek_contacts(p, week, self.params, u[_ROW["sought"]])
        if self.forum_meets and self.week % self.centre.forum_interval_weeks == 0:
            convened = self.coordinator_active or (
                self.forum_exists and self.forum_convener_row >= 0
                and bool(t.active[self.forum_convener_row])
            )  # fmt: skip
            self.forum_vitality = convene_forum(self.forum_vitality, convened, self.params)
            attend = select_forum_attendees(t, self.budget, self.forum_vitality, self.u_actor[_AROW["forum"]])
            week.at_forum = attend[p.iu] & attend[p.ju]
        introduced = k.choose_introductions(p, week, self.params, u[_ROW["introduction"]])
        encountered = self.residents.add_links(self, encountered)
        contacts = {"introduced": introduced, "encountered": encountered, "sought": sought,
                    "at_forum": week.at_forum}  # fmt: skip
        p.familiarity = k.learn_from_contact(p, contacts, self.params)
        week.cost = k.form_costs(p, self.params, week.upkeep)  # knowing each other better makes work cheaper
        self.last_contact = encountered | sought | week.at_forum | introduced
        self.last_introduced = introduced
        return self.last_contact

    def newcomer_pairs(self) -> np.ndarray:
        """Pairs with an actor who arrived within the last ``newcomer_weeks``."""
        t, p = self.actor_table, self.pairs
        new = t.active & (t.arrived > 0) & (self.week - t.arrived < self.params.newcomer_weeks)
        return new[p.iu] | new[p.ju]

    def update_forms(self) -> None:
        """Each pair takes up eligible forms it does not hold and drops held forms whose
        conditions are lost (a palette, ODD § 7.4)."""
        k, p, t, week = self.kernels, self.pairs, self.actor_table, self.this_week
        used, used_binding = k.hours_in_use(p.held, week.cost, p.iu, p.ju, t.capacity)
        u = self.u_pair[_ROW["form_0"]: _ROW["form_0"] + N_FORMS]
        before = p.held
        p.held = k.take_up_and_drop(p, t, week, self.params, self.budget - used,
                                    self.binding_budget - used_binding, u)  # fmt: skip
        self.taken_up = p.held & ~before  # observers read what was taken up this week

    def enforce_hour_budgets(self) -> None:
        """No actor spends more hours than it has: the least valued commitments give way."""
        k, p, t, week = self.kernels, self.pairs, self.actor_table, self.this_week
        priority = p.familiarity + p.trust + p.overlap
        p.held = k.enforce_hour_budgets(p.held, week.cost, priority, self.budget,
                                        self.binding_budget, p.iu, p.ju)  # fmt: skip
        self.hours_used, _ = k.hours_in_use(p.held, week.cost, p.iu, p.ju, t.capacity)

    def continue_handover(self) -> None:
        """Permanent colleagues go on taking over the relations of actors who left."""
        fam, trust, spent = self.kernels.continue_handover(
            self.pairs, self.actor_table, self.handovers, self.budget - self.hours_used, self.params
        )
        self.pairs.familiarity, self.pairs.trust = fam, trust
        self.hours_used = self.hours_used + spent

    def realise_outcomes(self) -> Outcomes:
        """Referrals, exchanges, concluded joint efforts and new initiatives of this week."""
        u = {name: self.u_pair[_ROW[f"outcome_{name}"]] for name in OUTCOME_DRAWS}
        self.outcomes = self.kernels.realise_outcomes(self.pairs, self.actor_table, self.this_week,
                                                      self.params, u)  # fmt: skip
        return self.outcomes

    def end_concluded_efforts(self, outcomes: Outcomes) -> None:
        """A concluded joint action or co-creation ends; the pair keeps its other forms and
        may take the binding form up again later."""
        p = self.pairs
        p.held[Form.JOINT_ACTION] &= ~outcomes.joint_ended
        p.held[Form.CO_CREATION] &= ~outcomes.cocreation_ended

    def update_relations(self, contact: np.ndarray, outcomes: Outcomes) -> None:
        """Trust from work, successes and failures; fading without contact; shared
        understanding from aligning, working together and forum meetings."""
        k, p, week = self.kernels, self.pairs, self.this_week
        working = working_together(p, outcomes.referral, contact)
        p.trust = k.update_trust(p, working, outcomes.successes, outcomes.failures, self.params)
        p.familiarity, p.trust = k.fade_relations(p, contact | working, week, self.params)
        p.understanding = k.build_understanding(p, week.at_forum, week, self.params)

    def volunteer_turnover(self, outcomes: Outcomes) -> None:
        """Enthusiasts stop (sooner when they carry much) and join (more where activities
        are visible); an association whose last enthusiast stops dissolves."""
        t, p = self.actor_table, self.pairs
        won = count_per_actor(outcomes.successes, p.iu, p.ju, t.capacity)
        t.recent_successes = remember_successes(t.recent_successes, won, self.params)
        saturation = np.clip(self.hours_used / np.maximum(self.budget, 1e-9), 0.0, 1.0)
        t.enthusiasts = volunteer_turnover(t, saturation, self.params, self.u_actor[_AROW["leave"]],
                                           self.u_actor[_AROW["join"]])  # fmt: skip
        dissolved = np.flatnonzero(t.active & (t.kind == ActorKind.VOLUNTEER) & (t.enthusiasts <= 0))
        for row in dissolved:
            self._actor_leaves(int(row), "its last volunteers stopped", week=self.week + 1)

    def advance_clocks(self, outcomes: Outcomes) -> None:
        """Weeks each form has been held, co-creation weeks, success and failure counts."""
        self.kernels.advance_pair_clocks(self.pairs, outcomes.successes, outcomes.failures)

    def collect_statistics(self, outcomes: Outcomes) -> None:
        """This week's measures (``WEEKLY_MEASURES``) into ``stats`` and the data collector."""
        t = self.actor_table
        # Present pairs counted by palette (forms 1-5 as bits); every tie measure is then a
        # sum over the 32 possible palettes (``_PALETTE_MEASURES``).
        _, palettes, events, n_present, trust, familiarity = self.kernels.tally_pairs(
            self.pairs, t.active, outcomes)
        counts = (_PALETTE_MEASURES_32.T @ palettes).tolist()
        stats: dict[str, float] = dict(zip(_TIE_MEASURES, counts, strict=True))
        if n_present:
            stats["mean_trust"] = trust / n_present  # = .mean(), bit for bit
            stats["mean_familiarity"] = familiarity / n_present
        else:
            stats["mean_trust"] = stats["mean_familiarity"] = float("nan")
        stats["coordinator_active"] = bool(self.coordinator_active)
        stats["coordinator_hours"] = float(self.role_hours)
        stats["coordinator_coverage"] = float(self.coverage)
        forum_meets = self.forum_meets
        stats["forum_active"] = bool(forum_meets)
        stats["forum_vitality"] = float(self.forum_vitality if forum_meets else 0.0)
        stats["n_actors"] = int(np.count_nonzero(t.active))
        volunteers = t.active & (t.kind == ActorKind.VOLUNTEER)
        stats["volunteer_enthusiasts"] = int(t.enthusiasts[volunteers].sum())
        n = dict(zip(Outcomes.__dataclass_fields__, events.tolist(), strict=True))
        stats["referrals"] = n["referral"]
        stats["resources_shared"] = n["exchange_success"]
        stats["joint_offers"] = n["joint_offer"]
        stats["new_initiatives"] = n["new_initiative"]
        stats["failed_efforts"] = n["exchange_failure"] + n["joint_failure"] + n["cocreation_failure"]
        stats["hours_available"] = float(self.budget.sum())
        stats["hours_used"] = float(self.hours_used.sum())
        stats.update(self.residents.last)
        self.stats = stats
        self.datacollector.collect(self)

    # ------------------------------------------------------------- interventions
    def schedule_at_week(self, week: float, function, *args) -> None:
        """Run ``function(*args)`` at the start of ``week``, before that week's update."""
        callback = partial(function, *args)
        self._keep_alive.append(callback)
        self.schedule_event(callback, at=week - 0.5)

    def _note(self, what: str, week: int | None = None) -> None:
        self.interventions.append((self.next_week if week is None else week, what))

    def _row_named(self, name: str | None) -> int:
        if name is None:
            return -1
        rows = self._rows_of(names=[name])
        return int(rows[0]) if len(rows) else -1

    def _take_up_coordination(self, holder: str | None) -> bool:
        t = self.actor_table
        row = self._row_named(holder) if holder else default_holder(t.kind, t.active, t.permanent)
        if row < 0 or not t.active[row]:
            return False
        self.coordinator_row, self.coordinator_active = row, True
        return True

    def _end_coordination(self, why: str) -> None:
        self.coordinator_active = False
        self._note(f"coordinator stops ({why})")

    def set_coordinator(self, active: bool, holder: str | None = None) -> None:
        """Start or stop the coordinating function (*tovholder*); a start gives the role
        to ``holder`` (by name) or to a housing-social employee."""
        if not active:
            self.coordinator_active = False
            self._note("coordinator stops")
            return
        if self._take_up_coordination(holder):
            name = self.actor_by_row[self.coordinator_row].name
            self._note(f"coordinator starts ({name} holds the role)")
        else:
            self._note("coordinator cannot start: nobody to hold the role")

    def hand_over_coordination(self, holder: str) -> None:
        """Give the coordinating role to another actor (e.g. before project money ends)."""
        row = self._row_named(holder)
        if row < 0:
            raise InputError("names", holder, "an actor present in the centre")
        self.coordinator_row, self.coordinator_active = row, True
        self._note(f"coordination handed over to {holder}")

    def set_forum(self, active: bool, convener: str | None = None) -> None:
        """Found or dissolve a standing forum such as the house council (*husråd*)."""
        self.forum_exists = bool(active)
        if active:
            self.forum_vitality = 1.0
            if convener is not None:
                self.forum_convener_row = self._row_named(convener)
        else:
            self.forum_vitality = 0.0
        self._note("forum founded" if active else "forum dissolved")

    def set_leadership_support(self, value: float, kind: str | None = None) -> None:
        """Set the leadership support of all actors, or of one kind, to ``value``."""
        check_unit("leadership_support", value)
        rows = self._rows_of(kind)
        self.actor_table.leadership[rows] = value
        self._note(f"leadership support {kind or 'all'} → {value:.2f}")

    def end_project_funding(self, kind: str | None = None, names: list[str] | None = None) -> int:
        """Project money ends now for project-funded actors (of a kind, or by name)."""
        t = self.actor_table
        rows = self._rows_of(kind, names)
        rows = rows[~t.permanent[rows]]
        t.funding_end[rows] = self.next_week
        self._note(f"project funding ends ({len(rows)} actors)")
        return len(rows)

    def _rows_of(self, kind: str | None = None, names: list[str] | None = None) -> np.ndarray:
        t = self.actor_table
        rows = np.flatnonzero(t.active[: t.n])
        if kind is not None:
            rows = rows[t.kind[rows] == ActorKind.from_id(kind)]
        if names is not None:
            known = {a.name: a.row for a in self.actor_by_row}
            unknown = [n for n in names if n not in known]
            if unknown:
                raise InputError("names", unknown, "names of actors in the centre")
            rows = np.intersect1d(rows, [known[n] for n in names])
        return rows

    def add_actors(self, group: ActorGroup) -> list[Actor]:
        """New actors arrive (e.g. new tenants) and start as strangers to everyone."""
        group.validate()
        rows = self._new_rows(group, at_start=False)
        actors = self._add_actors(rows, week=self.next_week)
        self._note(f"{len(actors)} {group.kind} actor(s) arrive")
        return actors

    def remove_actor(self, name: str) -> None:
        """An actor leaves: permanent colleagues start taking over its relations, its pairs
        end, its row keeps its history."""
        row = self._rows_of(names=[name])
        if len(row) == 0:
            raise InputError("name", name, "an actor present in the centre")
        self._actor_leaves(int(row[0]), "leaves")

    def _actor_leaves(self, row: int, why: str, week: int | None = None) -> None:
        t = self.actor_table
        start_handover(self.pairs, t, row, self.handovers, self.params)
        t.active[row] = False
        t.left[row] = self.next_week if week is None else week
        self.pairs.reset_pairs_of(row)
        name = self.actor_by_row[row].name
        if self.coordinator_active and row == self.coordinator_row:
            self._end_coordination(f"{name}, who held the role, is gone")
        if row == self.forum_convener_row:
            self.forum_convener_row = -1
        self._note(f"{name} {why}", week)

    # ------------------------------------------------------------ initialisation
    def _initial_rows(self) -> list[dict]:
        rows: list[dict] = []
        for group in self.centre.actor_groups:
            if group.arrive_week == 0:
                rows += self._new_rows(group, at_start=True)
        # The co-location share decides who is housed in the centre: actors are ranked by
        # their kind's propensity plus a random jitter; a group's fixed co_located flag
        # puts its actors first (True) or last (False) in that ranking, so a preset's
        # facts hold at its own share while a driver override still moves everyone.
        n_housed = round(self.drivers.co_location * len(rows))
        fixed = np.array([0.0 if r["fixed_co_located"] is None else
                          (2.0 if r["fixed_co_located"] else -2.0) for r in rows])  # fmt: skip
        rank = (np.array([r["propensity"] for r in rows]) + fixed
                + self.rng.uniform(0, 0.5, len(rows)))  # fmt: skip
        housed = set(np.argsort(-rank, kind="stable")[:n_housed].tolist())
        for i, r in enumerate(rows):
            r["co_located"] = i in housed
        return rows

    def _new_rows(self, group: ActorGroup, at_start: bool) -> list[dict]:
        """Draw the traits of a group's actors; at the start, co-location is decided later
        for all actors together (``_initial_rows``)."""
        if group.count == 0:
            return []  # nothing drawn, and no organisation id taken
        shared, typical = self._group_traits(group)
        rng, prm = self.rng, self.params
        upper = {"core_load": prm.max_core_load}
        rows = []
        for _ in range(group.count):
            # Each actor's draws, in this order: two target groups (unless the group names
            # them), then the noise around its four traits (``_NOISY_TRAITS``).
            if group.target_groups:
                targets = shared["targets"]
            else:
                picked = sample_without_replacement(rng, len(TARGET_GROUPS), 2)
                targets = bitmask([TARGET_GROUPS[i] for i in picked], TARGET_GROUPS, "target_groups")
            noise = rng.normal(0, prm.actor_spread, len(_NOISY_TRAITS)).tolist()
            row = {**shared, "targets": targets}
            for trait, value, e in zip(_NOISY_TRAITS, typical, noise, strict=True):
                row[trait] = _clip(value + e, 0.0, upper.get(trait, 1.0))
            if not at_start:
                row["co_located"] = (
                    group.co_located
                    if group.co_located is not None
                    else bool(rng.random() < self.drivers.co_location)
                )
            rows.append(row)
        return rows

    def _group_traits(self, group: ActorGroup) -> tuple[dict, tuple[float, ...]]:
        """What all actors of a group share, and the typical values their ``_NOISY_TRAITS``
        are drawn around: worked out once per group, not once per actor."""
        kind = ActorKind.from_id(group.kind)
        profile = KIND_PROFILES[kind]
        pick = _or_default
        funding = group.funding or ("permanent" if profile.permanent else "project")
        prefix = group.name or group.kind
        shared = {
            "kind": int(kind),
            "capacity_hours": float(pick(group.capacity_hours, profile.capacity_hours)),
            "forum_attendance": profile.forum_attendance,
            "permanent": funding == "permanent",
            "funding_end": (
                -1 if funding == "permanent" or group.funding_end_week is None else group.funding_end_week
            ),
            "expired": False,
            "offers": bitmask(pick(group.offers, list(profile.offers)), RESOURCES, "offers"),
            "needs": bitmask(pick(group.needs, list(profile.needs)), RESOURCES, "needs"),
            "targets": bitmask(list(group.target_groups), TARGET_GROUPS, "target_groups"),  # if named
            "presence_pattern": pick(group.presence, profile.presence),
            "propensity": pick(group.co_location_propensity, profile.co_location_propensity),
            "fixed_co_located": group.co_located,
            "days": group.days,
            "affinity": np.array([1.0, *profile.form_affinity]),  # copied into the table
            "name": prefix,
            "group": prefix,
            "exact_name": group.exact_name,
            "organisation": self._organisation_id(group.organisation or prefix),
            "enthusiasts": pick(group.enthusiasts, 2 if group.kind == "volunteer" else 1),
        }
        # Summed in the order the traits were always summed: (driver + offset) + noise.
        typical = (
            self.drivers.core_load + pick(group.core_load_offset, profile.core_load_offset),
            self.drivers.leadership_support + pick(group.leadership_offset, profile.leadership_offset),
            pick(group.risk_willingness, profile.risk_willingness),
            pick(group.cocreation_experience, profile.cocreation_experience),
        )
        return shared, typical

    def _presence_for(self, pattern: str, co_located: bool, days=None) -> np.ndarray:
        """Slots in the house: most working slots if housed, two if using it ad hoc; with
        given ``days``, every open slot of the pattern on those days."""
        candidates = _candidate_slots(self.centre.opening, pattern, self.closed_slots.tobytes())
        presence = np.zeros(len(SLOTS), dtype=bool)
        if days is not None:
            presence[candidates[_slots_on_days(tuple(days))[candidates]]] = True
            return presence
        rng = self.rng
        if co_located:
            presence[candidates[rng.random(len(candidates)) < self.params.housed_presence]] = True
            presence[candidates[rng.integers(len(candidates))]] = True  # = rng.choice(candidates)
        else:
            n = len(candidates)
            presence[candidates[sample_without_replacement(rng, n, min(2, n))]] = True
        return presence

    def _add_actors(self, rows: list[dict], week: int) -> list[Actor]:
        t, p = self.actor_table, self.pairs
        counters: dict[str, int] = {}
        for a in self.actor_by_row:
            counters[a.group] = counters.get(a.group, 0) + 1
        # Presence is drawn actor by actor in row order, then all rows go in at once.
        presence = [self._presence_for(r["presence_pattern"], r["co_located"], r["days"]) for r in rows]
        columns: dict = {name: [r[name] for r in rows] for name in _TABLE_TRAITS}
        columns.update(active=True, arrived=week, left=-1)
        table_rows = t.extend(columns, presence, [r["affinity"] for r in rows])
        new_actors = []
        for row, r in zip(table_rows, rows, strict=True):
            actor = Actor(self, row, actor_name(r["name"], r["exact_name"], counters), r["group"])
            self.actor_by_row.append(actor)
            new_actors.append(actor)
        if t.capacity > p.capacity:
            p.grow(t.capacity)
        self._introduce_rows([a.row for a in new_actors])
        self.refresh_pair_attributes()
        return new_actors

    def _organisation_id(self, name: str) -> int:
        return self._organisations.setdefault(name, len(self._organisations))

    def apply_known_relations(self, relations: list[KnownRelation]) -> None:
        """Start known relations (the centre's own mapping) in their forms, with
        familiarity, trust and shared understanding at least what each form needs."""
        p, prm = self.pairs, self.params
        rows = {a.name: a.row for a in self.actor_by_row}
        for relation in relations:
            form = Form.from_id(relation.form)
            k = condensed_index(rows[relation.source], rows[relation.target], p.capacity)
            p.held[form, k] = True
            p.familiarity[k] = max(p.familiarity[k], prm.familiarity_to_enter[form])
            p.trust[k] = max(p.trust[k], prm.trust_to_enter[form])
            p.understanding[k] = max(p.understanding[k], prm.understanding_to_enter[form])
            if form == Form.CO_CREATION:
                # Co-creation grows out of earlier successes (*Samskabe*): a mapped
                # co-creating pair has them.
                p.successes[k] = max(p.successes[k], prm.successes_for_cocreation)

    def _introduce_rows(self, rows: list[int]) -> None:
        """Starting familiarity and trust of the new actors' pairs: strangers, except
        colleagues of one organisation (municipal administrations are silos)."""
        if not rows:
            return
        p, t, prm = self.pairs, self.actor_table, self.params
        new = np.zeros(p.capacity, dtype=bool)
        new[rows] = True
        ks = np.flatnonzero(new[p.iu] | new[p.ju])
        colleagues = t.organisation[p.iu[ks]] == t.organisation[p.ju[ks]]
        p.reset_pairs(ks)
        p.familiarity[ks] = (
            prm.initial_familiarity + prm.same_organisation_familiarity * colleagues
            + self.rng.uniform(0, prm.introduction_familiarity_spread, len(ks))
        )
        spread = prm.baseline_trust_spread
        p.trust[ks] = np.clip(prm.baseline_trust + self.rng.uniform(-spread, spread, len(ks)), 0, 1)

    def refresh_pair_attributes(self) -> None:
        """Recompute the static pair fields after actors or their presence changed."""
        p, t = self.pairs, self.actor_table
        presence = t.presence[: p.capacity].astype(np.float64)
        common = (presence @ presence.T)[p.iu, p.ju]
        p.overlap = common / presence.shape[1]
        shared = np.bitwise_count(t.targets[p.iu] & t.targets[p.ju]).astype(np.int8)
        p.shared_targets = shared
        p.complementary = ((t.offers[p.iu] & t.needs[p.ju]) | (t.offers[p.ju] & t.needs[p.iu])) != 0
        p.interdependence = 0.5 * np.minimum(shared / 2.0, 1.0) + 0.5 * p.complementary
        housed = np.where(t.co_located, 1.0, self.params.adhoc_encounter_factor)
        p.colocation_factor = housed[p.iu] * housed[p.ju]
        p.reach_factor = reach_factor(p.overlap, self.params)

    def funder_pulls_out(self, share: float | None = None) -> None:
        """A contributor to split operating money withdraws (*kludetæppe*, Aarhus): the
        house loses that share of shared places and of its opening slots."""
        share = 1.0 / self.centre.funders if share is None else share
        check_unit("share", share)
        self.shared_places *= 1.0 - share
        t = self.actor_table
        open_slots = np.flatnonzero(t.presence[: t.n].any(axis=0))
        n_close = min(int(round(share * len(open_slots))), len(open_slots) - 1)
        if n_close > 0:
            # The latest slots of the week close first (evenings, Friday).
            t.presence[:, open_slots[-n_close:]] = False
            self.closed_slots[open_slots[-n_close:]] = True
        self.refresh_pair_attributes()
        self._note(f"a funder pulls out ({share:.0%} of operating money)")

    def cut_presence(self, name: str | None = None, kind: str | None = None, share: float = 0.5):
        """Cut an actor's (or a kind's) time in the house by ``share`` of its slots."""
        check_unit("share", share)
        t = self.actor_table
        for row in self._rows_of(kind, [name] if name else None):
            slots = np.flatnonzero(t.presence[row])
            n_cut = min(int(round(share * len(slots))), len(slots) - 1)
            if n_cut > 0:
                t.presence[row, self.rng.choice(slots, size=n_cut, replace=False)] = False
        self.refresh_pair_attributes()
        self._note(f"time in the house cut by {share:.0%} ({name or kind or 'all'})")

    # ------------------------------------------------------------------ outputs
    def actors_frame(self):
        """One record per actor ever in the centre, with its end state."""
        t = self.actor_table
        tied = self.pairs.tied
        degree = np.bincount(self.pairs.iu[tied], minlength=t.capacity) + np.bincount(
            self.pairs.ju[tied], minlength=t.capacity
        )
        organisation_of = {i: name for name, i in self._organisations.items()}
        records = []
        for a in self.actor_by_row:
            r = a.row
            records.append({
                "actor_id": r,
                "name": a.name,
                "kind": ActorKind(int(t.kind[r])).id,
                "organisation": organisation_of[int(t.organisation[r])],
                "arrived_step": int(t.arrived[r]),
                "left_step": None if t.left[r] < 0 else int(t.left[r]),
                "degree": int(degree[r]),
                "co_located": bool(t.co_located[r]),
                "capacity_hours": float(t.capacity_hours[r]),
                "enthusiasts": int(t.enthusiasts[r]) if t.kind[r] == ActorKind.VOLUNTEER else None,
                "core_load": float(t.core_load[r]),
                "leadership_support": float(t.leadership[r]),
                "permanent_funding": bool(t.permanent[r]),
                "funding_expired": bool(t.expired[r]),
                "coordinator": bool(self.coordinator_active and r == self.coordinator_row),
                "collaboration_hours": float(self.budget[r]),
                "hours_used": float(self.hours_used[r]),
                "presence_slots": int(t.presence[r].sum()),
            })  # fmt: skip
        return records

    def ties_frame(self):
        """Every held form of every present pair: one row per pair and form."""
        p = self.pairs
        g, ks = np.nonzero(p.held[:, :] & self.present[None, :])
        order = np.lexsort((g, ks))
        g, ks = g[order], ks[order]
        return {
            "source": p.iu[ks].astype(np.int64),
            "target": p.ju[ks].astype(np.int64),
            "form": _FORM_IDS[g],
            "deepest": _FORM_IDS[p.deepest[ks]],
            "trust": p.trust[ks],
            "weeks_in_form": p.weeks_held[g, ks].astype(np.int64),
            "familiarity": p.familiarity[ks],
            "understanding": p.understanding[ks],
            "successes": p.successes[ks].astype(np.int64),
            "failures": p.failures[ks].astype(np.int64),
        }


#: Each form's id at its value (``_FORM_IDS[g]``: the ids of an array of forms at once).
_FORM_IDS = np.array([Form(g).id for g in range(len(Form))], dtype=object)
#: Actor traits drawn as a typical value plus noise, in the order each actor draws the noise.
_NOISY_TRAITS = ("core_load", "leadership", "risk_willingness", "cocreation_experience")
#: Fields of a new row that go into the actor table as they are.
_TABLE_TRAITS = (
    "kind", "capacity_hours", "core_load", "leadership", "risk_willingness",
    "cocreation_experience", "forum_attendance", "permanent", "funding_end",
    "expired", "offers", "needs", "targets", "co_located", "organisation",
    "enthusiasts",
)  # fmt: skip


@lru_cache(maxsize=256)  # every actor of every build asks; there are few combinations
def _candidate_slots(opening: str, pattern: str, closed: bytes) -> np.ndarray:
    """The slots an actor of a presence ``pattern`` may be in: those of the pattern that
    are open (in the centre's ``opening`` and not ``closed``, a bool array's bytes, since a
    funder pulled out), or every open slot if none of the pattern's is. Read-only, as it is
    shared."""
    open_slots = np.array(slot_mask(PRESENCE_PATTERNS[opening])) & ~np.frombuffer(closed, dtype=bool)
    candidates = np.flatnonzero(np.array(slot_mask(PRESENCE_PATTERNS[pattern])) & open_slots)
    if len(candidates) == 0:
        candidates = np.flatnonzero(open_slots)
    candidates.setflags(write=False)
    return candidates


@cache
def _slots_on_days(days: tuple[str, ...]) -> np.ndarray:
    """Booleans over ``SLOTS``: which slots fall on ``days`` (read-only, as it is shared)."""
    on_days = np.array([slot.split("_")[0] in days for slot in SLOTS])
    on_days.setflags(write=False)
    return on_days


def _or_default(value, default):
    """A group's own value, or its kind's default where the group leaves it ``None``."""
    return default if value is None else value


def _clip(value: float, lo: float, hi: float) -> float:
    return float(min(max(value, lo), hi))


__all__ = ["CentreModel", "Drivers", "WEEKLY_MEASURES"]
