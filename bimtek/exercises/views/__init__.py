"""Exercise pages, one module per part of an exercise, all on the `exercises` blueprint:
setup, teams, MSEL, running (console and the teams' side), evaluation, report."""
