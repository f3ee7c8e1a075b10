"""Framework-free core of hailong: questionnaires, expressions, scoring, versions (no Flask, no SQL)."""
