"""String arrays built from their buffers equal what pa.array builds from the same values."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.arrow_strings import string_array


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=20)), max_size=50))
def test_a_built_array_equals_pa_array_of_the_same_values(values):
    items = [v.encode("utf-8") for v in values if v is not None]
    valid = np.array([v is not None for v in values], dtype=bool)
    built = string_array(items, valid)
    assert built.equals(pa.array(values, pa.string()))
    assert built.null_count == values.count(None)


def test_without_a_mask_every_row_is_a_value():
    assert string_array([b"ag_1", "é".encode()]).to_pylist() == ["ag_1", "é"]
    assert string_array([]).to_pylist() == []


def test_the_reporter_function_reads_sliced_and_chunked_vectors():
    from pipelines.personal_data import hmac_hex, hmac_vector_function
    key = "a-test-key-of-reasonable-length-0123456789"
    hashes = hmac_vector_function(key)
    expected = [None, hmac_hex(key, "b"), hmac_hex(key, "c")]
    assert hashes(pa.array(["a", None, "b", "c"]).slice(1, 3)).to_pylist() == expected
    assert hashes(pa.chunked_array([[None, "b"], ["c"]])).to_pylist() == expected
