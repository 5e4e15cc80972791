"""Exact ratios and their rounding for output (SPEC §6): ratios half-even to 4 decimals, amounts
in 万元 to 2, a ratio with denominator 0 is null.

A ratio is kept as an `Exact` pair (numerator, denominator) of integers, unreduced: building a
Fraction for each figure of ten thousand projects costs more than the figures themselves.
"""

from __future__ import annotations

from fractions import Fraction

Exact = tuple[int, int]
"""numerator / denominator, exactly; undefined (null on output) when the denominator is 0."""


def ratio(numerator: int, denominator: int) -> Exact:
    """numerator / denominator as an exact pair (null on output when denominator is 0)."""
    return numerator, denominator


def value(exact: Exact) -> Fraction | None:
    """The pair as a Fraction, or None when undefined."""
    numerator, denominator = exact
    return None if denominator == 0 else Fraction(numerator, denominator)


def half_even(numerator: int, denominator: int, scale: int) -> float:
    """numerator / denominator (denominator > 0) rounded half-even to 1/scale, as the nearest
    double; integer arithmetic only, so exact for any size."""
    quotient, remainder = divmod(numerator * scale, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2):
        quotient += 1
    return quotient / scale


def rate4(exact: Exact) -> float | None:
    """A ratio for output: half-even to 4 decimals; None when undefined."""
    numerator, denominator = exact
    return None if denominator == 0 else half_even(numerator, denominator, 10_000)


def round2(exact: Exact) -> float | None:
    """A value for output with 2 decimals, half-even (gap_pp, m², 万元); None when undefined."""
    numerator, denominator = exact
    return None if denominator == 0 else half_even(numerator, denominator, 100)


def exact(fraction: Fraction) -> Exact:
    return fraction.numerator, fraction.denominator


def amount(yuan: int) -> float:
    """Money kept as whole yuan, for output in 万元 (the nearest double of yuan / 10,000: the
    exact two-place figure, since amounts are whole hundreds of yuan)."""
    return yuan / 10_000


def percent(hundredths: int) -> float:
    """A percentage kept as integer hundredths, for output."""
    return hundredths / 100
