"""The cosine figure as a plain numpy + pyplot script would draw it (the closed form).

Same figure as ``lrplot cosine --t-max 150 --steps 400 -o OUT``: size, dpi, title, labels.
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

t = np.arange(400)
lr = 0.0 + (0.1 - 0.0) * (1 + np.cos(np.pi * t / 150)) / 2
fig, ax = plt.subplots(figsize=(5.6, 3.6), dpi=150, layout="constrained")
ax.plot(t, lr)
ax.set_title("CosineAnnealingLR(T_max=150)")
ax.set_xlabel("step")
ax.set_ylabel("learning rate")
ax.set_xlim(0, 399)
ax.set_ylim(bottom=0)
fig.savefig(sys.argv[1])
