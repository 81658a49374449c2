"""core.numerals.roman: the one roman-numeral function (the report and the findings page agree)."""

import pytest
from django.template import engines

from core.numerals import roman


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, "i"),
        (3, "iii"),
        (4, "iv"),
        (9, "ix"),
        (14, "xiv"),
        (39, "xxxix"),
        (40, "xl"),
        (44, "xliv"),
        (49, "xlix"),
        (90, "xc"),
        (99, "xcix"),
        (400, "cd"),
        (444, "cdxliv"),
        (900, "cm"),
        (1994, "mcmxciv"),
        (2027, "mmxxvii"),
        (3888, "mmmdccclxxxviii"),
        (3999, "mmmcmxcix"),
    ],
)
def test_known_values(number, expected):
    assert roman(number) == expected
    assert roman(number, upper=True) == expected.upper()


@pytest.mark.parametrize("bad", [0, -1, 4000, 10**6, 2.0, "4", None, True])
def test_outside_the_range_is_refused(bad):
    with pytest.raises(ValueError):
        roman(bad)


_VALUES = {"m": 1000, "d": 500, "c": 100, "l": 50, "x": 10, "v": 5, "i": 1}


def _read(numeral):
    total = 0
    for here, after in zip(numeral, numeral[1:] + " ", strict=True):
        value = _VALUES[here]
        total += -value if after != " " and _VALUES[after] > value else value
    return total


def test_every_number_reads_back_and_is_unique():
    seen = set()
    for n in range(1, 4000):
        numeral = roman(n)
        assert _read(numeral) == n
        # Standard form: no letter four times running, no "iiii", "vv" or the like.
        assert all(letter * 4 not in numeral for letter in "mcxi")
        assert all(letter * 2 not in numeral for letter in "dlv")
        seen.add(numeral)
    assert len(seen) == 3999


def test_the_template_filter_uses_the_same_function():
    template = engines["django"].from_string("{{ 40|roman }} {{ 1994|roman }} {{ 0|roman }} {{ 'x'|roman }}")
    assert template.render({}) == "xl mcmxciv 0 x"
