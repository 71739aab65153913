"""Many runs: configs, the command line, batch runs, siting, analysis and reports."""
