"""The reader: one general reader behind a small interface (``qa.reading.reader.Reader``).

question analysis (``question``) → the refusal gate over the retrieved articles (``gate``) → sentence
scoring (``scoring``) → span choice (``evidence``, ``spans``) → the answer lines (``compose``, and
``kinds`` for a whole article, a summary, a comparison, what changed) → answerability (``reader``:
is the asked fact stated; may a weak-evidence refusal be overturned). Every backend goes through it;
the extractive backend writes what it chose. The rules that are patterns are a table
(``patterns.RULES``); weights and thresholds are settings (``netlaw.settings.ReaderSettings``).

Submodules are imported by name (``from qa.reading.reader import GeneralReader``): this package
imports nothing itself, so ``qa.reading.question`` can be imported on its own.
"""
