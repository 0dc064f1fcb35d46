"""From the published record to forecasts: the dated figures (`observations`), what a run
says about them (`simulated`), the fit of the whole-workforce model to them with its
parameter uncertainty (`fit`), and backtests that hide the later figures (`backtest`)."""
