"""Where the raw snapshots and curated tables live: a local folder, or object storage (`s3://bucket/prefix`)
through fsspec and pyarrow filesystems."""
