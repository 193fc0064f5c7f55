"""The codebook describes every column so that an export can be read without us; the zip carries it."""

import csv
import io
import json
import zipfile

import pytest

from service import catalogs
from service.domain.codebook import bundle, codebook
from service.domain.export import CohortData, export_metadata, participant_export, submission_export, to_csv
from tests.factories import cohort, small_bank, submission

KEY = b"k" * 32


def export(kind="submissions"):
    subs = []
    for i in range(6):
        subs.append(submission(f"h{i}", "pre", demographics={"role": "police"}))
        subs.append(submission(f"h{i}", "post"))
    build = submission_export if kind == "submissions" else participant_export
    return build([CohortData(cohort(), small_bank(), subs)], export_key=KEY, k=5)


@pytest.mark.parametrize("kind", ["submissions", "participants"])
def test_every_column_is_described_in_order_in_both_languages(kind):
    exported = export(kind)
    book = codebook(exported, catalogs.in_languages)
    assert [column["name"] for column in book["columns"]] == exported.columns
    for column in book["columns"]:
        assert set(column["label"]) == {"uk", "en"} and set(column["meaning"]) == {"uk", "en"}, column["name"]
        assert all(column["label"].values()) and all(column["meaning"].values())
        assert column["type"] in {"string", "category", "number", "date"}
        assert "allowed_values" in column


def test_labels_come_from_the_catalogs_and_the_banks_own_texts():
    columns = {column["name"]: column for column in codebook(export(), catalogs.in_languages)["columns"]}
    assert columns["region"]["label"] == {"uk": "Регіон", "en": "Region"}
    assert columns["phase"]["value_labels"]["pre"] == {"uk": "до навчання", "en": "before the training"}
    assert columns["topic.t1"]["label"] == {"uk": "Topic one (uk)", "en": "Topic one"}
    assert columns["item.q2"]["label"] == {"uk": "Question q2 (uk)", "en": "Question q2"}
    assert columns["item.q2"]["allowed_values"] == {"minimum": 0, "maximum": 1}


def test_quasi_identifiers_list_the_suppressed_value():
    columns = {column["name"]: column for column in codebook(export(), catalogs.in_languages)["columns"]}
    role = columns["demographic.role"]
    assert role["allowed_values"] == ["police", "other", "", "suppressed"]
    assert role["value_labels"]["police"] == {"uk": "Police (uk)", "en": "Police"}
    assert role["value_labels"][""]["uk"] == "немає відповіді"
    assert role["quasi_identifier"] is True and "quasi_identifier" not in columns["percent"]
    assert columns["submitted_day"]["allowed_values"]["or"] == ["suppressed"]


def test_the_zip_holds_csv_jsonl_codebook_metadata_and_the_bank_versions():
    exported = export()
    metadata = export_metadata(exported, generated_on="2026-05-05", pseudonym_key="study-a", filters={})
    archive = zipfile.ZipFile(io.BytesIO(bundle(exported, metadata, codebook(exported, catalogs.in_languages))))
    names = set(archive.namelist())
    assert names == {"submissions.csv", "submissions.jsonl", "codebook.json", "metadata.json", "banks/small-1.json"}
    assert archive.read("submissions.csv").decode("utf-8") == to_csv(exported)
    rows = list(csv.DictReader(io.StringIO(archive.read("submissions.csv").decode("utf-8-sig"))))
    assert len(rows) == len(archive.read("submissions.jsonl").splitlines()) == 12
    stored_meta = json.loads(archive.read("metadata.json"))
    assert stored_meta["k"] == 5 and stored_meta["files"] == sorted(names)
    assert stored_meta["pseudonym_key"]["name"] == "study-a"
    bank = json.loads(archive.read("banks/small-1.json"))
    assert bank["sha256"] == "0" * 64 and bank["questions"][0]["options"][1]["correct"] is True
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
