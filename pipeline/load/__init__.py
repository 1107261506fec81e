"""Load: explicit Parquet schemas, merge with live data, atomic publish, data dictionary."""
