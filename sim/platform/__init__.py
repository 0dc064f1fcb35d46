"""The platform: the load learners put on it, the servers that serve it (queueing,
autoscaler), and the capacity plans and forecasts built from a run's load."""
