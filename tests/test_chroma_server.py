"""Server mode: ingest into a real `chroma run` server, query it, share it between clients."""

from __future__ import annotations

import os
import subprocess
import sys

from benchmarks.servers import CORPUS, chroma_server
from ingest.pipeline import run_ingest
from netlaw import settings as _settings
from vectorstore.chroma import ChunkStore
from vectorstore.hybrid import HybridRetriever

PA = "Internet User Public Account Information Service Management Regulations"


def test_ingest_and_query_through_a_chroma_server(tmp_path):
    with chroma_server(tmp_path / "chroma") as (proc, url, port):
        s = _settings.Settings(chroma_url=url, cache_dir=tmp_path / "cache", index_refresh_s=0.0)
        report = run_ingest([CORPUS / "002_3de93cb4639c16e2.txt"], s, progress=False)
        assert report.store_chunks == report.chunks > 0
        assert not (tmp_path / "store").exists()  # nothing written to an embedded store

        hits = HybridRetriever(s).search("When did the public account regulations take effect?", k=3)
        assert (PA, "Article 18") in [(h.document, h.article) for h in hits]

        # A second, independent client (another app instance) sees the same store, and a later
        # ingest through one is picked up by the other, keyword index included.
        other = HybridRetriever(_settings.Settings(chroma_url=url, cache_dir=tmp_path / "cache2", index_refresh_s=0.0))
        assert other.search("Tianjin", k=1, mode="keyword") == []
        active = ChunkStore(s).pointer().active
        second = run_ingest([CORPUS / "001_dc8b80564701d042.txt"], s, progress=False)
        assert (ChunkStore(s).pointer().active, ChunkStore(s).pointer().gen) == (active, 1)  # appended
        assert "Tianjin" in other.search("Tianjin", k=1, mode="keyword")[0].document
        assert other.snapshot().gen == 1  # the other instance extended its index with the new chunks

        env = dict(os.environ, NETLAW_CHROMA_URL=url, NETLAW_CACHE_DIR=str(tmp_path / "cache3"))
        out = subprocess.run([sys.executable, "-m", "vectorstore", "stats"], env=env, capture_output=True,
                             text=True, cwd=_settings.PROJECT_ROOT, timeout=120)
        assert out.returncode == 0
        assert f"Chroma server 127.0.0.1:{port}" in out.stdout
        assert ChunkStore(s).count() == report.chunks + second.chunks
