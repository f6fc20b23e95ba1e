"""CSV import peers (issue 5): polars.read_csv (plain read, no validation) and pandas read_csv plus
the validation sequenza does (e-mail regex, phone numbers with the `phonenumbers` library when
installed, dd/mm/yyyy dates, 1.234,56 amounts), on the file written by `gen-import-data`.

    cargo run --release -p sequenza-benches --bin gen-import-data -- 1000000
    .venv/bin/python benches/peers/import_peers.py 1000000
"""

import re
import sys
import time
from pathlib import Path

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
path = Path(__file__).resolve().parent.parent / "data" / f"import_{rows}.csv"

import polars as pl  # noqa: E402
import pandas as pd  # noqa: E402

t = time.perf_counter()
df = pl.read_csv(path, separator=";", infer_schema_length=0)
polars_s = time.perf_counter() - t
print(f"polars.read_csv (plain, strings): {rows} rows in {polars_s:.2f} s")

try:
    import phonenumbers
except ImportError:  # pragma: no cover
    phonenumbers = None

EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def phone(s):
    if not isinstance(s, str) or not s:
        return None
    try:
        n = phonenumbers.parse(s, "IT")
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(n):
        return False
    return phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)


t = time.perf_counter()
pdf = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
email = pdf["E-mail"].str.strip().str.lower()
email_ok = email.str.match(EMAIL)
birth = pd.to_datetime(pdf["Data di nascita"], format="%d/%m/%Y", errors="coerce")
spend = pd.to_numeric(pdf["Totale speso"].str.replace(".", "", regex=False).str.replace(",", ".", regex=False), errors="coerce")
if phonenumbers is not None:
    phones = pdf["Cellulare"].map(phone)
bad = (~email_ok) | birth.isna() | spend.isna()
if phonenumbers is not None:
    bad |= phones.eq(False)
deduped = pdf[~bad].drop_duplicates(subset=["E-mail"])
pandas_s = time.perf_counter() - t
label = "with phonenumbers" if phonenumbers is not None else "WITHOUT phone validation (phonenumbers not installed)"
print(f"pandas read_csv + validation ({label}): {rows} rows in {pandas_s:.2f} s; kept {len(deduped)}")
