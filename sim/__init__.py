"""karmayogi-sim: a discrete-event workforce simulation of Mission Karmayogi's iGOT platform."""

__version__ = "0.1.0"
