"""What a run produced: tidy tables, the KPI registry, bands over replications, number
formatting, and the Parquet + DuckDB store."""
