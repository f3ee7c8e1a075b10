"""One shown estimate: its display scale, the suppression rule and the reliability marks."""

from __future__ import annotations

import math
from dataclasses import dataclass

from analysis.estimate import Estimate

#: Flags (analysis/reliability.py, NCHS-style) for which a cell is not shown.
SUPPRESS_FLAGS = frozenset({"n_eff<30", "wide_ci", "rse>30%", "empty_domain",
                            "unanswered_indicator", "n<30"})
#: Flags shown as a mark next to a published value.
MARK_FLAGS = ("df<8", "boundary")
#: The minimum number of respondents for an index (NCHS's minimum sample size for proportions).
MIN_INDEX_N = 30
SUPPRESSION_RULE = (
    "Ô bị ẩn (—) khi: cỡ mẫu hiệu dụng dưới 30 (chỉ số tổng hợp: dưới 30 người trả lời), khoảng tin "
    "cậy rộng từ 30 điểm phần trăm trở lên hoặc rộng hơn 130 % giá trị ước lượng, hoặc sai số chuẩn "
    "tương đối trên 30 %. Dấu * : bậc tự do dưới 8 hoặc tỷ lệ bằng 0 hay 100 %, cần thận trọng. / "
    "A cell is suppressed (—) when the effective sample size is below 30 (composite indices: fewer "
    "than 30 respondents), the confidence interval is 30 percentage points wide or more or wider than "
    "130 % of the estimate, or the relative standard error exceeds 30 %. * marks fewer than 8 degrees "
    "of freedom or a share of 0 or 100 %: use with care (NCHS data presentation standards, Parker et "
    "al. 2017)."
)


@dataclass(frozen=True)
class Cell:
    """An estimate as shown: values multiplied by ``scale``, hidden when ``suppressed``."""

    estimate: Estimate
    scale: float = 1.0
    decimals: int = 1

    @property
    def flags(self) -> tuple[str, ...]:
        """Return the estimate's flags plus the minimum-n rule for composite indices."""
        flags = self.estimate.flags
        if self.estimate.statistic == "index" and self.estimate.n < MIN_INDEX_N:
            flags = (*flags, "n<30")
        return flags

    @property
    def suppressed(self) -> bool:
        """Whether the suppression rule hides this cell."""
        return bool(SUPPRESS_FLAGS.intersection(self.flags)) or not math.isfinite(self.estimate.estimate)

    @property
    def marked(self) -> bool:
        """Whether the value carries a caution mark."""
        return any(flag in MARK_FLAGS for flag in self.flags)

    @property
    def value(self) -> float:
        """Return the point estimate on the display scale."""
        return self.estimate.estimate * self.scale

    @property
    def low(self) -> float:
        """Return the lower interval bound on the display scale."""
        return self.estimate.ci_low * self.scale

    @property
    def high(self) -> float:
        """Return the upper interval bound on the display scale."""
        return self.estimate.ci_high * self.scale

    @property
    def n(self) -> int:
        """Return the number of ratings or respondents."""
        return self.estimate.n

    def number(self, value: float) -> str:
        """Format one value with the cell's decimals and a decimal comma (Vietnamese usage)."""
        return f"{value:.{self.decimals}f}".replace(".", ",")

    def text(self) -> str:
        """Return '85,2 (80,1–89,0)', with '*' when marked, or '—' when suppressed."""
        if self.suppressed:
            return "—"
        mark = "*" if self.marked else ""
        return f"{self.number(self.value)}{mark} ({self.number(self.low)}–{self.number(self.high)})"
