"""Amounts converted for display (``convert=USD``) at the ECB euro reference rate of their date.

Nothing is converted unless a caller asks, and every conversion says how it was made. The rules:

* **Which date.** A funding's ``ck:valueDate`` (IATI's ``@value-date``), else its
  ``schema:startDate`` when that is a whole day (``xsd:date``). A start given as a year or a
  month (the curated fundings: "in 2013") names no day to take a rate from, so that amount is not
  converted, and the answer says why.
* **Which rate.** The ECB euro foreign exchange reference rates that ship inside the
  ``currencyconverter`` package (offline, no network), read once per process. A cross rate is
  ``rate(to) / rate(from)`` of the same day (EUR is 1), so ``value = amount / rate(from) *
  rate(to)``, with decimals, not rounded.
* **Days without a rate.** The ECB publishes none on weekends and TARGET holidays (1 May,
  Good Friday, Christmas...). For such a day the rate of the nearest earlier day that has one
  is used, at most ``LOOKBACK_DAYS`` back: that is the last reference rate known on the value
  date, and it is reported (``rate_date`` differs from ``date`` and ``note`` says so). The
  package's ``fallback_on_missing_rate`` (linear interpolation between neighbouring days) is not
  used: it would invent a rate the ECB never published, silently.
* **What cannot be converted** is kept with its reason: a currency the ECB does not publish
  (AFN, KES...), a date before the first or after the last rate shipped
  (``fallback_on_wrong_date=False``), no rate within the look-back (a currency the ECB
  stopped or paused, such as ISK 2008-2018 or RUB after 2022-03-01), no date at all.
* An amount already in the target currency keeps its value (rate 1), whatever its date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.metadata import version
from typing import TYPE_CHECKING, Final

from kg.errors import ConfigurationError

if TYPE_CHECKING:
    from currency_converter import CurrencyConverter  # type: ignore[import-untyped]

#: Days to look back from a day without an ECB rate (Good Friday to Easter Monday is 4).
LOOKBACK_DAYS: Final = 7


@cache
def source() -> str:
    """Where the rates come from, as every converted figure names it."""
    return f"ECB euro reference rates via currencyconverter {version('CurrencyConverter')}"


@cache
def _converter() -> CurrencyConverter:
    """The rates, loaded once per process (0.2 s): no fallback outside the data's range, no
    interpolation inside it (see the module docstring)."""
    from currency_converter import CurrencyConverter

    return CurrencyConverter(
        fallback_on_wrong_date=False, fallback_on_missing_rate=False, decimal=True
    )


def currencies() -> frozenset[str]:
    """The ISO 4217 codes the shipped ECB data has rates for (EUR included)."""
    return frozenset(_converter().currencies)


def target(code: str) -> str:
    """``code`` upper-cased, if amounts can be converted into it; else ``ConfigurationError``."""
    wanted = code.strip().upper()
    if wanted not in currencies():
        raise ConfigurationError(
            f"convert={code!r}: the ECB publishes no reference rate for {wanted or 'it'}; use "
            f"one of {', '.join(sorted(currencies()))}"
        )
    return wanted


@dataclass(frozen=True, slots=True)
class Conversion:
    """One amount converted into ``currency``, or not (``value`` None) with the reason in
    ``note``. ``date`` is the day asked for and ``date_of`` which property gave it
    ("valueDate" or "startDate"); ``rate_date`` the ECB day whose rates were used and
    ``ecb_rates`` those rates as the ECB publishes them (units of each currency per euro), from
    which ``rate`` (units of ``currency`` per unit of ``original_currency``) follows."""

    currency: str
    original_value: Decimal
    original_currency: str
    value: Decimal | None
    rate: Decimal | None
    rate_date: dt.date | None
    date: dt.date | None
    date_of: str | None
    source: str
    note: str | None
    ecb_rates: tuple[tuple[str, Decimal], ...] = ()

    @property
    def converted(self) -> bool:
        return self.value is not None


def convert(
    value: Decimal,
    currency: str,
    into: str,
    *,
    value_date: str | None = None,
    start_date: str | None = None,
) -> Conversion:
    """``value`` in ``currency`` converted into ``into`` by the rules of the module docstring;
    ``value_date`` and ``start_date`` are the funding's ``ck:valueDate`` and
    ``schema:startDate`` as written (any of xsd:date, gYearMonth, gYear)."""
    day, date_of, why_not = _day(value_date, start_date)

    def result(
        converted: Decimal | None,
        rate: Decimal | None = None,
        rate_date: dt.date | None = None,
        note: str | None = None,
    ) -> Conversion:
        published = () if rate_date is None else _published(currency, into, rate_date)
        return Conversion(
            into,
            value,
            currency,
            converted,
            rate,
            rate_date,
            day,
            date_of,
            source(),
            note,
            published,
        )

    if currency == into:
        return result(value, Decimal(1), None, f"already in {into}: not converted, rate 1")
    converter = _converter()
    missing = [c for c in (currency, into) if c not in converter.currencies]
    if missing:
        return result(None, note=f"the ECB publishes no reference rate for {missing[0]}")
    if day is None:
        return result(None, note=why_not)
    first = max(converter.bounds[c].first_date for c in (currency, into))
    last = min(converter.bounds[c].last_date for c in (currency, into))
    if not first <= day <= last:
        return result(
            None,
            note=f"{day} is outside the ECB rates shipped for {currency} to {into} "
            f"({first} to {last})",
        )
    for back in range(LOOKBACK_DAYS + 1):
        rate_day = day - dt.timedelta(days=back)
        if rate_day < first:
            break
        rate = _rate(currency, into, rate_day)
        if rate is None:
            continue
        note = (
            None
            if back == 0
            else f"the ECB published no rate on {day} (a weekend or TARGET holiday); the rate "
            f"of {rate_day}, the nearest earlier day with one, is used"
        )
        converted = converter.convert(value, currency, into, date=rate_day)
        return result(Decimal(converted), rate, rate_day, note)
    return result(
        None,
        note=f"the ECB published no {currency} to {into} rate in the {LOOKBACK_DAYS} days up "
        f"to {day}",
    )


def _rate(currency: str, into: str, day: dt.date) -> Decimal | None:
    """How many ``into`` one ``currency`` is worth on ``day``, or None without ECB rates."""
    from currency_converter import RateNotFoundError

    try:
        return Decimal(_converter().convert(Decimal(1), currency, into, date=day))
    except RateNotFoundError:
        return None


def _published(currency: str, into: str, day: dt.date) -> tuple[tuple[str, Decimal], ...]:
    """The ECB's rates of ``day`` for the two currencies other than the euro (per euro)."""
    return tuple(
        (code, Decimal(_converter().convert(Decimal(1), "EUR", code, date=day)))
        for code in sorted({currency, into} - {"EUR"})
    )


def _day(value_date: str | None, start_date: str | None) -> tuple[dt.date | None, str | None, str]:
    """The day whose rate applies, which property gave it, and why there is none."""
    for text, name in ((value_date, "valueDate"), (start_date, "startDate")):
        if text is None:
            continue
        try:
            return dt.date.fromisoformat(text[:10]), name, ""
        except ValueError:
            if name == "valueDate":
                continue
            return (
                None,
                None,
                f"no value date, and the start {text!r} is not a whole day to take a rate from",
            )
    return None, None, "no value date and no start date to take a rate from"
