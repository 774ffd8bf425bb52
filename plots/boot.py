"""boot.py — the whole boot by phase, stacked bars: phases.py's figure with the boot's phases."""
import os
import runpy

runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "phases.py"), run_name="__main__")
