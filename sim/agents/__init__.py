"""Behaviour rules, written once and applied by both engines to arrays of officers.

The fast engine calls them on batches of thousands; the reference engine on one officer at
a time. A rule reads and writes officer arrays and draws from the generator it is given.
"""
