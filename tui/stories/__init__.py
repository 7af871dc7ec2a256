"""Across articles: an article's other versions (stories), what changed between two of
them, every quote by speaker (the ledger) and every entity text by label (the index).

Domain only: no textual, no rich. The CLI (``tui.cli.stories``) and the screens call these.
"""
