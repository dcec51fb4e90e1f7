"""xlreport: the 政府信息公开工作年度报告 in the national format, with correct cross-sums."""

__version__ = "0.1.0"
