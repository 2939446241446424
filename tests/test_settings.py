"""The settings object: groups keep flat names and NETLAW_* variables, data paths derive from
data_dir, one upload limit, backend names checked. Pure: no store, no model."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest
from pydantic import ValidationError

from netlaw import settings as _settings


def test_every_data_path_derives_from_data_dir(tmp_path):
    s = _settings.Settings(data_dir=tmp_path)
    for name, relative in _settings.DATA_PATHS.items():
        assert getattr(s, name) == tmp_path / relative, name


def test_data_dir_from_the_environment_and_a_path_set_itself_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("NETLAW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NETLAW_AUDIT_DIR", str(tmp_path / "elsewhere"))
    s = _settings.Settings(feedback_db=Path("/srv/f.sqlite"), vector_cache=None)
    assert (s.store_dir, s.upload_dir) == (tmp_path / "store", tmp_path / "uploads")
    assert (s.audit_dir, s.feedback_db) == (tmp_path / "elsewhere", Path("/srv/f.sqlite"))
    assert s.vector_cache is None


def test_grouped_fields_keep_their_flat_names_and_variables(monkeypatch):
    monkeypatch.setenv("NETLAW_RETRIEVAL_K", "7")
    monkeypatch.setenv("NETLAW_GATE_MIN_DENSE", "0.5")
    monkeypatch.setenv("NETLAW_MAX_FILE_MB", "3")
    s = _settings.Settings()
    assert (s.retrieval_k, s.gate_min_dense, s.max_file_mb) == (7, 0.5, 3.0)
    groups = (_settings.PathSettings, _settings.StoreSettings, _settings.RetrievalSettings,
              _settings.GateSettings, _settings.ReaderSettings, _settings.RankingSettings,
              _settings.BackendSettings, _settings.ServingSettings)
    names = [n for g in groups for n in g.model_fields]
    assert len(names) == len(set(names))
    assert set(names) == set(_settings.Settings.model_fields)
    assert all(f.description for f in _settings.Settings.model_fields.values())


def test_one_upload_limit():
    fields = _settings.Settings.model_fields
    assert "max_file_mb" in fields
    assert "max_upload_mb" not in fields


def test_backend_is_one_of_the_names():
    assert get_args(_settings.BackendName) == ("extractive", "local", "openai")
    assert _settings.Settings(backend="local").backend == "local"
    with pytest.raises(ValidationError):
        _settings.Settings(backend="gpt")
