"""The world a run takes place in: the calendar, random streams, organisations, officers
and the course catalogue. Built once per run; the rules in `sim.agents` act on it."""
