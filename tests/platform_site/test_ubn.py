"""統一編號 check: Ministry of Finance rule since 2023-04-01 (divisible by 5; 7th digit 7 → sum+1 also).

Test vectors are the ones given in issue #2 (from the MOF announcement of the 2023 rule change).
"""

import pytest
from django.core.exceptions import ValidationError

from platform_site.validators import is_valid_ubn, validate_ubn

pytestmark = pytest.mark.no_services  # tests/conftest.py: the PostgreSQL pass skips it


@pytest.mark.parametrize("ubn", ["04595257", "22099131", "00501508", "00000074"])
def test_it_accepts_valid_numbers(ubn):
    assert is_valid_ubn(ubn) is True


@pytest.mark.parametrize("ubn", ["00501502", "12345678", "1234567", "123456789", "abcdefgh", "", "０４５９５２５７"])
def test_it_rejects_invalid_numbers(ubn):
    assert is_valid_ubn(ubn) is False


def test_it_uses_the_seventh_digit_rule():
    # 00000074: products 0,0,0,0,0,0,28→2+8=10,4 → 14; 14+1=15 divisible by 5, 7th digit is 7.
    assert is_valid_ubn("00000074") is True
    # Same sum without a 7 in 7th position is not valid: 00000014 → 0+…+4·1… = 4+4=8 → invalid.
    assert is_valid_ubn("00000014") is False


def test_validator_raises_with_code():
    with pytest.raises(ValidationError) as info:
        validate_ubn("12345678")
    assert info.value.code == "invalid_ubn"
    validate_ubn("")  # blank is allowed (academia has none); required-ness is the form's job
