"""Reporting: SQL aggregation of stored responses, then estimates through the analysis engine."""
