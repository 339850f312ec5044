import numpy as np
from model import CentreModel
from tests.helpers import preset, mean_diff_ci
c = preset("housing_area")
res = {}
for load in (0.3, 0.85):
    a, b, cc = [], [], []
    for seed in range(24):
        m = CentreModel(centre=c, core_load=load, rng=seed)
        for _ in range(260): m.step()
        p = m.pairs; pres = m.present
        t1 = (p.form >= 1) & pres; t2 = (p.form >= 2) & pres
        a.append(p.overlap[t1].mean() / p.overlap[pres].mean())
        b.append(p.overlap[t2].mean() / p.overlap[pres].mean())
        cc.append(p.colocation_factor[t2].mean() / p.colocation_factor[pres].mean())
    res[load] = (np.array(a), np.array(b), np.array(cc))
for i, name in enumerate(["ovl_all_ties", "ovl_working", "coloc_working"]):
    print(name, [round(res[l][i].mean(), 3) for l in res], mean_diff_ci(res[0.85][i], res[0.3][i]))
