"""Hypothesis in CI draws the same examples on every run (``CI=true``, as ``.ci/run`` is run):
a submission's result must not depend on the draw. Locally each run explores new examples;
a failure found that way is a bug to fix, and its example goes into the test as ``@example``."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")
