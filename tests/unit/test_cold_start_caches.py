"""What the package build precomputes for a fast cold start never changes what the service serves."""

import shutil

import pytest

from service.domain import bank_snapshot
from service.domain.banks import BankError, load_published_banks
from service.settings import REPOSITORY
from service.web.compiled_templates import CompiledTemplates


@pytest.fixture
def banks_root(tmp_path):
    root = tmp_path / "question_banks"
    shutil.copytree(REPOSITORY / "question_banks", root, ignore=shutil.ignore_patterns(bank_snapshot.SNAPSHOT_NAME))
    return root


def test_current_snapshot_gives_the_same_banks_as_the_files(banks_root):
    bank_snapshot.write_snapshot(banks_root)
    from_snapshot = bank_snapshot.load_published(banks_root)
    assert from_snapshot.all() == load_published_banks(banks_root).all()
    assert [b.sha256 for b in from_snapshot.all()] == [b.sha256 for b in load_published_banks(banks_root).all()]


def test_a_bank_file_changed_after_the_snapshot_is_checked_again_and_refused(banks_root):
    bank_snapshot.write_snapshot(banks_root)
    published = banks_root / "online-child-safety" / "1.yaml"
    published.write_text(published.read_text().replace("grooming", "grooming-x", 1))
    with pytest.raises(BankError):
        bank_snapshot.load_published(banks_root)


def test_no_snapshot_means_loading_the_files(banks_root):
    assert not (banks_root / bank_snapshot.SNAPSHOT_NAME).exists()
    assert bank_snapshot.load_published(banks_root).all() == load_published_banks(banks_root).all()


def test_compiled_template_is_not_used_once_its_source_changed(tmp_path):
    from jinja2 import DictLoader, Environment

    sources = {"page.html": "old {{ x }}"}
    cache = CompiledTemplates(tmp_path, writable=True)
    Environment(loader=DictLoader(sources), bytecode_cache=cache).get_template("page.html")
    assert list(tmp_path.iterdir())
    sources["page.html"] = "new {{ x }}"
    reader = Environment(loader=DictLoader(sources), bytecode_cache=CompiledTemplates(tmp_path))
    assert reader.get_template("page.html").render(x=1) == "new 1"


def test_compiled_template_is_not_used_once_a_filter_it_calls_takes_the_context(tmp_path):
    """Jinja compiles whether a filter gets the context into the template; code compiled for the old
    filter would call the new one without it."""
    from jinja2 import DictLoader, Environment, pass_context

    sources = {"page.html": "{{ x|twice }}"}
    writer = Environment(loader=DictLoader(sources), bytecode_cache=CompiledTemplates(tmp_path, writable=True))
    writer.filters["twice"] = lambda value: value * 2
    assert writer.get_template("page.html").render(x=2) == "4"
    reader = Environment(loader=DictLoader(sources), bytecode_cache=CompiledTemplates(tmp_path))
    reader.filters["twice"] = pass_context(lambda context, value: value * 2)
    assert reader.get_template("page.html").render(x=2) == "4"


def test_trimmed_ssm_model_still_reads_the_secrets_parameter(monkeypatch):
    import json

    import boto3
    from moto import mock_aws

    from service import coldstart
    from service import settings as settings_module
    from service.settings import load_secrets_parameter
    from service.store import session

    (written,) = coldstart.trim_service_models()
    assert json.loads(written.read_text())["operations"].keys() == {"GetParameter"}
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    session.aws_session.cache_clear()
    settings_module._ssm_provider.cache_clear()
    with mock_aws():
        secrets = {"ASSESS_HMAC_KEY": "h" * 32, "ASSESS_ADMIN_TOKEN": "a" * 32, "ASSESS_EVALUATOR_TOKEN": "e" * 32}
        boto3.client("ssm", region_name="eu-west-1").put_parameter(
            Name="/assess/test/secrets", Type="SecureString", Value=json.dumps(secrets)
        )
        assert session.aws_session("eu-west-1").client("ssm").meta.service_model.operation_names == ["GetParameter"]
        assert load_secrets_parameter("/assess/test/secrets", "eu-west-1") == secrets
    session.aws_session.cache_clear()
    settings_module._ssm_provider.cache_clear()


def test_trimmed_locale_data_formats_numbers_exactly_as_babels_own(tmp_path, monkeypatch):
    from babel import Locale, localedata, numbers

    from service.web import compiled_locales

    def formatted() -> list[str]:
        values = (0, 7, 12.5, 1234.567, -3.25, 100)
        patterns = ("#,##0.#", "#,##0.##", "+#,##0.#;−#,##0.#", "0")
        return [
            text
            for language in ("uk", "en")
            for value in values
            for text in (
                *(numbers.format_decimal(value, format=pattern, locale=language) for pattern in patterns),
                numbers.format_percent(value / 100, format="#,##0.#%", locale=language),
                Locale.parse(language).plural_form(value) if isinstance(value, int) else "",
            )
        ]

    for cache in ("_cache", "_dict_cache"):  # Babel's own, complete data
        monkeypatch.setattr(localedata, cache, {})
    full = formatted()
    compiled_locales.write(("uk", "en"), tmp_path)
    monkeypatch.setattr(localedata, "_cache", {})
    monkeypatch.setattr(localedata, "_dict_cache", {})
    monkeypatch.setattr(compiled_locales, "FOLDER", tmp_path)
    compiled_locales.init_app(None)
    assert "languages" not in localedata._cache["uk"] and "number_symbols" in localedata._cache["uk"]
    assert formatted() == full


def test_the_package_build_writes_every_cache_of_the_cold_start_table_in_its_order(monkeypatch):
    import dataclasses

    from serverless import prebuild
    from service import coldstart

    ran = []
    steps = [dataclasses.replace(c, build=lambda c=c: ran.append(c.name)) if c.build else c for c in coldstart.CACHES]
    monkeypatch.setattr(coldstart, "CACHES", tuple(steps))
    prebuild.prepare()
    assert ran == [cache.name for cache in coldstart.CACHES if cache.build]
    assert all((REPOSITORY / cache.module).is_file() for cache in coldstart.CACHES)
