"""The command line: argument parsing (``main``) and what each command does (``commands``,
``stories``), with rich output. The only layer besides the UI that prints."""
