"""`anomaly evaluate --sample` reads ground_truth.json as `safetyops sample` writes it; anything else
is a clear error naming the file and what is wrong (safetyops/evaluate.py, read_truth)."""
from __future__ import annotations

import json

import pytest

from safetyops.evaluate import SampleEvalError, read_truth

GOOD = {"id": "spike-01", "abuse_category": "spam", "region": "US", "start": "2026-05-29T14:00:00Z",
        "end": "2026-06-02T14:00:00Z", "multiplier": 4.3, "baseline_per_day": 94.8}


@pytest.mark.parametrize("text, message", [
    ("nope", "not JSON"),
    ("[1]", 'a list of "spikes"'),
    ('{"spikes": "x"}', 'a list of "spikes"'),
    (json.dumps({"spikes": [1]}), "spike 1: id = None is missing"),
    (json.dumps({"spikes": [GOOD, {**GOOD, "region": 7}]}), "spike 2: region = 7 is missing or not a text"),
    (json.dumps({"spikes": [{**GOOD, "multiplier": True}]}), "spike 1: multiplier = True is missing or not a number"),
    (json.dumps({"spikes": [{**GOOD, "start": "yesterday-ish"}]}), "spike 1: start = 'yesterday-ish' is not a timestamp"),
])
def test_a_malformed_ground_truth_is_named_with_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "ground_truth.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SampleEvalError, match="ground_truth.json: ") as err:
        read_truth(path)
    assert message in str(err.value)


def test_the_ground_truth_the_sample_command_writes_is_read(tmp_path):
    path = tmp_path / "ground_truth.json"
    path.write_text(json.dumps({"seed": 7, "spikes": [GOOD]}), encoding="utf-8")
    assert read_truth(path)["spikes"] == [GOOD]
    path.write_text(json.dumps({"seed": 7}), encoding="utf-8")      # no spikes planted
    assert read_truth(path) == {"seed": 7}
