"""String arrays built from their buffers equal what pa.array builds from the same values."""
from __future__ import annotations

import numpy as np
import pytest
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.arrow_strings import fixed_width_array, string_array


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=20)), max_size=50))
def test_a_built_array_equals_pa_array_of_the_same_values(values):
    items = [v.encode("utf-8") for v in values if v is not None]
    valid = np.array([v is not None for v in values], dtype=bool)
    built = string_array(items, valid)
    assert built.equals(pa.array(values, pa.string()))
    assert built.null_count == values.count(None)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 70).flatmap(lambda width: st.tuples(
    st.just(width), st.lists(st.one_of(st.none(), st.text("0123456789abcdef", min_size=width, max_size=width)),
                             max_size=50))))
def test_a_fixed_width_array_equals_pa_array_of_the_same_values(width_and_values):
    width, values = width_and_values
    data = "".join(v for v in values if v is not None).encode("ascii")
    valid = np.array([v is not None for v in values], dtype=bool)
    built = fixed_width_array(data, width, valid)
    assert built.equals(pa.array(values, pa.string()))
    assert built.null_count == values.count(None)
    if None not in values:
        assert fixed_width_array(data, width).equals(built)


def test_a_fixed_width_array_refuses_data_that_does_not_fit_its_rows():
    with pytest.raises(ValueError):
        fixed_width_array(b"abc", 2)
    with pytest.raises(ValueError):
        fixed_width_array(b"abcd", 2, np.array([True, False, False]))


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
