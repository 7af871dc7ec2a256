"""Working as a team: assignments, agreement between analysts, adjudication.

Domain only: no textual or rich here (the CLI prints, tui.team_cli).
"""
