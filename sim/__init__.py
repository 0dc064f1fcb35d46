"""karmayogi-sim: a discrete-event workforce simulation of Mission Karmayogi's iGOT platform."""

__version__ = "0.2.0"  # run ids include it: bump when results change
