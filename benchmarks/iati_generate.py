"""IATI 2.03-shaped activity files for the import benchmark (``iati_import.py``); not test data.

Run: .venv/bin/python benchmarks/iati_generate.py --activities 10000 [--seed 0] [-o FILE]
     (default FILE: /tmp/kg-bench/iati/iati-{activities}-seed{seed}.xml)

One publisher per file (all activities of an IATI file share their reporting-org), with the
shapes real activity files have, drawn from a seeded ``random.Random`` (same seed and size, same
bytes):

- 1-4 participating organisations with roles 1-4 (funding, accountable, extending,
  implementing), from a pool of made-up organisations and a few real identifiers (UN Women
  XM-DAC-41146, UNDP XM-DAC-41114, JICA XM-DAC-701-8, ...), so that the importer's matching by
  identifier, by name and its new actors are all exercised; some organisations have no ``@ref``;
- 1-3 recipient countries (ISO 3166-1 alpha-2 from ``kg_synth.places``) and 1-4 DAC 5-digit
  sectors (vocabulary 1), each set with percentages that sum to 100;
- 2-20 transactions (types 1, 2, 3, 4: incoming funds, commitment, disbursement, expenditure;
  most activities have few, as in published data), each with a date, a value with a value date,
  the activity's default currency or (sometimes) its own ``@currency``, provider and receiver
  organisations (sometimes left out);
- 1-4 yearly budgets (original or revised) with their periods and values;
- title and description narratives in English, some with a French translation, and some
  activities in French (``xml:lang="fr"``); planned start/end dates, actual dates where the
  status says the activity started or ended; status, flow, finance, aid and tied-status codes;
- some identifiers with characters outside the slug alphabet (``/``, ``.``), which the mapping
  keeps apart with a hash suffix.

Written as text in one pass (constant memory): 100k activities are a few hundred MB.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Final, TextIO
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kg_synth.places import COUNTRIES  # noqa: E402  (ISO 3166-1 via pycountry, M49 regions as data)

WORK: Final = Path("/tmp/kg-bench/iati")
PUBLISHER: Final = ("XI-IATI-BENCH", "Benchmark Ministry of Development Cooperation", "10")
#: Real DAC 5-digit purpose codes, all in the IATI Sector codelist (checked when written).
SECTORS: Final = (
    "11110", "11120", "11220", "11320", "12110", "12220", "12230", "12240", "12250", "12261", "12262",
    "12263", "13020", "13030", "13040", "14020", "14030", "15110", "15111", "15130", "15150", "15160",
    "15170", "15180", "15190", "15210", "15220", "16010", "16020", "21020", "23110", "24010", "25010",
    "31110", "31120", "31161", "31320", "41010", "43010", "52010", "72010", "72040", "74020", "99810",
)  # fmt: skip
#: Organisations with real IATI identifiers, some of which the curated data carries.
KNOWN_ORGS: Final = (
    ("XM-DAC-41146", "UN Women", "40"),
    ("XM-DAC-41114", "United Nations Development Programme", "40"),
    ("XM-DAC-41122", "United Nations Children's Fund", "40"),
    ("XM-DAC-41140", "World Food Programme", "40"),
    ("XM-DAC-701-8", "Japan International Cooperation Agency", "10"),
    ("XM-DAC-7", "Ministry of Foreign Affairs of the Netherlands", "10"),
    ("XM-DAC-47066", "International Organization for Migration", "40"),
    ("XM-DAC-928", "World Health Organization", "40"),
)
ORG_TYPES: Final = ("10", "15", "21", "22", "23", "40", "60", "70", "80")
CURRENCIES: Final = ("USD", "EUR", "GBP", "JPY", "CAD", "SEK", "NOK", "CHF", "AUD")
#: Transaction types and their weights: disbursements and expenditure dominate published data.
TRANSACTION_TYPES: Final = (("1", 1), ("2", 2), ("3", 5), ("4", 3))

TOPICS_EN: Final = (
    "primary education", "maternal health", "malaria control", "water and sanitation",
    "food security", "women's economic empowerment", "civil society", "rule of law",
    "climate adaptation", "smallholder agriculture", "public finance management",
    "humanitarian assistance", "migration governance", "youth employment", "road maintenance",
    "anti-corruption", "disaster risk reduction", "nutrition", "human rights", "energy access",
)  # fmt: skip
TOPICS_FR: Final = (
    "l'éducation primaire", "la santé maternelle", "la lutte contre le paludisme",
    "l'eau et l'assainissement", "la sécurité alimentaire", "l'autonomisation des femmes",
    "la société civile", "l'État de droit", "l'adaptation au climat", "l'agriculture familiale",
    "la gestion des finances publiques", "l'aide humanitaire", "la gouvernance des migrations",
    "l'emploi des jeunes", "l'entretien routier", "la lutte contre la corruption",
    "la réduction des risques de catastrophe", "la nutrition", "les droits humains",
    "l'accès à l'énergie",
)  # fmt: skip
VERBS_EN: Final = ("Strengthening", "Supporting", "Improving", "Scaling up", "Programme for")
VERBS_FR: Final = ("Renforcement de", "Appui à", "Amélioration de", "Programme pour")
FILLER_EN: Final = (
    "The activity works with national and local partners to build lasting capacity, "
    "monitor results and reach the most vulnerable households in the target districts."
)
FILLER_FR: Final = (
    "L'activité travaille avec des partenaires nationaux et locaux pour renforcer les "
    "capacités, suivre les résultats et atteindre les ménages les plus vulnérables."
)


class Activities:
    """The random choices for one file; ``write`` streams it."""

    def __init__(self, seed: int, activities: int) -> None:
        self.random = random.Random(seed)
        self.count = activities
        self.countries = list(COUNTRIES)
        pool = max(50, activities // 20)  # made-up organisations: a few activities each
        self.orgs: list[tuple[str | None, str, str]] = list(KNOWN_ORGS)
        for n in range(pool):
            kind = self.random.choice(ORG_TYPES)
            # One in ten has no identifier: the importer matches it by name, or mints one.
            ref = None if n % 10 == 9 else f"XI-IATI-BENCH-ORG-{n:05d}"
            self.orgs.append((ref, f"Benchmark Partner Organisation {n:05d}", kind))

    # Random helpers ----------------------------------------------------------------------

    def shares(self, parts: int) -> list[str]:
        """``parts`` percentages that sum to exactly 100 (some with one decimal)."""
        if parts == 1:
            return ["100"]
        tenths = sorted(self.random.sample(range(1, 1000), parts - 1))
        cuts = [0, *tenths, 1000]
        values = [b - a for a, b in itertools.pairwise(cuts)]
        if self.random.random() < 0.7:  # most publishers give whole percentages
            whole = [round(v / 10) for v in values[:-1]]
            whole = [max(1, w) for w in whole]
            last = 100 - sum(whole)
            if last >= 1:
                return [str(w) for w in [*whole, last]]
        return [f"{v // 10}.{v % 10}" if v % 10 else str(v // 10) for v in values]

    def amount(self, scale: float) -> str:
        value = self.random.lognormvariate(0, 1.2) * scale
        return f"{value:.2f}" if self.random.random() < 0.3 else str(round(value))

    def date(self, year: int) -> str:
        return f"{year}-{self.random.randint(1, 12):02d}-{self.random.randint(1, 28):02d}"

    def transactions(self) -> int:
        """2-20, most activities having few (mean about 4.5)."""
        return min(20, 2 + int(self.random.expovariate(1 / 3)))

    # Writing ---------------------------------------------------------------------------------

    def write(self, out: TextIO) -> None:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write('<iati-activities version="2.03" generated-datetime="2026-01-01T00:00:00Z">\n')
        for n in range(self.count):
            out.write("".join(self.activity(n)))
        out.write("</iati-activities>\n")

    def narrative(self, text: str, lang: str | None = None) -> str:
        attribute = f' xml:lang="{lang}"' if lang else ""
        return f"<narrative{attribute}>{escape(text)}</narrative>"

    def org(self, tag: str, org: tuple[str | None, str, str], extra: str = "") -> str:
        ref, name, kind = org
        ref_attr = f" ref={quoteattr(ref)}" if ref else ""
        return f'<{tag}{ref_attr} type="{kind}"{extra}>{self.narrative(name)}</{tag}>'

    def activity(self, n: int) -> Iterator[str]:
        r = self.random
        french = r.random() < 0.12
        lang = "fr" if french else "en"
        currency = r.choice(CURRENCIES)
        # One in ten identifiers has characters outside the slug alphabet.
        identifier = (
            f"{PUBLISHER[0]}-P{n:07d}/{2005 + n % 20}.{n % 7}"
            if n % 10 == 3
            else f"{PUBLISHER[0]}-{n:07d}"
        )
        countries = r.sample(self.countries, r.randint(1, 3))
        country_shares = self.shares(len(countries))
        sectors = r.sample(SECTORS, r.randint(1, 4))
        sector_shares = self.shares(len(sectors))
        topic = r.randrange(len(TOPICS_EN))
        place = countries[0].name
        title_en = f"{r.choice(VERBS_EN)} {TOPICS_EN[topic]} in {place}"
        title_fr = f"{r.choice(VERBS_FR)} {TOPICS_FR[topic]} ({place})"
        status = r.choices("12345", weights=(1, 5, 2, 4, 1))[0]
        start = r.randint(2005, 2024)
        years = r.randint(1, 6)
        end = start + years
        roles = r.sample("1234", r.randint(1, 4))
        participants = {role: r.choice(self.orgs) for role in sorted(roles)}
        funder = participants.get("1", (PUBLISHER[0], PUBLISHER[1], PUBLISHER[2]))
        implementer = participants.get("4") or r.choice(self.orgs)

        yield (
            f'  <iati-activity last-updated-datetime="2025-06-30T12:00:00Z" xml:lang="{lang}"'
            f' default-currency="{currency}" hierarchy="1">\n'
            f"    <iati-identifier>{escape(identifier)}</iati-identifier>\n"
            f"    {self.org('reporting-org', PUBLISHER)}\n"
        )
        if french:
            yield f"    <title>{self.narrative(title_fr)}</title>\n"
            yield f'    <description type="1">{self.narrative(FILLER_FR)}</description>\n'
        else:
            both = r.random() < 0.2
            extra = self.narrative(title_fr, "fr") if both else ""
            yield f"    <title>{self.narrative(title_en)}{extra}</title>\n"
            extra = self.narrative(FILLER_FR, "fr") if both else ""
            yield f'    <description type="1">{self.narrative(FILLER_EN)}{extra}</description>\n'
            if r.random() < 0.3:
                goal = f"To improve {TOPICS_EN[topic]} for people in {place}."
                yield f'    <description type="2">{self.narrative(goal)}</description>\n'
        for role, org in participants.items():
            yield f"    {self.org('participating-org', org, f' role={quoteattr(role)}')}\n"
        yield f'    <activity-status code="{status}"/>\n'
        yield f'    <activity-date type="1" iso-date="{self.date(start)}"/>\n'
        if status != "1":
            yield f'    <activity-date type="2" iso-date="{self.date(start)}"/>\n'
        yield f'    <activity-date type="3" iso-date="{self.date(end)}"/>\n'
        if status in "345":
            yield f'    <activity-date type="4" iso-date="{self.date(end)}"/>\n'
        for country, share in zip(countries, country_shares, strict=True):
            yield (
                f'    <recipient-country code="{country.alpha2}" percentage="{share}">'
                f"{self.narrative(country.name, 'en')}</recipient-country>\n"
            )
        for code, share in zip(sectors, sector_shares, strict=True):
            yield f'    <sector vocabulary="1" code="{code}" percentage="{share}"/>\n'
        yield (
            '    <collaboration-type code="1"/>\n'
            '    <default-flow-type code="10"/>\n'
            f'    <default-finance-type code="{r.choice(("110", "110", "421"))}"/>\n'
            f'    <default-aid-type code="{r.choice(("C01", "B02", "B03", "A02"))}"/>\n'
            '    <default-tied-status code="5"/>\n'
        )
        for k in range(r.randint(1, 4)):
            year = min(start + k, end)
            yield (
                f'    <budget type="{r.choice("12")}" status="{r.choice("12")}">\n'
                f'      <period-start iso-date="{year}-01-01"/>\n'
                f'      <period-end iso-date="{year}-12-31"/>\n'
                f'      <value value-date="{year}-01-01">{self.amount(500_000)}</value>\n'
                "    </budget>\n"
            )
        for _ in range(self.transactions()):
            kind = r.choices([t for t, _ in TRANSACTION_TYPES], [w for _, w in TRANSACTION_TYPES])
            when = self.date(r.randint(start, end))
            own = r.choice(CURRENCIES) if r.random() < 0.15 else None
            currency_attr = f' currency="{own}"' if own else ""
            parts = [
                "    <transaction>\n",
                f'      <transaction-type code="{kind[0]}"/>\n',
                f'      <transaction-date iso-date="{when}"/>\n',
                f'      <value{currency_attr} value-date="{when}">{self.amount(100_000)}</value>\n',
            ]
            if r.random() < 0.85:
                parts.append(f"      {self.org('provider-org', funder)}\n")
            if r.random() < 0.75:
                parts.append(f"      {self.org('receiver-org', implementer)}\n")
            parts.append("    </transaction>\n")
            yield "".join(parts)
        yield "  </iati-activity>\n"


def generate(activities: int, seed: int, path: Path) -> Path:
    """Write the file (atomically: a partial file never has the final name); return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    with partial.open("w", encoding="utf-8", buffering=1 << 20) as out:
        Activities(seed, activities).write(out)
    partial.replace(path)
    return path


def default_path(activities: int, seed: int, folder: Path = WORK) -> Path:
    return folder / f"iati-{activities}-seed{seed}.xml"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path, help="file to write")
    args = parser.parse_args()
    path = generate(
        args.activities, args.seed, args.output or default_path(args.activities, args.seed)
    )
    size = path.stat().st_size
    print(f"{path}: {args.activities:,} activities, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
