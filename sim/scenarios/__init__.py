"""Policies: what planners change between scenarios (campaign windows and their levers)."""
