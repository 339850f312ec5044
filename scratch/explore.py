import sys, numpy as np, pandas as pd
from experiments.cli import compose_run
from experiments.simulate import simulate
def run(ov, n=20, steps=260):
    r = compose_run(ov + [f"replicates={n}", f"steps={steps}"])
    res = simulate(r)
    ts = res.timeseries
    fin = ts[ts.step > steps-52].groupby("seed").mean()
    cols = ["ties_knowledge_sharing","ties_alignment","ties_resource_exchange","ties_joint_action","ties_co_creation","mean_trust","mean_familiarity"]
    return fin[cols].mean().round(2).tolist()
for ov in [a.split() for a in sys.argv[1:]]:
    print(" ".join(ov), run(ov))
