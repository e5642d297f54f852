"""The scenario generator: a whole e-commerce operation as a folder of CSV/YAML tables.

``generate_scenario(config, seed)`` draws it, ``write_scenario`` / ``read_scenario`` store and
validate the folder, ``baseline_cost_per_order`` prices the plain baseline the plans are compared with.
"""

from optiops.scenario.baseline import BaselineCost, baseline_cost, baseline_cost_per_order
from optiops.scenario.config import ScenarioConfig, config_from_dict, config_to_dict
from optiops.scenario.generate import generate_scenario
from optiops.scenario.read import read_scenario
from optiops.scenario.write import scenario_files, write_scenario

__all__ = [
    "BaselineCost",
    "ScenarioConfig",
    "baseline_cost",
    "baseline_cost_per_order",
    "config_from_dict",
    "config_to_dict",
    "generate_scenario",
    "read_scenario",
    "scenario_files",
    "write_scenario",
]
