"""Many runs: sweeps on executors (serial, processes, Dask), calibration, benchmarks."""
