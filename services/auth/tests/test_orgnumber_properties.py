"""Properties of the organisation number rule over generated input (Hypothesis), checked against
python-stdnum's Swedish organisation numbers."""

import re
import string

from auth.domain.orgnumber import normalise
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.se import orgnr

BOUNDED = settings(max_examples=300, deadline=None, database=None)
ten_digits = st.text(alphabet=string.digits, min_size=10, max_size=10)


@BOUNDED
@given(digits=ten_digits, dash=st.booleans())
def test_ascii_numbers_are_taken_exactly_when_stdnum_says_they_are_valid(digits, dash):
    written = f"{digits[:6]}-{digits[6:]}" if dash else digits
    assert (normalise(written) is not None) == orgnr.is_valid(digits)
    if orgnr.is_valid(digits):
        assert normalise(written) == orgnr.format(digits)


@BOUNDED
@given(raw=st.text(max_size=16))
def test_whatever_is_taken_is_written_nnnnnn_dash_nnnn_in_ascii_digits(raw):
    taken = normalise(raw)
    assert taken is None or re.fullmatch(r"[0-9]{6}-[0-9]{4}", taken)


@BOUNDED
@given(digits=ten_digits, script=st.sampled_from([0xFF10, 0x0660, 0x06F0, 0x0966, 0x1D7CE]))
def test_the_same_number_in_other_scripts_digits_is_never_taken(digits, script):
    look_alike = "".join(chr(script + int(d)) for d in digits)
    assert normalise(f"{look_alike[:6]}-{look_alike[6:]}") is None
    assert normalise(look_alike) is None
