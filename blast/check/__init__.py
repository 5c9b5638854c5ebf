"""``blast check``: policy rules for CI, with stable codes, JUnit output and a baseline."""

from blast.check.baseline import Baseline, load_baseline, write_baseline
from blast.check.engine import CheckResult, RuleResult, run_check
from blast.check.policy import Policy, load_policy
from blast.check.rules import RULES, Violation

__all__ = [
    "RULES",
    "Baseline",
    "CheckResult",
    "Policy",
    "RuleResult",
    "Violation",
    "load_baseline",
    "load_policy",
    "run_check",
    "write_baseline",
]
