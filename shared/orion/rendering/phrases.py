"""Messages kept as English templates and their values, so every reader sees them in their language.

A stored message (a saved source's run message, its pause reason) is a tuple of :class:`Phrase`: each
an English sentence or fragment with ``{name}`` placeholders and the values to fill them. The English
text a program keeps beside it (an API's ``message``) is :func:`english` of the phrases: each filled
in, joined by one space. A page renders them with its own translator (:func:`render`), whose catalogue
is keyed by the English template. A message that wraps another ("The fr feed could not be fetched:
...") is the wrapping phrase followed by the wrapped message's phrases, each translated on its own.

A phrase whose text is not a template of the code (an import job's message, another service's error) is
kept as it is, without values: a translator shows it in English unless its catalogue happens to know it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pydantic import BaseModel, ConfigDict, Field

Translate = Callable[..., str]  # (english template, **values) -> the text in the reader's language


class Phrase(BaseModel):
    """One English template (``"{n} products published."``) and its values (``{"n": 8}``)."""

    model_config = ConfigDict(frozen=True)

    text: str
    params: dict[str, int | str] = Field(default_factory=dict)

    def english(self) -> str:
        # Filled in only when it has values, as the console's translator does: a phrase kept as it is
        # may hold braces of its own.
        return self.text.format(**self.params) if self.params else self.text


def phrase(text: str, **params: int | str) -> Phrase:
    """``Phrase(text=text, params=params)``, shorter where messages are written."""
    return Phrase(text=text, params=params)


def as_phrases(parts: Iterable[Phrase | str]) -> tuple[Phrase, ...]:
    """The parts as phrases (a string is a phrase kept as it is)."""
    return tuple(part if isinstance(part, Phrase) else Phrase(text=part) for part in parts)


def english(parts: Iterable[Phrase]) -> str:
    """The message in English: each phrase filled in, joined by one space."""
    return " ".join(part.english() for part in parts)


def render(parts: Iterable[Phrase], translate: Translate) -> str:
    """The message in a reader's language: each phrase through ``translate`` (which fills it in)."""
    return " ".join(translate(part.text, **part.params) for part in parts)


__all__ = ["Phrase", "Translate", "as_phrases", "english", "phrase", "render"]
