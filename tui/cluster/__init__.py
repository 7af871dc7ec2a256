"""Pre-annotating an archive on Dask distributed: ``readtui suggest --cluster``.

No UI here; its command line is tui/cli/cluster.py."""
