import numpy as np
import pytest

from hwnas.codegen.packing import bipolar_to_bits, hex_word, pack_words, unpack_words
from hwnas.codegen.params import interleave_rows, threshold_table


def test_packing_matches_finn_stream_packing():
    from finn.util.data_packing import pack_innermost_dim_as_hex_string
    from qonnx.core.datatype import DataType

    rng = np.random.default_rng(0)
    values = rng.integers(-8, 8, size=(5, 7))
    finn = pack_innermost_dim_as_hex_string(values, DataType["INT4"], 28, reverse_inner=True)
    assert [int(h, 16) for h in finn] == pack_words(values, 4)
    np.testing.assert_array_equal(unpack_words(pack_words(values, 4), 7, 4, signed=True), values)


def test_bipolar_bits_and_hex_prefix():
    np.testing.assert_array_equal(bipolar_to_bits(np.array([-1, 1, 1])), [0, 1, 1])
    with pytest.raises(ValueError):
        bipolar_to_bits(np.array([0, 1]))
    assert hex_word(0xB1) == "0xb1"


def test_interleave_rows_matches_finn():
    from qonnx.util.basic import interleave_matrix_outer_dim_from_partitions

    m = np.arange(24).reshape(12, 2)
    np.testing.assert_array_equal(interleave_rows(m, 3), interleave_matrix_outer_dim_from_partitions(m, 3))


def test_threshold_table_rejects_fractional_thresholds():
    with pytest.raises(ValueError, match="integers"):
        threshold_table(np.array([[0.5], [1.0]]), channels=2, pe=1)
    assert threshold_table(np.array([[2.0]]), channels=4, pe=2).shape == (2, 2, 1)
