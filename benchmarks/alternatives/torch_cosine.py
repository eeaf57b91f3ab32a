"""The cosine figure as a torch + pyplot script would draw it: step the real scheduler.

Same figure as ``lrplot cosine --t-max 150 --steps 400 -o OUT``.
"""
import sys

import matplotlib
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=150)
lrs = []
for _ in range(400):
    lrs.append(optimizer.param_groups[0]["lr"])
    optimizer.step()
    scheduler.step()
fig, ax = plt.subplots(figsize=(5.6, 3.6), dpi=150, layout="constrained")
ax.plot(range(400), lrs)
ax.set_title("CosineAnnealingLR(T_max=150)")
ax.set_xlabel("step")
ax.set_ylabel("learning rate")
ax.set_xlim(0, 399)
ax.set_ylim(bottom=0)
fig.savefig(sys.argv[1])
