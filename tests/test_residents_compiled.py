"""The residents' week compiled for a batch (``model/residents_compiled.py``) gives the bits
of the numpy version (``model.residents.residents_week``) on the same batch state — on
random states busier than any centre (every kind of event in most pairs, whole cohorts
of every size including empty groups), so each branch and tie of the rounding is used."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from model.kinds import SLOTS, ActorKind
from model.pairs import condensed_index
from model.residents import N_GROUPS, ResidentParams, Residents, residents_week, target_matrix
from model.residents_compiled import resident_links as compiled_resident_links
from model.residents_compiled import residents_week as compiled_residents_week


def _batch_state(rng: np.random.Generator, n_seeds: int, n_actors: int, busy: float):
    S, A, G = n_seeds, n_actors, N_GROUPS
    actors = SimpleNamespace(
        active=rng.random(S * A) < 0.85,
        kind=rng.choice([int(k) for k in ActorKind], size=S * A).astype(np.int8),
        enthusiasts=rng.integers(0, 12, size=S * A).astype(np.int16),
        presence=rng.random((S * A, len(SLOTS))) < 0.6,
        capacity_hours=rng.random(S * A) * 40,
        hours_factor=rng.random(S * A) * 1.5,
        core_load=rng.random(S * A),
        targets=rng.integers(0, 2**G, size=S * A).astype(np.int16),
    )
    i, j = np.triu_indices(A, k=1)
    order = np.argsort(condensed_index(i, j, A))
    i, j = i[order], j[order]
    offsets = np.repeat(np.arange(S) * A, len(i))
    pairs = SimpleNamespace(iu=np.tile(i, S) + offsets, ju=np.tile(j, S) + offsets, n_pairs=S * len(i),
                            overlap=rng.random(S * len(i)) * 0.5)  # fmt: skip
    outcomes = SimpleNamespace(**{name: rng.random(S * len(i)) < busy
                                  for name in ("referral", "joint_offer", "new_initiative")})  # fmt: skip
    size = rng.integers(0, 400, size=(S, G)).astype(np.float64)
    size[:, 0] = 0.0  # an empty group
    reached = np.floor(size * rng.random((S, G)) * 0.5)
    referred = np.floor(size * rng.random((S, G)) * 0.2)
    in_joint = np.floor(size * rng.random((S, G)) * 0.1)
    res = Residents(size, reached, referred, in_joint, nearness={})
    draws = dict(targets=target_matrix(actors.targets).reshape(S, A, G), shared_places=rng.random(S),
                 nearness=rng.choice([1.0, 1.5, 0.5], size=S * A), u_group=rng.random((S, 6, G)),
                 u_volunteer=rng.random(S * A))  # fmt: skip
    return res, actors, pairs, outcomes, draws


def _copy(res, actors):
    return (Residents(res.size.copy(), res.reached.copy(), res.referred.copy(), res.in_joint.copy(), {}),
            SimpleNamespace(**{k: v.copy() for k, v in vars(actors).items()}))  # fmt: skip


@pytest.mark.parametrize("busy", [0.0, 0.05, 0.6])
@pytest.mark.parametrize("seed", range(6))
def test_the_compiled_residents_week_has_the_numpy_bits(seed, busy):
    rng = np.random.default_rng(seed)
    res, actors, pairs, outcomes, d = _batch_state(rng, n_seeds=7, n_actors=11 + seed, busy=busy)
    rp = ResidentParams(volunteer_rate=1.0, referral_completion=0.5, same_hours_completion=0.5,
                        word_of_mouth=0.3, contacts_per_offer_hour=0.7)  # fmt: skip
    res_np, actors_np = _copy(res, actors)
    A = len(actors.active) // 7
    expected = residents_week(res_np, actors_np, pairs, outcomes, d["targets"],
                              np.repeat(d["shared_places"], A), d["nearness"], rp, 10, d["u_group"],
                              d["u_volunteer"])  # fmt: skip
    got = compiled_residents_week(res, actors, pairs, outcomes, d["targets"], d["shared_places"],
                                  d["nearness"], rp, 10, d["u_group"], d["u_volunteer"])  # fmt: skip
    cohorts = [(f, getattr(res, f), getattr(res_np, f)) for f in ("reached", "referred", "in_joint")]
    for name, a, b in [("completed", got[0], expected[0]), ("joins", got[1], expected[1]), *cohorts,
                       ("enthusiasts", actors.enthusiasts, actors_np.enthusiasts)]:  # fmt: skip
        assert a.dtype == b.dtype and a.shape == b.shape, name
        assert a.tobytes() == b.tobytes(), name
    if busy:
        assert expected[0].sum() > 0 and expected[1].sum() > 0  # the rounding and the joins were used


@pytest.mark.parametrize("seed", range(4))
def test_the_contacts_before_the_exp_have_the_numpy_bits(seed):
    """The floats the first loop hands to numpy's ``exp``, compared before any rounding
    (the whole-resident outputs above could hide a last-bit difference)."""
    from model.residents import _GROW, group_sums, offer_reach, resident_voices, residents_drift_away
    from model.residents_compiled import _drift_and_contacts

    rng = np.random.default_rng(100 + seed)
    res, a, _, _, d = _batch_state(rng, n_seeds=5, n_actors=9 + seed, busy=0.0)
    rp = ResidentParams(word_of_mouth=0.3, contacts_per_offer_hour=0.7)
    S, A = 5, 9 + seed
    reach = offer_reach(a, np.repeat(d["shared_places"], A), d["nearness"], rp)
    voices = resident_voices(a, d["targets"])
    left = residents_drift_away(res, rp, d["u_group"][:, [_GROW["drift"], _GROW["drift_referred"],
                                                          _GROW["drift_joint"]], :])  # fmt: skip
    per_group = np.maximum(d["targets"].sum(axis=-1), 1.0)
    contacts = group_sums(reach.reshape(S, A) / per_group, d["targets"]) * (1.0 + rp.word_of_mouth * voices)
    reached, referred = res.reached - left[0], res.referred - left[1]
    reachable = np.maximum((1.0 - rp.hard_to_reach) * res.size - reached - referred, 0.0)
    exponent = -contacts / np.maximum(res.size, 1.0)
    got = _drift_and_contacts(a.active, a.kind, a.enthusiasts, a.presence, a.capacity_hours, a.hours_factor,
                              a.core_load, d["nearness"], d["shared_places"], d["targets"], res.size,
                              res.reached, res.referred, res.in_joint, d["u_group"], rp.outside_reach,
                              rp.cafe_draw, rp.contacts_per_offer_hour, rp.word_of_mouth, rp.hard_to_reach,
                              rp.drift_rate, rp.referred_drift, rp.joint_weeks)  # fmt: skip
    assert got[0].tobytes() == exponent.tobytes()
    assert got[1].tobytes() == reachable.tobytes()
    assert res.reached.tobytes() == reached.tobytes() and res.referred.tobytes() == referred.tobytes()


@pytest.mark.parametrize("seed", range(6))
def test_resident_tips_put_the_numpy_pairs_in_touch(seed):
    """The compiled tips mark the pairs numpy's ``resident_links`` gives (present ones,
    each once) and count them per seed, with every possible tip likely to happen."""
    from model.residents import resident_links

    rng = np.random.default_rng(200 + seed)
    S, A = 6, 8 + seed
    res, actors, pairs, _, d = _batch_state(rng, n_seeds=S, n_actors=A, busy=0.0)
    rp = ResidentParams(tip_rate=1.0, max_tips=5)
    u_tips = rng.random((S, 4, rp.max_tips))
    shared_places = 0.5 + rng.random(S)
    present = rng.random(len(pairs.iu)) < 0.8
    before = rng.random(len(pairs.iu)) < 0.1
    i, j = resident_links(res, actors, d["targets"], shared_places, rp, u_tips)
    P = len(pairs.iu) // S
    ks = condensed_index(i % A, j % A, A) + (i // A) * P
    ks = np.unique(ks[present[ks]])
    expected = before.copy()
    expected[ks] = True
    encountered = before.copy()
    n_links = compiled_resident_links(res, actors, d["targets"], shared_places, rp, u_tips, present,
                                      encountered)  # fmt: skip
    assert len(ks) > 0
    assert encountered.tolist() == expected.tolist()
    assert n_links.tolist() == np.bincount(ks // P, minlength=S).astype(float).tolist()
