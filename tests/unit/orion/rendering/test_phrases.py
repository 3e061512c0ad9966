"""Messages kept as phrases (orion.rendering.phrases): the English beside them is exactly the phrases
filled in and joined, and a page renders them through its own translator."""

from __future__ import annotations

from orion.rendering.phrases import Phrase, as_phrases, english, phrase, render

FR = {
    "{n} products published.": "{n} produits publiés.",
    "The {language} feed could not be fetched:": "Le flux {language} n'a pas pu être récupéré :",
}


def french(text: str, **values: object) -> str:
    found = FR.get(text, text)
    return found.format(**values) if values else found


def test_the_english_is_the_phrases_filled_in_and_joined_by_one_space() -> None:
    parts = (
        phrase("The {language} feed could not be fetched:", language="fr"),
        phrase("{host} could not be found.", host="feeds.example"),
        phrase("(tried {n} times)", n=3),
    )
    assert english(parts) == (
        "The fr feed could not be fetched: feeds.example could not be found. (tried 3 times)"
    )
    assert english(()) == ""


def test_a_reader_sees_each_phrase_in_their_language_and_unknown_ones_in_english() -> None:
    parts = (
        phrase("The {language} feed could not be fetched:", language="fr"),
        phrase("{n} products published.", n=8),
        phrase("{host} could not be found.", host="feeds.example"),
    )
    assert render(parts, french) == (
        "Le flux fr n'a pas pu être récupéré : 8 produits publiés. feeds.example could not be found."
    )


def test_a_phrase_kept_as_it_is_keeps_its_braces() -> None:
    kept = as_phrases(["Row {3} is odd.", phrase("{n} products published.", n=2)])
    assert kept[0] == Phrase(text="Row {3} is odd.")
    assert english(kept) == "Row {3} is odd. 2 products published."
    assert render(kept, french) == "Row {3} is odd. 2 produits publiés."


def test_phrases_survive_json_as_stored() -> None:
    said = phrase("{n} products published.", n=8)
    assert said.model_dump() == {"text": "{n} products published.", "params": {"n": 8}}
    back = Phrase.model_validate_json(said.model_dump_json())
    assert back == said and back.params["n"] == 8  # a number stays a number
