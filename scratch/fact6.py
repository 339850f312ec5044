import numpy as np
from model import CentreModel
from experiments.cli import compose_run
c = compose_run(["centre=housing_area"]).centre
for load in (0.3, 0.85):
    sel_o, sel_f, deg = [], [], []
    for seed in range(20):
        m = CentreModel(centre=c, core_load=load, rng=seed)
        for _ in range(260): m.step()
        p = m.pairs; pres = m.present; tied = (p.form >= 2) & pres
        sel_o.append(p.overlap[tied].mean() / p.overlap[pres].mean())
        # familiarity rank of tied pairs
        fam = p.familiarity[pres]; ranks = fam.argsort().argsort() / (len(fam)-1)
        sel_f.append(ranks[tied[pres]].mean())
        deg.append(tied.sum())
    print(load, np.mean(sel_o).round(3), np.std(sel_o).round(3), np.mean(sel_f).round(3), np.std(sel_f).round(3), np.mean(deg))
