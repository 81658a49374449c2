"""Roman numerals, as the report numbers learning points (i, ii, iii … xl …)."""

_NUMERALS = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)

SMALLEST = 1
LARGEST = 3999


def roman(number, *, upper=False):
    """1 -> 'i', 4 -> 'iv', 40 -> 'xl', 1994 -> 'mcmxciv'. Standard subtractive form for 1..3999;
    ValueError for anything else (there is no Roman zero, and 4000 needs a bar over the M)."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise ValueError(f"Roman numerals are for whole numbers, not {number!r}.")
    if not SMALLEST <= number <= LARGEST:
        raise ValueError(f"Roman numerals run from {SMALLEST} to {LARGEST}; {number} is outside.")
    out = []
    for value, letters in _NUMERALS:
        count, number = divmod(number, value)
        out.append(letters * count)
    text = "".join(out)
    return text.upper() if upper else text
