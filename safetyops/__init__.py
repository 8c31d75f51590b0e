"""Entry points: the `safetyops` command line and the refresh job. Nothing below imports this."""
