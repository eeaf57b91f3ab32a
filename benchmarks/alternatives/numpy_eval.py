"""numpy's bare evaluation of a long schedule: the closed form, chunk by chunk, nothing else.

    python numpy_eval.py KIND STEPS

The yardstick for lrplot's streaming renderer: how long numpy alone needs to compute the values
(no exactness, no drawing). KIND is one of cosine, step, cyclic, onecycle, with the same
parameters benchmarks/run.py gives lrplot.
"""
import sys

import numpy as np

CHUNK = 1 << 20
BASE = 0.1


def cosine(t, n):
    return 0.0 + (BASE - 0.0) * (1 + np.cos(np.pi * t / n)) / 2


def step(t, n):
    return BASE * 0.5 ** (t // (n // 10))


def cyclic(t, n, max_lr=1.0):
    up = max(1, n // 20_000)  # 10^4 cycles
    cycle = np.floor(1 + t / (2 * up))
    x = np.abs(t / up - 2 * cycle + 1)
    return BASE + (max_lr - BASE) * np.maximum(0, 1 - x)


def onecycle(t, n, max_lr=1.0, pct=0.3, div=25.0, final_div=1e4):
    initial = max_lr / div
    low = initial / final_div
    peak = pct * n - 1
    rise = np.minimum(t / peak, 1.0)
    fall = np.clip((t - peak) / (n - 1 - peak), 0.0, None)
    up = max_lr + (initial - max_lr) / 2.0 * (np.cos(np.pi * rise) + 1)
    down = low + (max_lr - low) / 2.0 * (np.cos(np.pi * fall) + 1)
    return np.where(t <= peak, up, down)


def main() -> None:
    kind, n = sys.argv[1], int(float(sys.argv[2]))
    f = globals()[kind]
    total = 0.0
    for start in range(0, n, CHUNK):
        total += f(np.arange(start, min(n, start + CHUNK)), n)[-1]
    print(total)


if __name__ == "__main__":
    main()
