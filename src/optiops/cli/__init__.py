"""Typer commands: the only place that prints, shows progress bars or sets exit codes."""
