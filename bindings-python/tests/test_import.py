"""CSV import (issue 5): the shared vectors core/tests/vectors/import_csv.json through
``import_csv`` (with and without an ``Audience``), every fixture under examples/data/import/
through ``preview_csv``, and the Python-only behaviour: paths / bytes, options as keywords,
progress callback, errors, export round trip."""

import base64
import json
import os
import pathlib
from datetime import datetime, timezone

import pytest

import sequenza
from sequenza import Audience, CsvImportError, ImportReport, SequenzaError
from conftest import ROOT

VECTORS = pathlib.Path(os.environ.get("SEQUENZA_VECTORS_DIR") or ROOT / "core" / "tests" / "vectors")
V = json.loads((VECTORS / "import_csv.json").read_text(encoding="utf-8"))
FIELDS = (ROOT / V["fields"]).read_text(encoding="utf-8")
NOW = V["now"]
DATA = ROOT / "examples" / "data" / "import"
UTC = timezone.utc


def _input(case):
    if "file" in case:
        return (ROOT / case["file"]).read_bytes()
    if "text" in case:
        return case["text"].encode("utf-8")
    return base64.b64decode(case["base64"])


def _check(case, run):
    if "error" in case:
        with pytest.raises(CsvImportError) as info:
            run()
        want = case["error"]
        assert info.value.code == want["code"]
        for key in ("row", "column"):
            if key in want:
                assert getattr(info.value, key) == want[key], key
        return None
    report = run()
    assert isinstance(report, ImportReport)
    for key, value in case.get("detected", {}).items():
        assert report.detected[key] == value, key
    counts = case["counts"]
    got = {"rows": report.rows, "imported": report.imported, "updated": report.updated,
           "duplicates": report.duplicates, "rejected": report.rejected_rows}
    for key, value in counts.items():
        assert got[key] == value, key
    assert report.imported + report.updated + report.duplicates + report.rejected_rows == report.rows
    rejected = report.rejected
    assert len(rejected) == len(case["rejections"])
    for want, have in zip(case["rejections"], rejected):
        assert set(have) >= {"row", "column", "column_name", "code", "value"}
        for key, value in want.items():
            assert have[key] == value, (key, have)
    return report


CASES = [pytest.param(c, id=f"{i}-{c['name']}") for i, c in enumerate(V["cases"])]


@pytest.mark.parametrize("case", CASES)
def test_vector_into_audience(case):
    audience = Audience()
    for c in case.get("existing", []):
        audience.upsert_contact(c, NOW)
    report = _check(case, lambda: sequenza.import_csv(
        _input(case), now=NOW, fields=FIELDS, audience=audience, **case["options"]))
    if report is None:
        assert audience.lists() == []
        return
    assert report.list_id == "import-2026-11-25-1851"
    lst = audience.get_list(report.list_id)
    assert lst["name"] == "Import 2026-11-25 18:51"
    assert lst["source"]["type"] == "csv_import"
    # The list holds every contact the file imported, updated or repeated.
    members = set(audience.member_ids(report.list_id))
    assert len(members) >= report.imported
    assert {d["contact"] for d in report.duplicate_rows} <= members
    assert len(audience) == len(case.get("existing", [])) + report.imported
    assert report.changes == []


@pytest.mark.parametrize("case", [c for c in CASES if "existing" not in c.values[0]])
def test_vector_without_audience(case):
    report = _check(case, lambda: sequenza.import_csv(_input(case), now=NOW, fields=FIELDS, **case["options"]))
    if report is not None:
        assert report.list_id is None and report.changes == []


@pytest.mark.parametrize("case", [c for c in CASES if "file" in c.values[0]])
def test_vector_from_a_path(case):
    path = ROOT / case["file"]
    _check(case, lambda: sequenza.import_csv(path, now=NOW, fields=FIELDS, **case["options"]))
    _check(case, lambda: sequenza.import_csv(str(path), now=NOW, fields=FIELDS, **case["options"]))


@pytest.mark.parametrize("path", sorted(p for p in DATA.iterdir() if p.suffix in (".csv", ".tsv")), ids=lambda p: p.name)
def test_every_fixture_previews_or_fails_with_a_code(path):
    try:
        preview = sequenza.preview_csv(path, fields=FIELDS)
    except CsvImportError as e:
        assert e.code.startswith("import.")
        return
    assert set(preview) == {"detected", "columns", "rows"}
    for row in preview["rows"]:
        assert len(row["cells"]) == len(preview["columns"]) or row["rejections"]


def test_preview_shop_export():
    preview = sequenza.preview_csv(DATA / "shop_export_windows1252.csv", fields=FIELDS, preview_rows=3)
    assert preview["detected"]["encoding"] == "windows-1252"
    assert preview["detected"]["delimiter"] == ";"
    assert len(preview["rows"]) == 3
    targets = {c["name"]: c["target"] for c in preview["columns"]}
    assert "email" in targets.values() and "phone" in targets.values()
    forced = sequenza.preview_csv(DATA / "shop_export_windows1252.csv", delimiter=",", encoding="utf-8")
    assert forced["detected"]["delimiter"] == "," and forced["detected"]["encoding"] == "utf-8"


# ---- options ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, name", [
    ({"delimeter": ";"}, "delimeter"),
    ({"delimiter": 3}, "delimiter"),
    ({"delimiter": ";;"}, "delimiter"),
    ({"policy": "replace"}, "policy"),
    ({"preview_rows": -1}, "preview_rows"),
    ({"header": "yes"}, "header"),
    ({"mapping": {"email": 3}}, "mapping"),
    ({"default_region": 39}, "default_region"),
])
def test_ill_typed_or_misnamed_options(kwargs, name):
    for call in (lambda: sequenza.preview_csv(b"email\na@b.it\n", **kwargs),
                 lambda: sequenza.import_csv(b"email\na@b.it\n", now=NOW, **kwargs)):
        with pytest.raises(CsvImportError) as info:
            call()
        assert info.value.code == "import.option.invalid"
        assert info.value.column_name == name
        assert isinstance(info.value, SequenzaError)


def test_mapping_and_region():
    csv = "Nome;Tel;Note\nAnna;0612345678;x\n"
    r = sequenza.import_csv(csv.encode(), now=NOW, mapping={"Tel": "phone", "Note": None})
    assert (r.imported, r.rejected_rows) == (1, 0)
    a = Audience()
    r = sequenza.import_csv(csv.encode(), now=NOW, audience=a, mapping={"Tel": "phone", "Note": None}, default_region="IT")
    contact = a.contact(a.member_ids(r.list_id)[0])
    assert contact["phone"] == "+390612345678"
    assert "Note" not in contact.get("fields", {})
    with pytest.raises(CsvImportError) as info:
        sequenza.import_csv(csv.encode(), now=NOW, mapping={"Missing": "email"})
    assert info.value.code == "import.mapping.unknown_column"
    assert info.value.column_name == "Missing"


def test_bad_arguments_are_type_errors():
    with pytest.raises(TypeError):
        sequenza.import_csv(42, now=NOW)
    with pytest.raises(TypeError):
        sequenza.import_csv(b"a\n1\n", now=NOW, on_progress=3)
    with pytest.raises(TypeError):
        sequenza.import_csv(b"a\n1\n", now=NOW, audience="nope")
    with pytest.raises(TypeError):
        sequenza.import_csv(b"a\n1\n")  # now is required
    with pytest.raises(sequenza.NaiveDatetimeError):
        sequenza.import_csv(b"a\n1\n", now=datetime(2026, 1, 1))
    with pytest.raises(FileNotFoundError):
        sequenza.import_csv(DATA / "no_such_file.csv", now=NOW)


def test_bytes_like_inputs():
    data = b"email\nanna@example.com\n"
    for source in (data, bytearray(data), memoryview(data)):
        assert sequenza.import_csv(source, now=NOW).imported == 1


# ---- errors of the file -------------------------------------------------------------------------------


def test_file_errors_locate():
    with pytest.raises(CsvImportError) as info:
        sequenza.import_csv(DATA / "duplicate_header.csv", now=NOW)
    e = info.value
    assert e.code == "import.header.duplicate"
    assert e.row == 1 and e.column is not None and e.column_name
    with pytest.raises(CsvImportError) as info:
        sequenza.preview_csv(b"")
    assert info.value.code == "import.empty"
    assert info.value.path is None and info.value.line is None


def test_ten_megabytes_in_one_cell_is_a_rejection(tmp_path):
    path = tmp_path / "big_cell.csv"
    with open(path, "wb") as f:
        f.write(b"email,note\n")
        f.write(b"anna@example.com,ok\n")
        f.write(b"bruno@example.com," + b"x" * (10 << 20) + b"\n")
        f.write(b"carla@example.com,ok\n")
    r = sequenza.import_csv(path, now=NOW)
    assert (r.rows, r.imported, r.rejected_rows) == (3, 2, 1)
    assert r.rejected[0]["code"] == "import.cell.too_large"
    assert r.rejected[0]["row"] == 3
    assert len(r.rejected[0]["value"]) <= 200


# ---- progress -----------------------------------------------------------------------------------------


def _big_file(tmp_path, rows):
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("email;nome;telefono\n")
        for i in range(rows):
            f.write(f"user{i}@example.com;Nome {i};333{i:07d}\n")
    return path


def test_progress_callback_sees_rows_and_bytes(tmp_path):
    path = _big_file(tmp_path, 20_000)
    calls = []
    a = Audience()
    r = sequenza.import_csv(path, now=NOW, audience=a, on_progress=lambda rows, read: calls.append((rows, read)))
    assert r.imported == 20_000 and a.member_count(r.list_id) == 20_000
    assert len(calls) >= 3
    assert calls == sorted(calls)
    assert calls[-1] == (20_000, path.stat().st_size)


class Stop(Exception):
    pass


def test_progress_exception_propagates_and_stops(tmp_path):
    path = _big_file(tmp_path, 200_000)
    seen = []

    def on_progress(rows, read):
        seen.append(rows)
        raise Stop("enough")

    a = Audience()
    with pytest.raises(Stop, match="enough") as info:
        sequenza.import_csv(path, now=NOW, audience=a, on_progress=on_progress)
    assert len(seen) == 1
    assert 0 < len(a) < 200_000  # stopped early: rows of the chunks already read stay written
    assert isinstance(info.value.report, ImportReport)


def test_an_import_stopped_at_row_n_leaves_a_record(tmp_path):
    # Every third contact is tagged vip; an auto-updating list follows the tag.
    path = tmp_path / "tagged.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("email;tags\n")
        for i in range(40_000):
            f.write(f"c{i}@example.com;{'vip' if i % 3 == 0 else ''}\n")
    a = Audience()
    a.create_list({"id": "vip", "name": "VIP", "source": {"type": "tag", "tag": "vip"}, "auto_update": True}, NOW)

    def on_progress(rows, read):
        if rows >= 16_384:
            raise Stop("enough")

    with pytest.raises(Stop) as info:
        sequenza.import_csv(path, now=NOW, audience=a, on_progress=on_progress)
    r = info.value.report
    assert 16_384 <= r.rows < 40_000
    assert r.imported + r.updated + r.duplicates + r.rejected_rows == r.rows
    assert r.imported == len(a) == a.member_count(r.list_id)
    written = a.member_ids(r.list_id)
    vip = {c for c in written if "vip" in a.contact(c).get("tags", [])}
    assert vip and set(a.member_ids("vip")) == vip
    assert {c["contact"] for c in r.changes if c["list"] == "vip" and c["change"] == "entered"} == vip
    for cid in written:
        assert r.list_id in a.contact(cid).get("lists", [])


# ---- export -------------------------------------------------------------------------------------------


def test_export_round_trip(tmp_path):
    a = Audience()
    r = sequenza.import_csv(DATA / "shop_export_windows1252.csv", now=NOW, audience=a, fields=FIELDS)
    text = sequenza.export_csv(a, list_id=r.list_id)
    assert text.startswith("id,email,phone,time_zone,locale,tags")
    out = tmp_path / "out.csv"
    assert sequenza.export_csv(a, out, list_id=r.list_id) == a.member_count(r.list_id)
    b = Audience()
    r2 = sequenza.import_csv(out, now=NOW, audience=b, fields=FIELDS, delimiter=",", decimal=".")
    assert r2.rejected_rows == 0 and r2.imported == a.member_count(r.list_id)
    for cid in a.member_ids(r.list_id):
        want, got = a.contact(cid), b.contact(cid)
        assert {k: v for k, v in got.items() if k != "lists"} == {k: v for k, v in want.items() if k != "lists"}
    contacts = [{"id": "c1", "email": "anna@example.com", "fields": {"city": "Forlì, FC"}}]
    assert sequenza.export_csv(contacts) == 'id,email,phone,time_zone,locale,tags,city\nc1,anna@example.com,,,,,"Forlì, FC"\n'
    # Without a list: the whole audience.
    a.upsert_contact({"id": "walk-in"}, NOW)
    whole = sequenza.export_csv(a)
    assert whole.count("\n") == len(a) + 1 and "walk-in" in whole
    with pytest.raises(sequenza.ListError):
        sequenza.export_csv(a, list_id="nope")


def test_report_to_dict_and_repr():
    a = Audience()
    a.create_list({"id": "vip", "name": "VIP", "source": {"type": "tag", "tag": "vip"}, "auto_update": True}, NOW)
    r = sequenza.import_csv(b"email;tags\nanna@example.com;vip\n", now=NOW, audience=a, list_name="Clienti")
    assert a.get_list(r.list_id)["name"] == "Clienti"
    assert [(c["list"], c["change"]) for c in r.changes] == [("vip", "entered")]
    assert r.changes[0]["at"] == datetime(2026, 11, 25, 18, 51, tzinfo=UTC)
    d = r.to_dict()
    assert d["list_id"] == r.list_id and d["imported"] == 1 and d["changes"][0]["at"] == NOW
    assert repr(r).startswith("ImportReport(rows=1, imported=1") and 'list_id="import-' in repr(r)
    assert "list_id=None" in repr(sequenza.import_csv(b"email\nanna@example.com\n", now=NOW))


def test_date_times_without_an_offset_are_wall_times_in_the_audience_zone():
    fields = {"fields": [{"key": "last_order_at", "type": "datetime"}]}
    csv = b"email;last_order_at\nanna@example.com;25/11/2026 18:51\n"
    now = datetime(2026, 11, 25, 18, 0, tzinfo=timezone.utc)
    rome = Audience("Europe/Rome")
    report = sequenza.import_csv(csv, now=now, fields=fields, audience=rome)
    anna = rome.member_ids(report.list_id)[0]
    assert rome.contact(anna)["fields"]["last_order_at"] == "2026-11-25T17:51:00Z"
    utc = Audience()
    report = sequenza.import_csv(csv, now=now, fields=fields, audience=utc, time_zone="UTC")
    anna = utc.member_ids(report.list_id)[0]
    assert utc.contact(anna)["fields"]["last_order_at"] == "2026-11-25T18:51:00Z"
    with pytest.raises(CsvImportError) as e:
        sequenza.import_csv(csv, now=now, fields=fields, time_zone="Europe/Atlantis")
    assert (e.value.code, e.value.column_name) == ("import.option.invalid", "time_zone")


# ---- identity, field schema, encodings (issue 10) ------------------------------------------------------


SHOP = "Nome;Città;E-mail\nAnna;Roma;anna@example.com\nCarla;Forlì;\n".encode("utf-8")
SHOP_FIELDS = {"fields": [{"key": "first_name", "type": "text"}, {"key": "city", "type": "text"}]}


def test_a_row_without_identity_is_rejected_unless_anonymous():
    r = sequenza.import_csv(SHOP, now=NOW, fields=SHOP_FIELDS)
    assert (r.imported, r.rejected_rows) == (1, 1)
    assert r.rejected[0]["code"] == "import.row.no_identity"
    a = Audience()
    first = sequenza.import_csv(SHOP, now=NOW, audience=a, fields=SHOP_FIELDS, anonymous=True)
    assert first.imported == 2
    again = sequenza.import_csv(SHOP, now=NOW, audience=a, fields=SHOP_FIELDS, anonymous=True)
    assert again.imported == 0 and len(a) == 2


def test_audience_field_schema_is_enforced():
    schema = {"fields": [{"key": "points", "type": "number", "default": 0},
                         {"key": "vip", "type": "boolean"}]}
    a = Audience("Europe/Rome", fields=schema)
    a.upsert_contact({"id": "anna"}, NOW)
    assert a.contact("anna")["fields"]["points"] == 0
    with pytest.raises(sequenza.ListError) as info:
        a.upsert_contact({"id": "bea", "fields": {"vip": "sì"}}, NOW)
    assert (info.value.code, info.value.path) == ("list.field.invalid", "/fields/vip")
    assert a.contact("bea") is None


def test_an_8_bit_file_past_the_sniffed_prefix_is_read_in_its_encoding():
    rows = ["email;first_name"] + [f"u{i}@example.com;Mario" for i in range(5000)]
    data = ("\n".join(rows) + "\n").encode("ascii") + "x@example.com;Niccolò\n".encode("cp1252")
    assert len(data) > 64 * 1024
    r = sequenza.import_csv(data, now=NOW, fields=SHOP_FIELDS)
    assert r.rejected_rows == 0 and r.imported == 5001
    assert r.detected["encoding"] == "windows-1252"
    assert r.detected["encoding_reason"] == "switched"
