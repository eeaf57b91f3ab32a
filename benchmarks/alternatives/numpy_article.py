"""The article's 2x2 figure (configs/article.yaml) as a plain numpy + pyplot script: closed
forms (which is not exactly what torch computes for the cosine, but is what people write)."""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

t = np.arange(400)
milestones = np.array(sorted([200, 300, 320, 340, 200]))
panels = [
    ("ExponentialLR", [(f"gamma={g}", 0.1 * g ** t) for g in (0.9, 0.95, 0.98, 0.99)]),
    ("StepLR (step_size=50)", [(f"gamma={g}", 0.1 * g ** (t // 50)) for g in (0.5, 0.65, 0.8)]),
    ("MultiStepLR", [("milestones [200, 300, 320, 340, 200], gamma=0.8",
                      0.1 * 0.8 ** np.searchsorted(milestones, t, side="right"))]),
    ("CosineAnnealingLR (eta_min=0)", [(f"T_max={T}", 0.05 * (1 + np.cos(np.pi * t / T)))
                                       for T in (50, 100, 150)]),
]
fig, axes = plt.subplots(2, 2, figsize=(11.2, 7.6), dpi=150, layout="constrained")
for ax, (title, curves) in zip(axes.ravel(), panels):
    for label, lr in curves:
        ax.plot(t, lr, label=label)
    ax.set_title(title)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    ax.set_xlim(0, 399)
    ax.set_ylim(bottom=0)
    ax.legend(loc="best")
fig.suptitle("PyTorch learning-rate decay strategies")
fig.savefig(sys.argv[1])
