"""The article's 2x2 figure (configs/article.yaml) as a torch + pyplot script would draw it."""
import sys

import matplotlib
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STEPS = 400
sched = torch.optim.lr_scheduler


def run(make):
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = make(optimizer)
    lrs = []
    for _ in range(STEPS):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs


panels = [
    ("ExponentialLR", [(f"gamma={g}", lambda o, g=g: sched.ExponentialLR(o, gamma=g))
                       for g in (0.9, 0.95, 0.98, 0.99)]),
    ("StepLR (step_size=50)", [(f"gamma={g}", lambda o, g=g: sched.StepLR(o, 50, gamma=g))
                               for g in (0.5, 0.65, 0.8)]),
    ("MultiStepLR", [("milestones [200, 300, 320, 340, 200], gamma=0.8",
                      lambda o: sched.MultiStepLR(o, [200, 300, 320, 340, 200], gamma=0.8))]),
    ("CosineAnnealingLR (eta_min=0)", [(f"T_max={t}", lambda o, t=t: sched.CosineAnnealingLR(
        o, T_max=t, eta_min=0)) for t in (50, 100, 150)]),
]
fig, axes = plt.subplots(2, 2, figsize=(11.2, 7.6), dpi=150, layout="constrained")
for ax, (title, curves) in zip(axes.ravel(), panels):
    for label, make in curves:
        ax.plot(range(STEPS), run(make), label=label)
    ax.set_title(title)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    ax.set_xlim(0, STEPS - 1)
    ax.set_ylim(bottom=0)
    ax.legend(loc="best")
fig.suptitle("PyTorch learning-rate decay strategies")
fig.savefig(sys.argv[1])
