"""Solver adapters behind one protocol, a registry, and parameter profiles (TOML in ``solvers/``)."""

from optiops.solvers.profiles import Profile, find_profile, load_profile

__all__ = ["Profile", "find_profile", "load_profile"]
