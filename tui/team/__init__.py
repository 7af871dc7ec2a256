"""Working as a team: assignments, agreement between analysts, adjudication.

Domain only: no textual or rich here (the command line prints: tui.cli.team).
"""
