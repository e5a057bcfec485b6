"""Every ISO 3166-1 country or territory under its UN M49 region, for generated data.

The M49 tree (UN Statistics Division, "Standard country or area codes for statistical use"):
World, five continents (regions), their sub-regions and the intermediate regions of
Sub-Saharan Africa, Latin America and the Caribbean and Northern Europe. Each country sits under
the lowest M49 region that holds it. Exceptions, because M49 itself has none: Antarctica (010)
sits directly under World, and Taiwan (ISO 3166-1 numeric 158, not listed in M49) under Eastern
Asia. Slugs of the regions and of the few countries the curated reference graph already names
are the same as there (``east-asia``, ``russia``), so the same queries work on both.

``sovereign`` marks the 193 UN member states and the two observer states (Holy See, Palestine):
they become ``ck:State`` (funders and places at once); the other territories ``schema:Country``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Region:
    """An M49 region or a grouping of countries; ``parents`` are region slugs."""

    slug: str
    name: str
    m49: str | None
    parents: tuple[str, ...]
    alt: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Country:
    """An ISO 3166-1 entry; ``region`` is the slug of its M49 (sub-/intermediate) region."""

    alpha2: str
    m49: str
    name: str
    region: str
    sovereign: bool
    slug: str
    alt: tuple[str, ...]


def slugify(text: str) -> str:
    """Lowercase ASCII letters and digits joined by single hyphens ("Côte d'Ivoire" -> cote-d-ivoire)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = "".join(c if c.isalnum() else " " for c in folded.lower()).split()
    return "-".join(words)


# slug, name, M49 code, parent slugs, alternative names
_M49_REGIONS: Final = (
    ("world", "World", "001", (), ()),
    ("africa", "Africa", "002", ("world",), ()),
    ("northern-africa", "Northern Africa", "015", ("africa",), ("North Africa",)),
    ("sub-saharan-africa", "Sub-Saharan Africa", "202", ("africa",), ()),
    ("eastern-africa", "Eastern Africa", "014", ("sub-saharan-africa",), ("East Africa",)),
    ("middle-africa", "Middle Africa", "017", ("sub-saharan-africa",), ("Central Africa",)),
    ("southern-africa", "Southern Africa", "018", ("sub-saharan-africa",), ()),
    ("western-africa", "Western Africa", "011", ("sub-saharan-africa",), ("West Africa",)),
    ("americas", "Americas", "019", ("world",), ()),
    (
        "latin-america-and-the-caribbean",
        "Latin America and the Caribbean",
        "419",
        ("americas",),
        ("LAC",),
    ),
    ("caribbean", "Caribbean", "029", ("latin-america-and-the-caribbean",), ()),
    ("central-america", "Central America", "013", ("latin-america-and-the-caribbean",), ()),
    ("south-america", "South America", "005", ("latin-america-and-the-caribbean",), ()),
    ("northern-america", "Northern America", "021", ("americas",), ()),
    ("asia", "Asia", "142", ("world",), ()),
    ("central-asia", "Central Asia", "143", ("asia",), ()),
    ("east-asia", "Eastern Asia", "030", ("asia",), ("East Asia",)),
    ("southeast-asia", "Southeast Asia", "035", ("asia", "indo-pacific"), ("South-eastern Asia",)),
    ("south-asia", "South Asia", "034", ("asia", "indo-pacific"), ("Southern Asia",)),
    ("western-asia", "Western Asia", "145", ("asia",), ()),
    ("europe", "Europe", "150", ("world",), ()),
    ("eastern-europe", "Eastern Europe", "151", ("europe",), ()),
    ("northern-europe", "Northern Europe", "154", ("europe",), ()),
    ("channel-islands", "Channel Islands", "830", ("northern-europe",), ()),
    ("southern-europe", "Southern Europe", "039", ("europe",), ()),
    ("western-europe", "Western Europe", "155", ("europe",), ()),
    ("oceania", "Oceania", "009", ("world",), ()),
    ("australia-and-new-zealand", "Australia and New Zealand", "053", ("oceania",), ()),
    ("melanesia", "Melanesia", "054", ("oceania",), ()),
    ("micronesia", "Micronesia", "057", ("oceania",), ()),
    ("polynesia", "Polynesia", "061", ("oceania",), ()),
)

# Groupings a source uses beside M49: slug, name, parent slugs, alternative names, members.
_GROUPINGS: Final = (
    ("indo-pacific", "Indo-Pacific", ("world",), ("Indo-Pacific region",), ()),
    (
        "asean-countries",
        "ASEAN member states",
        ("southeast-asia",),
        ("countries of the Association of Southeast Asian Nations",),
        ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"),
    ),
    (
        "greater-mekong-subregion",
        "Greater Mekong Subregion",
        ("southeast-asia",),
        ("GMS",),
        ("KH", "LA", "MM", "TH", "VN"),
    ),
    ("sahel", "Sahel", ("africa",), ("G5 Sahel countries",), ("BF", "TD", "ML", "MR", "NE")),
    (
        "pacific-islands",
        "Pacific Islands",
        ("oceania", "indo-pacific"),
        ("Pacific Island countries",),
        ("FJ", "PG", "SB", "VU", "KI", "MH", "FM", "NR", "PW", "WS", "TO", "TV", "CK", "NU"),
    ),
)

S: Final = True  # UN member or observer state
T: Final = False  # territory or other area

# ISO 3166-1 alpha-2, M49 code, short English name, M49 region slug, sovereign.
_COUNTRIES: Final = (
    # Northern Africa
    ("DZ", "012", "Algeria", "northern-africa", S),
    ("EG", "818", "Egypt", "northern-africa", S),
    ("LY", "434", "Libya", "northern-africa", S),
    ("MA", "504", "Morocco", "northern-africa", S),
    ("SD", "729", "Sudan", "northern-africa", S),
    ("TN", "788", "Tunisia", "northern-africa", S),
    ("EH", "732", "Western Sahara", "northern-africa", T),
    # Eastern Africa
    ("IO", "086", "British Indian Ocean Territory", "eastern-africa", T),
    ("BI", "108", "Burundi", "eastern-africa", S),
    ("KM", "174", "Comoros", "eastern-africa", S),
    ("DJ", "262", "Djibouti", "eastern-africa", S),
    ("ER", "232", "Eritrea", "eastern-africa", S),
    ("ET", "231", "Ethiopia", "eastern-africa", S),
    ("TF", "260", "French Southern Territories", "eastern-africa", T),
    ("KE", "404", "Kenya", "eastern-africa", S),
    ("MG", "450", "Madagascar", "eastern-africa", S),
    ("MW", "454", "Malawi", "eastern-africa", S),
    ("MU", "480", "Mauritius", "eastern-africa", S),
    ("YT", "175", "Mayotte", "eastern-africa", T),
    ("MZ", "508", "Mozambique", "eastern-africa", S),
    ("RE", "638", "Réunion", "eastern-africa", T),
    ("RW", "646", "Rwanda", "eastern-africa", S),
    ("SC", "690", "Seychelles", "eastern-africa", S),
    ("SO", "706", "Somalia", "eastern-africa", S),
    ("SS", "728", "South Sudan", "eastern-africa", S),
    ("UG", "800", "Uganda", "eastern-africa", S),
    ("TZ", "834", "Tanzania", "eastern-africa", S),
    ("ZM", "894", "Zambia", "eastern-africa", S),
    ("ZW", "716", "Zimbabwe", "eastern-africa", S),
    # Middle Africa
    ("AO", "024", "Angola", "middle-africa", S),
    ("CM", "120", "Cameroon", "middle-africa", S),
    ("CF", "140", "Central African Republic", "middle-africa", S),
    ("TD", "148", "Chad", "middle-africa", S),
    ("CG", "178", "Republic of the Congo", "middle-africa", S),
    ("CD", "180", "Democratic Republic of the Congo", "middle-africa", S),
    ("GQ", "226", "Equatorial Guinea", "middle-africa", S),
    ("GA", "266", "Gabon", "middle-africa", S),
    ("ST", "678", "São Tomé and Príncipe", "middle-africa", S),
    # Southern Africa
    ("BW", "072", "Botswana", "southern-africa", S),
    ("SZ", "748", "Eswatini", "southern-africa", S),
    ("LS", "426", "Lesotho", "southern-africa", S),
    ("NA", "516", "Namibia", "southern-africa", S),
    ("ZA", "710", "South Africa", "southern-africa", S),
    # Western Africa
    ("BJ", "204", "Benin", "western-africa", S),
    ("BF", "854", "Burkina Faso", "western-africa", S),
    ("CV", "132", "Cabo Verde", "western-africa", S),
    ("CI", "384", "Côte d'Ivoire", "western-africa", S),
    ("GM", "270", "Gambia", "western-africa", S),
    ("GH", "288", "Ghana", "western-africa", S),
    ("GN", "324", "Guinea", "western-africa", S),
    ("GW", "624", "Guinea-Bissau", "western-africa", S),
    ("LR", "430", "Liberia", "western-africa", S),
    ("ML", "466", "Mali", "western-africa", S),
    ("MR", "478", "Mauritania", "western-africa", S),
    ("NE", "562", "Niger", "western-africa", S),
    ("NG", "566", "Nigeria", "western-africa", S),
    ("SH", "654", "Saint Helena, Ascension and Tristan da Cunha", "western-africa", T),
    ("SN", "686", "Senegal", "western-africa", S),
    ("SL", "694", "Sierra Leone", "western-africa", S),
    ("TG", "768", "Togo", "western-africa", S),
    # Caribbean
    ("AI", "660", "Anguilla", "caribbean", T),
    ("AG", "028", "Antigua and Barbuda", "caribbean", S),
    ("AW", "533", "Aruba", "caribbean", T),
    ("BS", "044", "Bahamas", "caribbean", S),
    ("BB", "052", "Barbados", "caribbean", S),
    ("BQ", "535", "Bonaire, Sint Eustatius and Saba", "caribbean", T),
    ("VG", "092", "British Virgin Islands", "caribbean", T),
    ("KY", "136", "Cayman Islands", "caribbean", T),
    ("CU", "192", "Cuba", "caribbean", S),
    ("CW", "531", "Curaçao", "caribbean", T),
    ("DM", "212", "Dominica", "caribbean", S),
    ("DO", "214", "Dominican Republic", "caribbean", S),
    ("GD", "308", "Grenada", "caribbean", S),
    ("GP", "312", "Guadeloupe", "caribbean", T),
    ("HT", "332", "Haiti", "caribbean", S),
    ("JM", "388", "Jamaica", "caribbean", S),
    ("MQ", "474", "Martinique", "caribbean", T),
    ("MS", "500", "Montserrat", "caribbean", T),
    ("PR", "630", "Puerto Rico", "caribbean", T),
    ("BL", "652", "Saint Barthélemy", "caribbean", T),
    ("KN", "659", "Saint Kitts and Nevis", "caribbean", S),
    ("LC", "662", "Saint Lucia", "caribbean", S),
    ("MF", "663", "Saint Martin (French part)", "caribbean", T),
    ("VC", "670", "Saint Vincent and the Grenadines", "caribbean", S),
    ("SX", "534", "Sint Maarten (Dutch part)", "caribbean", T),
    ("TT", "780", "Trinidad and Tobago", "caribbean", S),
    ("TC", "796", "Turks and Caicos Islands", "caribbean", T),
    ("VI", "850", "United States Virgin Islands", "caribbean", T),
    # Central America
    ("BZ", "084", "Belize", "central-america", S),
    ("CR", "188", "Costa Rica", "central-america", S),
    ("SV", "222", "El Salvador", "central-america", S),
    ("GT", "320", "Guatemala", "central-america", S),
    ("HN", "340", "Honduras", "central-america", S),
    ("MX", "484", "Mexico", "central-america", S),
    ("NI", "558", "Nicaragua", "central-america", S),
    ("PA", "591", "Panama", "central-america", S),
    # South America
    ("AR", "032", "Argentina", "south-america", S),
    ("BO", "068", "Bolivia", "south-america", S),
    ("BV", "074", "Bouvet Island", "south-america", T),
    ("BR", "076", "Brazil", "south-america", S),
    ("CL", "152", "Chile", "south-america", S),
    ("CO", "170", "Colombia", "south-america", S),
    ("EC", "218", "Ecuador", "south-america", S),
    ("FK", "238", "Falkland Islands (Malvinas)", "south-america", T),
    ("GF", "254", "French Guiana", "south-america", T),
    ("GY", "328", "Guyana", "south-america", S),
    ("PY", "600", "Paraguay", "south-america", S),
    ("PE", "604", "Peru", "south-america", S),
    ("GS", "239", "South Georgia and the South Sandwich Islands", "south-america", T),
    ("SR", "740", "Suriname", "south-america", S),
    ("UY", "858", "Uruguay", "south-america", S),
    ("VE", "862", "Venezuela", "south-america", S),
    # Northern America
    ("BM", "060", "Bermuda", "northern-america", T),
    ("CA", "124", "Canada", "northern-america", S),
    ("GL", "304", "Greenland", "northern-america", T),
    ("PM", "666", "Saint Pierre and Miquelon", "northern-america", T),
    ("US", "840", "United States", "northern-america", S),
    # Central Asia
    ("KZ", "398", "Kazakhstan", "central-asia", S),
    ("KG", "417", "Kyrgyzstan", "central-asia", S),
    ("TJ", "762", "Tajikistan", "central-asia", S),
    ("TM", "795", "Turkmenistan", "central-asia", S),
    ("UZ", "860", "Uzbekistan", "central-asia", S),
    # Eastern Asia
    ("CN", "156", "China", "east-asia", S),
    ("HK", "344", "Hong Kong", "east-asia", T),
    ("MO", "446", "Macao", "east-asia", T),
    ("KP", "408", "North Korea", "east-asia", S),
    ("JP", "392", "Japan", "east-asia", S),
    ("MN", "496", "Mongolia", "east-asia", S),
    ("KR", "410", "South Korea", "east-asia", S),
    ("TW", "158", "Taiwan", "east-asia", T),
    # South-eastern Asia
    ("BN", "096", "Brunei Darussalam", "southeast-asia", S),
    ("KH", "116", "Cambodia", "southeast-asia", S),
    ("ID", "360", "Indonesia", "southeast-asia", S),
    ("LA", "418", "Laos", "southeast-asia", S),
    ("MY", "458", "Malaysia", "southeast-asia", S),
    ("MM", "104", "Myanmar", "southeast-asia", S),
    ("PH", "608", "Philippines", "southeast-asia", S),
    ("SG", "702", "Singapore", "southeast-asia", S),
    ("TH", "764", "Thailand", "southeast-asia", S),
    ("TL", "626", "Timor-Leste", "southeast-asia", S),
    ("VN", "704", "Vietnam", "southeast-asia", S),
    # Southern Asia
    ("AF", "004", "Afghanistan", "south-asia", S),
    ("BD", "050", "Bangladesh", "south-asia", S),
    ("BT", "064", "Bhutan", "south-asia", S),
    ("IN", "356", "India", "south-asia", S),
    ("IR", "364", "Iran", "south-asia", S),
    ("MV", "462", "Maldives", "south-asia", S),
    ("NP", "524", "Nepal", "south-asia", S),
    ("PK", "586", "Pakistan", "south-asia", S),
    ("LK", "144", "Sri Lanka", "south-asia", S),
    # Western Asia
    ("AM", "051", "Armenia", "western-asia", S),
    ("AZ", "031", "Azerbaijan", "western-asia", S),
    ("BH", "048", "Bahrain", "western-asia", S),
    ("CY", "196", "Cyprus", "western-asia", S),
    ("GE", "268", "Georgia", "western-asia", S),
    ("IQ", "368", "Iraq", "western-asia", S),
    ("IL", "376", "Israel", "western-asia", S),
    ("JO", "400", "Jordan", "western-asia", S),
    ("KW", "414", "Kuwait", "western-asia", S),
    ("LB", "422", "Lebanon", "western-asia", S),
    ("OM", "512", "Oman", "western-asia", S),
    ("QA", "634", "Qatar", "western-asia", S),
    ("SA", "682", "Saudi Arabia", "western-asia", S),
    ("PS", "275", "Palestine", "western-asia", S),
    ("SY", "760", "Syria", "western-asia", S),
    ("TR", "792", "Türkiye", "western-asia", S),
    ("AE", "784", "United Arab Emirates", "western-asia", S),
    ("YE", "887", "Yemen", "western-asia", S),
    # Eastern Europe
    ("BY", "112", "Belarus", "eastern-europe", S),
    ("BG", "100", "Bulgaria", "eastern-europe", S),
    ("CZ", "203", "Czechia", "eastern-europe", S),
    ("HU", "348", "Hungary", "eastern-europe", S),
    ("PL", "616", "Poland", "eastern-europe", S),
    ("MD", "498", "Moldova", "eastern-europe", S),
    ("RO", "642", "Romania", "eastern-europe", S),
    ("RU", "643", "Russian Federation", "eastern-europe", S),
    ("SK", "703", "Slovakia", "eastern-europe", S),
    ("UA", "804", "Ukraine", "eastern-europe", S),
    # Northern Europe
    ("AX", "248", "Åland Islands", "northern-europe", T),
    ("DK", "208", "Denmark", "northern-europe", S),
    ("EE", "233", "Estonia", "northern-europe", S),
    ("FO", "234", "Faroe Islands", "northern-europe", T),
    ("FI", "246", "Finland", "northern-europe", S),
    ("GG", "831", "Guernsey", "channel-islands", T),
    ("IS", "352", "Iceland", "northern-europe", S),
    ("IE", "372", "Ireland", "northern-europe", S),
    ("IM", "833", "Isle of Man", "northern-europe", T),
    ("JE", "832", "Jersey", "channel-islands", T),
    ("LV", "428", "Latvia", "northern-europe", S),
    ("LT", "440", "Lithuania", "northern-europe", S),
    ("NO", "578", "Norway", "northern-europe", S),
    ("SJ", "744", "Svalbard and Jan Mayen", "northern-europe", T),
    ("SE", "752", "Sweden", "northern-europe", S),
    ("GB", "826", "United Kingdom", "northern-europe", S),
    # Southern Europe
    ("AL", "008", "Albania", "southern-europe", S),
    ("AD", "020", "Andorra", "southern-europe", S),
    ("BA", "070", "Bosnia and Herzegovina", "southern-europe", S),
    ("HR", "191", "Croatia", "southern-europe", S),
    ("GI", "292", "Gibraltar", "southern-europe", T),
    ("GR", "300", "Greece", "southern-europe", S),
    ("VA", "336", "Holy See", "southern-europe", S),
    ("IT", "380", "Italy", "southern-europe", S),
    ("MT", "470", "Malta", "southern-europe", S),
    ("ME", "499", "Montenegro", "southern-europe", S),
    ("MK", "807", "North Macedonia", "southern-europe", S),
    ("PT", "620", "Portugal", "southern-europe", S),
    ("SM", "674", "San Marino", "southern-europe", S),
    ("RS", "688", "Serbia", "southern-europe", S),
    ("SI", "705", "Slovenia", "southern-europe", S),
    ("ES", "724", "Spain", "southern-europe", S),
    # Western Europe
    ("AT", "040", "Austria", "western-europe", S),
    ("BE", "056", "Belgium", "western-europe", S),
    ("FR", "250", "France", "western-europe", S),
    ("DE", "276", "Germany", "western-europe", S),
    ("LI", "438", "Liechtenstein", "western-europe", S),
    ("LU", "442", "Luxembourg", "western-europe", S),
    ("MC", "492", "Monaco", "western-europe", S),
    ("NL", "528", "Netherlands", "western-europe", S),
    ("CH", "756", "Switzerland", "western-europe", S),
    # Australia and New Zealand
    ("AU", "036", "Australia", "australia-and-new-zealand", S),
    ("CX", "162", "Christmas Island", "australia-and-new-zealand", T),
    ("CC", "166", "Cocos (Keeling) Islands", "australia-and-new-zealand", T),
    ("HM", "334", "Heard Island and McDonald Islands", "australia-and-new-zealand", T),
    ("NZ", "554", "New Zealand", "australia-and-new-zealand", S),
    ("NF", "574", "Norfolk Island", "australia-and-new-zealand", T),
    # Melanesia
    ("FJ", "242", "Fiji", "melanesia", S),
    ("NC", "540", "New Caledonia", "melanesia", T),
    ("PG", "598", "Papua New Guinea", "melanesia", S),
    ("SB", "090", "Solomon Islands", "melanesia", S),
    ("VU", "548", "Vanuatu", "melanesia", S),
    # Micronesia
    ("GU", "316", "Guam", "micronesia", T),
    ("KI", "296", "Kiribati", "micronesia", S),
    ("MH", "584", "Marshall Islands", "micronesia", S),
    ("FM", "583", "Federated States of Micronesia", "micronesia", S),
    ("NR", "520", "Nauru", "micronesia", S),
    ("MP", "580", "Northern Mariana Islands", "micronesia", T),
    ("PW", "585", "Palau", "micronesia", S),
    ("UM", "581", "United States Minor Outlying Islands", "micronesia", T),
    # Polynesia
    ("AS", "016", "American Samoa", "polynesia", T),
    ("CK", "184", "Cook Islands", "polynesia", T),
    ("PF", "258", "French Polynesia", "polynesia", T),
    ("NU", "570", "Niue", "polynesia", T),
    ("PN", "612", "Pitcairn", "polynesia", T),
    ("WS", "882", "Samoa", "polynesia", S),
    ("TK", "772", "Tokelau", "polynesia", T),
    ("TO", "776", "Tonga", "polynesia", S),
    ("TV", "798", "Tuvalu", "polynesia", S),
    ("WF", "876", "Wallis and Futuna", "polynesia", T),
    # No M49 region
    ("AQ", "010", "Antarctica", "world", T),
)

# Where the curated reference graph already uses a different slug for the same country.
_SLUGS: Final = {"RU": "russia", "TR": "turkey", "BN": "brunei"}

_ALT: Final = {
    "US": ("U.S.", "United States of America"),
    "GB": ("U.K.", "United Kingdom of Great Britain and Northern Ireland"),
    "AE": ("UAE",),
    "CD": ("DRC", "DR Congo"),
    "CF": ("CAR",),
    "CG": ("Congo-Brazzaville",),
    "KR": ("Republic of Korea",),
    "KP": ("DPRK", "Democratic People's Republic of Korea"),
    "RU": ("Russia",),
    "TR": ("Turkey",),
    "LA": ("Lao PDR", "Lao People's Democratic Republic"),
    "VN": ("Viet Nam",),
    "CI": ("Ivory Coast",),
    "CV": ("Cape Verde",),
    "SZ": ("Swaziland",),
    "MK": ("Republic of North Macedonia",),
    "TZ": ("United Republic of Tanzania",),
    "BO": ("Plurinational State of Bolivia",),
    "VE": ("Bolivarian Republic of Venezuela",),
    "IR": ("Islamic Republic of Iran",),
    "SY": ("Syrian Arab Republic",),
    "MD": ("Republic of Moldova",),
    "CZ": ("Czech Republic",),
    "PS": ("State of Palestine",),
    "FM": ("FSM",),
    "PG": ("PNG",),
    "BA": ("BiH",),
    "VA": ("Vatican",),
}


def _regions() -> tuple[Region, ...]:
    m49 = [Region(s, n, code, parents, alt) for s, n, code, parents, alt in _M49_REGIONS]
    groups = [Region(s, n, None, parents, alt) for s, n, parents, alt, _ in _GROUPINGS]
    return (*m49, *groups)


def _countries() -> tuple[Country, ...]:
    return tuple(
        Country(
            alpha2=a2,
            m49=code,
            name=name,
            region=region,
            sovereign=sovereign,
            slug=_SLUGS.get(a2) or slugify(name),
            alt=_ALT.get(a2, ()),
        )
        for a2, code, name, region, sovereign in _COUNTRIES
    )


REGIONS: Final[tuple[Region, ...]] = _regions()
COUNTRIES: Final[tuple[Country, ...]] = _countries()

#: Extra parents of countries besides their M49 region: alpha-2 code -> grouping slugs.
GROUPING_MEMBERS: Final[dict[str, tuple[str, ...]]] = {
    c.alpha2: groups
    for c in COUNTRIES
    if (groups := tuple(g[0] for g in _GROUPINGS if c.alpha2 in g[4]))
}

#: Continents: the M49 regions directly under World.
CONTINENTS: Final[tuple[str, ...]] = tuple(
    r.slug for r in REGIONS if r.parents == ("world",) and r.m49 is not None
)

__all__ = [
    "CONTINENTS",
    "COUNTRIES",
    "GROUPING_MEMBERS",
    "REGIONS",
    "Country",
    "Region",
    "slugify",
]
