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
