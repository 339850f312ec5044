"""The medborgercenter model: actors, their pairwise relations and the weekly schedule.

Source: Center for Boligsocial Udvikling (2019), *Medborgercentre i udsatte boligområder*.
The centre is a *generative mechanism* (*Opsamling*, Figure 1): a physical frame gathers
actors and lowers the cost of reaching each other, but collaboration only grows where
actors actively use each other. One step is one week; ``docs/ODD.md`` describes every
submodel named in :meth:`CentreModel.step`, in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from .actor_table import ActorTable
from .actors import Actor
from .centre import ActorGroup, CentreSpec, KnownRelation, actor_name
from .encounters import select_forum_attendees
from .events import schedule_events
from .forms import FORMS, Form
from .hours import (
    allocate_collaboration_hours,
    coordination_cost_factor,
    deep_form_mandate,
    hours_in_use,
    reach_factor,
)
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
from .outcomes import Outcomes
from .pairs import PairState, condensed_index
from .params import ModelParams
from .transitions import deepest_below
from .validation import InputError, check_unit

#: Measures recorded every week (``timeseries.parquet`` columns after ``seed``, ``step``).
WEEKLY_MEASURES: tuple[str, ...] = (
    *(f"ties_{f.id}" for f in FORMS),
    "ties_total",
    "mean_trust",
    "mean_familiarity",
    "coordinator_active",
    "forum_active",
    "n_actors",
    "referrals",
    "resources_shared",
    "joint_offers",
    "new_initiatives",
    "failed_efforts",
    "hours_available",
    "hours_used",
)


@dataclass(frozen=True)
class Drivers:
    """The four drivers of the design card, resolved against the centre's defaults."""

    co_location: float
    coordinator: bool
    leadership_support: float
    core_load: float


class CentreModel(mesa.Model):
    """One medborgercenter over weeks.

    Args:
        centre: the centre's frame and actors; ``None`` is a small generic mixed centre.
        co_location: share of actors housed in the centre (0–1); ``None`` = centre's.
        coordinator: whether a coordinating function runs at the start; ``None`` = centre's.
        leadership_support: mean backing from the actors' management (0–1).
        core_load: mean share of capacity taken by core tasks (0–1).
        params: mechanism parameters; ``None`` = defaults.
        events: timed interventions (:class:`model.events.EventSpec`), e.g. the
            coordinator stopping in week 52.
        engine: ``vectorised`` or ``reference`` (per-pair loops, for verification).
        rng: seed or numpy Generator; same seed and inputs give the same run.
    """

    def __init__(
        self,
        *,
        centre: CentreSpec | None = None,
        co_location: float | None = None,
        coordinator: bool | None = None,
        leadership_support: float | None = None,
        core_load: float | None = None,
        params: ModelParams | None = None,
        events: list | None = None,
        engine: str = "vectorised",
        rng=None,
    ):
        super().__init__(rng=rng)
        self.centre = centre if centre is not None else CentreSpec()
        self.centre.validate()
        self.params = params if params is not None else ModelParams()
        self.params.validate()
        self.kernels = get_kernels(engine)
        self.drivers = self._resolve_drivers(
            co_location, coordinator, leadership_support, core_load
        )

        self.coordinator_active = self.drivers.coordinator
        self.coordination = 1.0 if self.coordinator_active else 0.0
        self.forum_active = self.centre.forum
        self.shared_places = self.centre.shared_places
        self.interventions: list[tuple[int, str]] = []
        self.closed_slots = np.zeros(len(slot_mask(PRESENCE_PATTERNS["all"])), dtype=bool)

        n_start = sum(g.count for g in self.centre.actor_groups if g.arrive_week == 0)
        self.actor_table = ActorTable(max(n_start, 2))
        self.pairs = PairState(max(n_start, 2))
        self.actor_by_row: list[Actor] = []
        self._add_actors(self._initial_rows(), week=0)
        self.apply_known_relations(self.centre.relations)
        self._keep_alive = []  # Mesa holds scheduled callbacks weakly
        for group in self.centre.actor_groups:
            if group.arrive_week > 0:
                self.schedule_at_week(group.arrive_week, self.add_actors, group)
        schedule_events(self, list(events or []))

        self.budget = np.zeros(self.actor_table.capacity)
        self.hours_used = np.zeros(self.actor_table.capacity)
        self.stats: dict[str, float] = {}
        self.datacollector = mesa.DataCollector(
            model_reporters={m: _stat(m) for m in WEEKLY_MEASURES}
        )
        self._allocate_hours()
        self.collect_statistics(_empty_week(self.pairs.n_pairs))

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        """One week, in the order of the ODD's process overview."""
        self.apply_funding_expiry()
        self.update_coordination()
        self._allocate_hours()
        contact = self.meet()
        stay_eligible = self.update_forms()
        self.enforce_hour_budgets(stay_eligible)
        outcomes = self.realise_outcomes()
        self.end_concluded_efforts(outcomes, stay_eligible)
        self.update_relations(contact, outcomes)
        self.advance_clocks(outcomes)
        self.collect_statistics(outcomes)

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
    def system_active(self) -> bool:
        """A system for collaboration: a coordinator or a standing forum (*Del 3*)."""
        return self.coordinator_active or self.forum_active

    def update_coordination(self) -> None:
        """A coordinator's routines build up while it runs and wear off after it stops."""
        target = 1.0 if self.coordinator_active else 0.0
        self.coordination += (target - self.coordination) / self.params.coordination_weeks

    @property
    def upkeep(self) -> float:
        """How much relations are kept up for the actors: by a forum, or by coordination."""
        return 1.0 if self.forum_active else self.coordination

    def apply_funding_expiry(self) -> None:
        """Project-funded actors whose money ends this week lose development hours."""
        t = self.actor_table
        ends = (~t.permanent) & (t.funding_end >= 0) & (t.funding_end <= self.week) & t.active
        t.expired |= ends

    def _allocate_hours(self) -> None:
        t = self.actor_table
        self.budget = allocate_collaboration_hours(
            t.capacity_hours, t.core_load, t.leadership, t.expired, t.active, self.params
        )
        self.mandate = deep_form_mandate(t.leadership, t.expired, self.params)
        self.hours_used = hours_in_use(
            self.pairs.form, self.pairs.reach_factor, self.pairs.iu, self.pairs.ju, t.capacity,
            self.params, self.coordination,
        )

    def meet(self) -> np.ndarray:
        """Encounters, forum meetings and introductions; returns the pairs in contact."""
        k, p, t = self.kernels, self.pairs, self.actor_table
        present = self.present
        encountered = k.draw_encounters(
            p.familiarity, p.overlap, p.colocation_factor, present, self.shared_places,
            self.params, self.rng.random(p.n_pairs),
        )
        at_forum = np.zeros(p.n_pairs, dtype=bool)
        if self.forum_meets_this_week:
            attend = select_forum_attendees(
                t.active, t.forum_attendance, self.budget, self.rng.random(t.capacity)
            )
            at_forum = attend[p.iu] & attend[p.ju]
        introduced = np.zeros(p.n_pairs, dtype=bool)
        if self.coordinator_active:
            introduced = k.choose_introductions(
                p.familiarity, present, self.newcomer_pairs(), self.params,
                self.rng.random(p.n_pairs),
            )
        p.familiarity = k.learn_from_contact(
            p.familiarity, encountered, at_forum, introduced, self.params
        )
        self.last_contact = encountered | at_forum | introduced
        self.last_introduced = introduced
        return self.last_contact

    def newcomer_pairs(self) -> np.ndarray:
        """Pairs with an actor who arrived within the last ``newcomer_weeks``."""
        t, p = self.actor_table, self.pairs
        new = t.active & (t.arrived > 0) & (self.week - t.arrived < self.params.newcomer_weeks)
        return new[p.iu] | new[p.ju]

    @property
    def forum_meets_this_week(self) -> bool:
        """A forum meets every few weeks if the house has one or a coordinator convenes it."""
        return self.system_active and self.week % self.centre.forum_interval_weeks == 0

    def _pair_context(self) -> dict[str, np.ndarray]:
        p = self.pairs
        spare = self.budget - self.hours_used
        cost_factor = coordination_cost_factor(self.coordination, self.params)
        return {
            "mandate_product": self.mandate[p.iu] * self.mandate[p.ju],
            "can_lead": np.maximum(spare[p.iu], spare[p.ju])
            >= self.params.form_cost[Form.JOINT_ACTION] * cost_factor,
            "spare_i": spare[p.iu],
            "spare_j": spare[p.ju],
            "cost_factor": cost_factor,
        }

    def update_forms(self) -> np.ndarray:
        """Each pair moves up, down or stays; returns the stay-eligibility array."""
        k, p, t = self.kernels, self.pairs, self.actor_table
        present = self.present
        ctx = self._pair_context()
        common = (p.familiarity, p.trust, p.successes, p.shared_targets, p.complementary,
                  ctx["mandate_product"], ctx["can_lead"], present, self.params)  # fmt: skip
        enter = k.eligible_forms(*common, stay=False)
        stay = k.eligible_forms(*common, stay=True)
        target = k.next_deeper(p.form, enter)
        # Only pairs with a deeper eligible form can move up: compute their chance alone.
        c = np.flatnonzero(target > 0)
        i, j, g = p.iu[c], p.ju[c], target[c]
        housing_social = t.kind == ActorKind.HOUSING_SOCIAL
        chance = np.zeros(p.n_pairs)
        chance[c] = k.uptake_chance(
            g, p.form[c], np.sqrt(t.affinity[i, g] * t.affinity[j, g]), p.interdependence[c],
            p.overlap[c], ctx["mandate_product"][c],
            0.5 * (t.risk_willingness[i] + t.risk_willingness[j]),
            0.5 * (t.cocreation_experience[i] + t.cocreation_experience[j]),
            housing_social[i] | housing_social[j], self.system_active, self.params,
        )
        form_cost = np.asarray(self.params.form_cost)
        marginal = (form_cost[g] - form_cost[p.form[c]]) * ctx["cost_factor"] * p.reach_factor[c]
        hours_ok = np.zeros(p.n_pairs, dtype=bool)
        hours_ok[c] = (marginal <= ctx["spare_i"][c]) & (marginal <= ctx["spare_j"][c])
        # An introduction by the coordinator opens knowledge sharing even for busy actors;
        # if hours then do not suffice, enforce_hour_budgets decides which ties give way.
        hours_ok |= self.last_introduced & (target == Form.KNOWLEDGE_SHARING)
        new_form = k.update_forms(
            p.form, target, stay, chance, hours_ok, present, self.params,
            self.rng.random(p.n_pairs),
        )
        self._set_forms(new_form)
        return stay

    def enforce_hour_budgets(self, stay_eligible: np.ndarray) -> None:
        """No actor spends more hours on ties than it has; the least valued ties give way."""
        p = self.pairs
        priority = p.familiarity + p.trust + p.overlap
        if self.coordinator_active:
            # The coordinator makes clear why actors should spend time on newcomers
            # (*Del 1, Aalborg Øst*), so a newcomer's ties are not the first to give way.
            priority = priority + self.params.welcome_priority * self.newcomer_pairs()
        tied = np.flatnonzero(p.form > 0)  # untied pairs cost nothing and cannot change
        new_form = p.form.copy()
        new_form[tied] = self.kernels.enforce_hour_budgets(
            p.form[tied], stay_eligible[:, tied], priority[tied], p.reach_factor[tied],
            self.budget, p.iu[tied], p.ju[tied], self.params, self.coordination,
        )
        self._set_forms(new_form)
        self.hours_used = hours_in_use(
            p.form, p.reach_factor, p.iu, p.ju, self.actor_table.capacity, self.params,
            self.coordination,
        )

    def realise_outcomes(self):
        """Referrals, exchanges and concluded joint efforts of this week."""
        p, t = self.pairs, self.actor_table
        n = p.n_pairs
        u_event, u_success, u_novel = self.rng.random(n), self.rng.random(n), self.rng.random(n)
        # Knowledge sharing produces no outcome event: only pairs aligning or deeper draw.
        w = np.flatnonzero(p.form >= Form.ALIGNMENT)
        some = self.kernels.realise_outcomes(
            p.form[w], p.familiarity[w], p.trust[w], p.shared_targets[w], p.weeks_in_form[w],
            p.cocreation_weeks[w], t.permanent, t.cocreation_experience, p.iu[w], p.ju[w],
            self.system_active, self.params, u_event[w], u_success[w], u_novel[w],
        )
        outcomes = _empty_week(n)
        for name in Outcomes.__dataclass_fields__:
            mask = np.zeros(n, dtype=bool)
            mask[w] = getattr(some, name)
            setattr(outcomes, name, mask)
        return outcomes

    def end_concluded_efforts(self, outcomes, stay_eligible: np.ndarray) -> None:
        """A concluded joint action or co-creation ends; the pair returns to a shallower form."""
        p = self.pairs
        fallback = deepest_below(p.form, stay_eligible)
        self._set_forms(np.where(outcomes.ended, fallback, p.form).astype(np.int8))

    def update_relations(self, contact: np.ndarray, outcomes) -> None:
        """Trust from work, successes and failures; fading without contact."""
        k, p = self.kernels, self.pairs
        # Working together is contact: exchanges and joint efforts every week, alignment
        # when a resident is referred, knowledge sharing only when the two meet.
        working = (
            (p.form >= Form.RESOURCE_EXCHANGE)
            | ((p.form == Form.ALIGNMENT) & (outcomes.referral | contact))
            | ((p.form == Form.KNOWLEDGE_SHARING) & contact)
        )
        p.trust = k.update_trust(p.trust, working, outcomes.success, outcomes.failure, self.params)
        p.familiarity, p.trust = k.fade_relations(
            p.familiarity, p.trust, contact | working, self.present, self.upkeep,
            self.params,
        )

    def advance_clocks(self, outcomes) -> None:
        """Weeks in form, weeks co-created, success and failure counts."""
        p = self.pairs
        present = self.present
        p.weeks_in_form = np.where(present, p.weeks_in_form + 1, 0).astype(np.int32)
        p.cocreation_weeks += (p.form == Form.CO_CREATION).astype(np.int32)
        p.successes += outcomes.success.astype(np.int32)
        p.failures += outcomes.failure.astype(np.int32)

    def _set_forms(self, new_form: np.ndarray) -> None:
        p = self.pairs
        changed = new_form != p.form
        p.weeks_in_form = np.where(changed, 0, p.weeks_in_form).astype(np.int32)
        p.form = new_form.astype(np.int8)

    def collect_statistics(self, outcomes) -> None:
        """This week's measures (``WEEKLY_MEASURES``) into ``stats`` and the data collector."""
        p, t = self.pairs, self.actor_table
        present = self.present
        counts = np.bincount(p.form[present], minlength=len(Form))
        n_present = int(present.sum())
        stats: dict[str, float] = {f"ties_{f.id}": int(counts[f]) for f in FORMS}
        stats["ties_total"] = int(counts[1:].sum())
        stats["mean_trust"] = float(p.trust[present].mean()) if n_present else float("nan")
        stats["mean_familiarity"] = (
            float(p.familiarity[present].mean()) if n_present else float("nan")
        )
        stats["coordinator_active"] = bool(self.coordinator_active)
        stats["forum_active"] = bool(self.forum_active)
        stats["n_actors"] = int(t.active.sum())
        stats["referrals"] = int(outcomes.referral.sum())
        stats["resources_shared"] = int(outcomes.exchange_success.sum())
        stats["joint_offers"] = int(outcomes.joint_offer.sum())
        stats["new_initiatives"] = int(outcomes.new_initiative.sum())
        stats["failed_efforts"] = int(outcomes.failure.sum())
        stats["hours_available"] = float(self.budget.sum())
        stats["hours_used"] = float(self.hours_used.sum())
        self.stats = stats
        self.datacollector.collect(self)

    # ------------------------------------------------------------- interventions
    def schedule_at_week(self, week: float, function, *args) -> None:
        """Run ``function(*args)`` at the start of ``week``, before that week's update."""
        from functools import partial

        callback = partial(function, *args)
        self._keep_alive.append(callback)
        self.schedule_event(callback, at=week - 0.5)

    def _note(self, what: str) -> None:
        self.interventions.append((self.next_week, what))

    def set_coordinator(self, active: bool) -> None:
        """Start or stop the coordinating function (*tovholder*)."""
        self.coordinator_active = bool(active)
        self._note("coordinator starts" if active else "coordinator stops")

    def set_forum(self, active: bool) -> None:
        """Found or dissolve a standing forum such as the house council (*husråd*)."""
        self.forum_active = bool(active)
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
        t.expired[rows] = True
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
        """An actor leaves: its pairs end cleanly, its row keeps its history."""
        row = self._rows_of(names=[name])
        if len(row) == 0:
            raise InputError("name", name, "an actor present in the centre")
        self.hand_over_relations(int(row[0]))
        self.actor_table.active[row[0]] = False
        self.actor_table.left[row[0]] = self.next_week
        self.pairs.reset_pairs_of(int(row[0]))
        self._note(f"{name} leaves")

    def hand_over_relations(self, row: int) -> None:
        """Permanent partners of a leaving actor step in: they get to know its other
        partners as well as it did, to ``handover_share`` of its familiarity and trust.

        *Del 3, Opbyg et holdbart organisatorisk fundament*: a broad palette of permanent
        actors lets others step in when one actor is strained or leaves.
        """
        p, t = self.pairs, self.actor_table
        others, ks = p.partner_index(row)
        tied = (p.form[ks] > 0) & t.active[others]
        partners, partner_ks = others[tied], ks[tied]
        takers = np.flatnonzero(t.permanent[partners])
        if len(takers) == 0 or len(partners) < 2:
            return
        a = np.repeat(takers, len(partners))
        b = np.tile(np.arange(len(partners)), len(takers))
        keep = partners[a] != partners[b]
        a, b = a[keep], b[keep]
        pair_ks = condensed_index(partners[a], partners[b], p.capacity)
        share = self.params.handover_share
        p.familiarity[pair_ks] = np.maximum(
            p.familiarity[pair_ks], share * p.familiarity[partner_ks[b]]
        )
        p.trust[pair_ks] = np.maximum(p.trust[pair_ks], share * p.trust[partner_ks[b]])

    # ------------------------------------------------------------ initialisation
    def _resolve_drivers(self, co_location, coordinator, leadership_support, core_load) -> Drivers:
        c = self.centre
        for key, value in (
            ("co_location", co_location),
            ("leadership_support", leadership_support),
            ("core_load", core_load),
        ):
            check_unit(key, value, optional=True)
        if coordinator is not None and not isinstance(coordinator, bool | np.bool_):
            raise InputError("coordinator", coordinator, "true, false or null")
        return Drivers(
            co_location=c.co_location if co_location is None else float(co_location),
            coordinator=c.coordinator if coordinator is None else bool(coordinator),
            leadership_support=(
                c.leadership_support if leadership_support is None else float(leadership_support)
            ),
            core_load=c.core_load if core_load is None else float(core_load),
        )

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
        drivers = self.drivers
        profile = KIND_PROFILES[ActorKind.from_id(group.kind)]
        rng = self.rng
        prefix = group.name or group.kind
        pick = _or_default
        rows = []
        for _ in range(group.count):
            funding = group.funding or ("permanent" if profile.permanent else "project")
            targets = group.target_groups or list(
                rng.choice(TARGET_GROUPS, size=2, replace=False)
            )
            row = {
                "kind": int(ActorKind.from_id(group.kind)),
                "capacity_hours": float(pick(group.capacity_hours, profile.capacity_hours)),
                "core_load": _clip(
                    drivers.core_load + pick(group.core_load_offset, profile.core_load_offset)
                    + rng.normal(0, 0.05), 0.0, 0.95,
                ),
                "leadership": _clip(
                    drivers.leadership_support
                    + pick(group.leadership_offset, profile.leadership_offset)
                    + rng.normal(0, 0.05), 0.0, 1.0,
                ),
                "risk_willingness": _clip(
                    pick(group.risk_willingness, profile.risk_willingness) + rng.normal(0, 0.05),
                    0.0, 1.0,
                ),
                "cocreation_experience": _clip(
                    pick(group.cocreation_experience, profile.cocreation_experience)
                    + rng.normal(0, 0.05), 0.0, 1.0,
                ),
                "forum_attendance": profile.forum_attendance,
                "permanent": funding == "permanent",
                "funding_end": -1 if funding == "permanent" or group.funding_end_week is None
                else group.funding_end_week,
                "expired": False,
                "offers": bitmask(pick(group.offers, list(profile.offers)), RESOURCES, "offers"),
                "needs": bitmask(pick(group.needs, list(profile.needs)), RESOURCES, "needs"),
                "targets": bitmask(list(targets), TARGET_GROUPS, "target_groups"),
                "presence_pattern": pick(group.presence, profile.presence),
                "propensity": pick(group.co_location_propensity, profile.co_location_propensity),
                "fixed_co_located": group.co_located,
                "days": group.days,
                "affinity": np.array([1.0, *profile.form_affinity]),
                "name": prefix,
                "group": prefix,
                "exact_name": group.exact_name,
            }
            if not at_start:
                row["co_located"] = (
                    group.co_located
                    if group.co_located is not None
                    else bool(rng.random() < drivers.co_location)
                )
            rows.append(row)
        return rows

    def _presence_for(self, pattern: str, co_located: bool, days=None) -> np.ndarray:
        """Slots in the house: most working slots if housed, two if using it ad hoc; with
        given ``days``, every open slot of the pattern on those days."""
        open_slots = np.array(slot_mask(PRESENCE_PATTERNS[self.centre.opening]))
        open_slots &= ~self.closed_slots  # closed after a funder pulled out
        candidates = np.flatnonzero(np.array(slot_mask(PRESENCE_PATTERNS[pattern])) & open_slots)
        if len(candidates) == 0:
            candidates = np.flatnonzero(open_slots)
        presence = np.zeros(len(open_slots), dtype=bool)
        if days is not None:
            on_days = np.array([slot.split("_")[0] in days for slot in SLOTS])
            presence[candidates[on_days[candidates]]] = True
            return presence
        if co_located:
            presence[candidates[self.rng.random(len(candidates)) < 0.8]] = True
            presence[self.rng.choice(candidates)] = True
        else:
            presence[self.rng.choice(candidates, size=min(2, len(candidates)), replace=False)] = True
        return presence

    def _add_actors(self, rows: list[dict], week: int) -> list[Actor]:
        t, p = self.actor_table, self.pairs
        counters: dict[str, int] = {}
        for a in self.actor_by_row:
            counters[a.group] = counters.get(a.group, 0) + 1
        new_actors = []
        for r in rows:
            values = {k: r[k] for k in (
                "kind", "capacity_hours", "core_load", "leadership", "risk_willingness",
                "cocreation_experience", "forum_attendance", "permanent", "funding_end",
                "expired", "offers", "needs", "targets", "co_located",
            )}  # fmt: skip
            values.update(active=True, arrived=week, left=-1)
            presence = self._presence_for(r["presence_pattern"], r["co_located"], r["days"])
            row = t.append(values, presence, r["affinity"])
            name = actor_name(r["name"], r["exact_name"], counters)
            actor = Actor(self, row, name, r["group"])
            self.actor_by_row.append(actor)
            new_actors.append(actor)
        if t.capacity > p.capacity:
            p.grow(t.capacity)
        self._introduce_rows([a.row for a in new_actors])
        self.refresh_pair_attributes()
        return new_actors

    def apply_known_relations(self, relations: list[KnownRelation]) -> None:
        """Start known relations (the centre's own mapping) in their form, with
        familiarity and trust at least what that form needs to be entered."""
        if not relations:
            return
        p, prm = self.pairs, self.params
        rows = {a.name: a.row for a in self.actor_by_row}
        for relation in relations:
            form = Form.from_id(relation.form)
            k = condensed_index(rows[relation.source], rows[relation.target], p.capacity)
            p.form[k] = form
            p.weeks_in_form[k] = 0
            p.familiarity[k] = max(p.familiarity[k], prm.familiarity_to_enter[form])
            p.trust[k] = max(p.trust[k], prm.trust_to_enter[form])
            if form == Form.CO_CREATION:
                # Co-creation grows out of earlier successes (*Samskabe*): a mapped
                # co-creating pair has them.
                p.successes[k] = max(p.successes[k], prm.successes_for_cocreation)

    def _introduce_rows(self, rows: list[int]) -> None:
        """Starting familiarity and trust of the new actors' pairs."""
        if not rows:
            return
        p, t, prm = self.pairs, self.actor_table, self.params
        new = np.zeros(p.capacity, dtype=bool)
        new[rows] = True
        ks = np.flatnonzero(new[p.iu] | new[p.ju])
        same_kind = t.kind[p.iu[ks]] == t.kind[p.ju[ks]]
        p.familiarity[ks] = (
            prm.initial_familiarity + prm.same_kind_familiarity * same_kind
            + self.rng.uniform(0, 0.1, len(ks))
        )
        p.trust[ks] = np.clip(prm.baseline_trust + self.rng.uniform(-0.05, 0.05, len(ks)), 0, 1)
        for name in ("form", "weeks_in_form", "successes", "failures", "cocreation_weeks"):
            getattr(p, name)[ks] = 0

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
        degree = np.zeros(t.capacity)
        tied = self.pairs.form > 0
        degree += np.bincount(self.pairs.iu[tied], minlength=t.capacity)
        degree += np.bincount(self.pairs.ju[tied], minlength=t.capacity)
        records = []
        for a in self.actor_by_row:
            r = a.row
            records.append({
                "actor_id": r,
                "name": a.name,
                "kind": ActorKind(int(t.kind[r])).id,
                "arrived_step": int(t.arrived[r]),
                "left_step": None if t.left[r] < 0 else int(t.left[r]),
                "degree": int(degree[r]),
                "co_located": bool(t.co_located[r]),
                "capacity_hours": float(t.capacity_hours[r]),
                "core_load": float(t.core_load[r]),
                "leadership_support": float(t.leadership[r]),
                "permanent_funding": bool(t.permanent[r]),
                "funding_expired": bool(t.expired[r]),
                "collaboration_hours": float(self.budget[r]),
                "hours_used": float(self.hours_used[r]),
                "presence_slots": int(t.presence[r].sum()),
            })  # fmt: skip
        return records

    def ties_frame(self):
        """Every pair in a form now, with its trust and weeks in form."""
        p = self.pairs
        ks = np.flatnonzero((p.form > 0) & self.present)
        return {
            "source": p.iu[ks].astype(np.int64),
            "target": p.ju[ks].astype(np.int64),
            "form": [Form(int(f)).id for f in p.form[ks]],
            "trust": p.trust[ks],
            "weeks_in_form": p.weeks_in_form[ks].astype(np.int64),
            "familiarity": p.familiarity[ks],
            "successes": p.successes[ks].astype(np.int64),
            "failures": p.failures[ks].astype(np.int64),
        }


def _or_default(value, default):
    """A group's own value, or its kind's default where the group leaves it ``None``."""
    return default if value is None else value


def _clip(value: float, lo: float, hi: float) -> float:
    return float(min(max(value, lo), hi))


def _stat(name: str):
    def report(model: CentreModel):
        return model.stats[name]

    report.__name__ = name
    return report


def _empty_week(n_pairs: int) -> Outcomes:
    none = np.zeros(n_pairs, dtype=bool)
    return Outcomes(none, none, none, none, none, none, none, none)


__all__ = ["CentreModel", "Drivers", "WEEKLY_MEASURES"]
