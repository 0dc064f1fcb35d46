"""The engines: the run state both share, the fast engine (a SimPy calendar driving numpy
batches), the reference engine (one SimPy process per officer) and what they record."""
