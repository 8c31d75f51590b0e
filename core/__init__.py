"""The floor every other layer stands on: configuration, errors, the warehouse file and its SQL.

Nothing here imports another layer of safetyops (tests/test_layers.py checks it).
"""
