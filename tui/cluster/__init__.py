"""Pre-annotating an archive on Dask distributed: ``readtui suggest --cluster``.

No UI here; rich only in ``cli``."""
