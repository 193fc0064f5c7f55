from service.domain.export import SUPPRESSED, Export, suppress_small_classes, to_csv


def rows(*specs):
    return [{"pseudonym": p, "region": r, "language": "uk", "demographic.role": role} for p, r, role in specs]


def test_classes_smaller_than_k_are_suppressed_and_counted():
    data = rows(*[(f"p{i}", "Kyiv", "police") for i in range(5)], ("x1", "Lviv", "educator"), ("x2", "Lviv", "police"))
    suppressed = suppress_small_classes(data, ["region", "language", "demographic.role"], k=5)
    assert suppressed == 2
    assert [row["region"] for row in data] == ["Kyiv"] * 5 + [SUPPRESSED, SUPPRESSED]
    assert data[-1]["demographic.role"] == SUPPRESSED


def test_classes_count_participants_not_rows():
    data = rows(*[("same", "Kyiv", "police")] * 6)
    assert suppress_small_classes(data, ["region"], k=5) == 6


def test_csv_has_a_bom_one_header_and_neutralises_formulas():
    export = Export(
        columns=["pseudonym", "region"], rows=[{"pseudonym": "a", "region": "=HYPERLINK(1)"}], k=5, suppressed_rows=0
    )
    text = to_csv(export)
    assert text.startswith("\ufeffpseudonym,region\r\n")
    assert "'=HYPERLINK(1)" in text
