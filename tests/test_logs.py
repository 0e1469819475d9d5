"""Tests for reading interaction logs from CSV with column mappings."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import os
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given

from clientcustomer import (
    Interaction,
    LogColumns,
    LogReader,
    RejectedRow,
    read_log,
    signals_by_party,
)
from clientcustomer.exceptions import ValidationError
from clientcustomer.testing import interaction_logs

NATIVE_HEADER = "party_id,on,kind,item,offering,amount,customized,collaborative,reference\n"
RETAIL_HEADER = (
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
)
RETAIL = (
    RETAIL_HEADER
    + "536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n"
    + "536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom\n"
    + "C536379,22633,HAND WARMER UNION JACK,-6,12/1/2010 9:41,1.85,17850.0,United Kingdom\n"
    + '536381,82567,"AIRLINE LOUNGE,METAL SIGN",2,12/1/2010 9:41,2.1,15311.0,United Kingdom\n'
    + "536414,22139,,56,12/1/2010 11:52,0,,United Kingdom\n"
    + "536500,22139,RETURNED,-2,12/2/2010 10:00,3.00,15311.0,United Kingdom\n"
)


OPTIONAL = ("kind", "item", "offering", "amount", "customized", "collaborative", "reference")


def only(*fields: str, columns: LogColumns | None = None) -> LogColumns:
    """The columns with every optional fact but ``fields`` stated absent."""
    base = LogColumns() if columns is None else columns
    return base.without(*(field for field in OPTIONAL if field not in fields))


def native(*rows: str, header: str = NATIVE_HEADER) -> io.StringIO:
    return io.StringIO(header + "".join(row + "\n" for row in rows))


def read_all(source, columns=None, **options) -> list[Interaction]:
    with read_log(source, columns, **options) as log:
        return list(log)


def error_of(source, columns=None, **options) -> str:
    with pytest.raises(ValidationError) as caught:
        read_all(source, columns, **options)
    return str(caught.value)


def to_native_csv(interactions: list[Interaction]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(NATIVE_HEADER.strip().split(","))
    for i in interactions:
        writer.writerow(
            [
                i.party_id,
                i.on.isoformat(),
                i.kind.value,
                i.item,
                i.offering.value,
                str(i.amount),
                str(i.customized).lower(),
                "yes" if i.collaborative else "no",
                i.reference,
            ]
        )
    return out.getvalue()


class TestLogColumns:
    def test_defaults_are_the_native_layout(self):
        """The default mapping names the library's own columns."""
        columns = LogColumns()
        assert ("party_id", "on", "kind", None) == (
            columns.party,
            columns.date,
            columns.kind,
            columns.quantity,
        )

    def test_quantity_needs_unit_price(self):
        """quantity and unit_price are mapped together."""
        with pytest.raises(ValidationError) as caught:
            LogColumns(quantity="Quantity")
        assert "$.unit_price" == caught.value.field

    def test_party_is_required(self):
        """The party column cannot be None."""
        with pytest.raises(ValidationError) as caught:
            LogColumns(party=None)  # type: ignore[arg-type]
        assert "$.party: expected a column name, got None" == str(caught.value)

    def test_blank_names_are_refused(self):
        """A blank column name is refused."""
        with pytest.raises(ValidationError) as caught:
            LogColumns(item=" ")
        assert "$.item: expected a column name or None, got ' '" == str(caught.value)

    def test_empty_prefix_is_refused(self):
        """An empty cancellation prefix is refused."""
        with pytest.raises(ValidationError) as caught:
            LogColumns(cancellation_prefix="")
        assert "$.cancellation_prefix" == caught.value.field


class TestNativeLog:
    def test_full_row(self):
        """Every native column is read into the interaction."""
        rows = read_all(native("acme,2026-03-02,workshop,design,service,120.50,yes,no,W-1"))
        expected = Interaction(
            "acme",
            dt.date(2026, 3, 2),
            "workshop",
            item="design",
            offering="service",
            amount=Decimal("120.50"),
            customized=True,
            collaborative=False,
            reference="W-1",
        )
        assert [expected] == rows

    def test_blank_optional_values_take_defaults(self):
        """Blank amount, offering and flags take the interaction's defaults."""
        rows = read_all(native("acme,2026-03-02,meeting,,,,,,"))
        assert [Interaction("acme", dt.date(2026, 3, 2), "meeting")] == rows

    def test_absent_columns_are_stated(self):
        """A file with only party, date and kind columns: the others are stated absent."""
        source = native("ann,2026-03-02,Purchase", header="party_id,on,kind\n")
        rows = read_all(source, only("kind"))
        assert [Interaction("ann", dt.date(2026, 3, 2), "purchase", customized=None)] == rows

    def test_unstated_absent_columns_are_all_named(self):
        """Without stating them, every missing column is named at once (issue 13, case 4)."""
        message = error_of(native("ann,2026-03-02,Purchase", header="party_id,on,kind\n"))
        fields = [line.split(":")[0] for line in message.splitlines()]
        assert [f"$.columns.{field}" for field in OPTIONAL[1:]] == fields
        assert "(or item=None when the file has none)" in message

    def test_renamed_columns(self):
        """Columns can be renamed through the mapping."""
        columns = only("kind", columns=LogColumns(party="who", date="when", kind="what"))
        rows = read_all(native("ann,3/2/2026,check_in", header="who,when,what\n"), columns)
        assert [Interaction("ann", dt.date(2026, 3, 2), "check_in", customized=None)] == rows

    def test_negative_amount_without_kind_column_is_a_return(self):
        """Without a kind column a negative amount is a return of that amount."""
        rows = read_all(native("ann,2026-03-02,-5", header="party_id,on,amount\n"), only("amount"))
        unrecorded = {"customized": None, "collaborative": None}  # no kinds, no flags
        expected = Interaction("ann", dt.date(2026, 3, 2), "return", amount=5, **unrecorded)
        assert [expected] == rows

    def test_date_format(self):
        """A strptime format reads day-first dates."""
        source = native("ann,02/03/2026", header="party_id,on\n")
        rows = read_all(source, only(), date_format="%d/%m/%Y")
        assert dt.date(2026, 3, 2) == rows[0].on

    def test_reads_a_path_and_a_gzip_path(self, tmp_path: Path):
        """Paths are opened and closed by the reader; .gz is decompressed."""
        text = NATIVE_HEADER + "ann,2026-03-02,purchase,,,,,,\n"
        plain = tmp_path / "log.csv"
        plain.write_text(text, encoding="utf-8")
        packed = tmp_path / "log.csv.gz"
        with gzip.open(packed, "wt", encoding="utf-8") as handle:
            handle.write(text)
        assert read_all(plain) == read_all(os.fspath(packed))

    def test_stream_stays_open(self):
        """A stream passed in is not closed by the reader."""
        stream = native("ann,2026-03-02,purchase,,,,,,")
        read_all(stream)
        assert False is stream.closed

    def test_byte_order_mark_is_ignored(self):
        """A UTF-8 byte order mark before the header is ignored."""
        rows = read_all(native("ann,2026-03-02", header="\ufeffparty_id,on\n"), only())
        assert "ann" == rows[0].party_id

    def test_blank_lines_are_not_rows(self):
        """Empty lines are skipped without counting."""
        with read_log(native("", "ann,2026-03-02,purchase,,,,,,", "")) as log:
            assert 1 == len(list(log))
            assert 1 == log.rows

    @given(log=interaction_logs(parties=("ann", "bob")))
    def test_round_trip(self, log):
        """Writing interactions as a native CSV and reading it back gives them back."""
        # The generated dates run to the end of 2026: "today" is set after them.
        assert log == read_all(io.StringIO(to_native_csv(log)), today=dt.date(2030, 1, 1))


class TestOnlineRetail:
    def test_reads_invoice_lines(self):
        """Invoice lines become purchases, C invoices cancellations, blank buyers are skipped."""
        with read_log(io.StringIO(RETAIL), LogColumns.online_retail()) as log:
            rows = list(log)
            assert (6, 1, []) == (log.rows, log.skipped_blank_party, log.rejects)
        # One row per invoice line read: party, date, kind, stock code, amount, invoice.
        lines = [
            ("17850", dt.date(2010, 12, 1), "purchase", "85123A", "15.30", "536365"),
            ("17850", dt.date(2010, 12, 1), "purchase", "22633", "11.10", "536366"),
            ("17850", dt.date(2010, 12, 1), "cancellation", "22633", "11.10", "C536379"),
            ("15311", dt.date(2010, 12, 1), "purchase", "82567", "4.2", "536381"),
            ("15311", dt.date(2010, 12, 2), "return", "22139", "6.00", "536500"),
        ]
        expected = [
            Interaction(party, on, kind, item=item, amount=Decimal(amount), reference=invoice)
            for party, on, kind, item, amount, invoice in lines
        ]
        # The layout has no kind and no flag columns: no contact or customization recorded.
        unrecorded = [attrs.evolve(i, customized=None, collaborative=None) for i in expected]
        assert unrecorded == rows

    def test_signals_of_a_retail_log(self):
        """A cancelled invoice line is not a purchase and its amount leaves the spend."""
        log = read_log(io.StringIO(RETAIL), LogColumns.online_retail())
        signals = signals_by_party(log, as_of=dt.date(2010, 12, 31))
        assert (1, 15.3, 30) == (
            signals["17850"].purchases,
            signals["17850"].spend,
            signals["17850"].recency_days,
        )
        assert (1, 0.0) == (signals["15311"].purchases, signals["15311"].spend)

    def test_real_data_set_if_present(self):
        """The UCI file, when it sits beside the project, reads without a reject."""
        path = Path(__file__).parent.parent.parent / "shared" / "data" / "online-retail.csv.gz"
        if not path.exists():
            pytest.skip("the UCI Online Retail file is not available")
        with read_log(path, LogColumns.online_retail(), on_error="skip") as log:
            first = [next(log) for _ in range(1000)]
        assert ([], "17850") == (log.rejects, first[0].party_id)


class TestBadRows:
    def test_bad_quantity(self):
        """A bad number names line, column, expected and given."""
        text = RETAIL_HEADER + "536365,85123A,HEART,six,12/1/2010 8:26,2.55,17850.0,UK\n"
        expected = "line 2, column 'Quantity': expected a number, got 'six'"
        assert expected == error_of(io.StringIO(text), LogColumns.online_retail())

    def test_bad_date_and_kind_are_both_reported(self):
        """Every problem of a row is listed, one per line."""
        expected = (
            "line 3, column 'on': expected a date (YYYY-MM-DD, ISO datetime or M/D/YYYY H:MM), "
            "got '2026-02-30'\n"
            "line 3, column 'kind': expected one of 'purchase', 'return', 'cancellation', "
            "'delivery', 'support', 'meeting', 'check_in', 'workshop', 'planning', 'training', "
            "'consultation', 'agreement_signed', 'agreement_ended', got 'buy'"
        )
        source = native("ann,2026-03-02,purchase,,,,,,", "ann,2026-02-30,buy,,,,,,")
        assert expected == error_of(source)

    def test_bad_date_with_format(self):
        """A date not in the given format names that format."""
        source = native("ann,2026-03-02", header="party_id,on\n")
        expected = "line 2, column 'on': expected a date in the format '%d/%m/%Y', got '2026-03-02'"
        assert expected == error_of(source, only(), date_format="%d/%m/%Y")

    def test_bad_flag_amount_and_offering(self):
        """Flags, amounts and offerings are checked."""
        expected = (
            "line 2, column 'offering': expected 'product', 'service', 'professional' or blank, "
            "got 'goods'\n"
            "line 2, column 'amount': expected a decimal number, got 'NaN'\n"
            "line 2, column 'customized': expected true or false (yes/no, 1/0) or blank, "
            "got 'maybe'"
        )
        assert expected == error_of(native("ann,2026-03-02,purchase,,goods,NaN,maybe,,"))

    def test_bad_offering_alone(self):
        """An unknown offering is refused."""
        source = native("ann,2026-03-02,goods", header="party_id,on,offering\n")
        assert "line 2, column 'offering'" in error_of(source, only("offering"))

    def test_negative_amount_with_kind(self):
        """With a kind column an amount must not be negative."""
        expected = (
            "line 2, column 'amount': expected a non-negative amount (the kind column says what "
            "it is), got '-3'"
        )
        assert expected == error_of(native("ann,2026-03-02,purchase,,,-3,,,"))

    def test_negative_quantity_with_kind(self):
        """With a kind column a priced line's quantity must not be negative."""
        columns = only("kind", columns=LogColumns(quantity="q", unit_price="p"))
        source = native("ann,2026-03-02,purchase,-3,2", header="party_id,on,kind,q,p\n")
        assert "line 2, column 'q': expected a non-negative quantity" in error_of(source, columns)

    def test_wrong_field_count(self):
        """A row with too few fields names the line and the counts."""
        assert "line 2: expected 9 fields, got 2" == error_of(native("ann,2026-03-02"))

    def test_malformed_csv(self):
        """A quoting error is reported with its line."""
        source = native('ann,"2026-03-02"x', header="party_id,on\n")
        assert error_of(source, only()).startswith("line 2: expected a CSV row, got ")

    def test_bad_encoding(self, tmp_path: Path):
        """Bytes that are not text in the encoding are reported."""
        path = tmp_path / "log.csv"
        path.write_bytes(b"party_id,on\nann,2026-03-02\n\xff\xfe,2026-03-02\n")
        message = error_of(path)
        assert message.startswith("line ")
        assert "expected text in utf-8" in message

    def test_bad_encoding_deep_in_the_file(self, tmp_path: Path):
        """A decoding error after many good rows names a line near it."""
        path = tmp_path / "log.csv"
        path.write_bytes(b"party_id,on\n" + b"ann,2026-03-02\n" * 5000 + b"\xff,2026-03-02\n")
        assert "expected text in utf-8" in error_of(path, only(), on_error="skip")

    def test_skip_mode_sets_malformed_rows_aside(self):
        """In skip mode a quoting error is a reject and reading goes on."""
        source = native('ann,"2026-03-02"x', "bob,2026-03-02", header="party_id,on\n")
        with read_log(source, only(), on_error="skip") as log:
            parties = [interaction.party_id for interaction in log]
        assert (["bob"], [2]) == (parties, [reject.line for reject in log.rejects])

    def test_skip_mode_collects_rejects(self):
        """In skip mode bad rows are set aside with their line and reason; good rows remain."""
        source = native(
            "ann,2026-03-02,purchase,,,,,,",
            "bob,2026-03-02,buy,,,,,,",
            "cat,2026-03-02",
            "dan,2026-03-03,meeting,,,,,,",
        )
        with read_log(source, on_error="skip") as log:
            parties = [interaction.party_id for interaction in log]
        assert ["ann", "dan"] == parties
        assert [3, 4] == [reject.line for reject in log.rejects]
        assert (
            RejectedRow(4, ("cat", "2026-03-02"), "line 4: expected 9 fields, got 2")
            == (log.rejects[1])
        )

    def test_line_numbers_follow_multiline_fields(self):
        """A quoted field spanning lines moves the line numbers on."""
        source = native('ann,2026-03-02,purchase,"two\nlines",,,,,', "bob,2026-03-02,buy,,,,,,")
        assert error_of(source).startswith("line 4, column 'kind'")


class TestHeaderAndOptions:
    def test_missing_named_column(self):
        """A column named in the mapping must be in the header."""
        with pytest.raises(ValidationError) as caught:
            read_log(io.StringIO("a,b\n"), LogColumns.online_retail())
        expected = "$.columns.party: expected a column named 'CustomerID', got 'a, b'"
        assert expected == str(caught.value).splitlines()[0]
        fields = [problem.field for problem in caught.value.problems]
        assert [
            "$.columns.party",
            "$.columns.date",
            "$.columns.item",
            "$.columns.quantity",
            "$.columns.unit_price",
            "$.columns.reference",
        ] == fields

    def test_missing_default_party_column(self):
        """The party and date columns are required even at their default names."""
        with pytest.raises(ValidationError) as caught:
            read_log(io.StringIO("on,kind\n"))
        assert str(caught.value).startswith("$.columns.party: expected a column named 'party_id'")

    def test_empty_file(self):
        """A file without a header is refused."""
        with pytest.raises(ValidationError) as caught:
            read_log(io.StringIO(""))
        assert "line 1: expected a header row naming the columns, got ''" == str(caught.value)

    def test_duplicate_column_names(self):
        """Two columns with the same name are refused."""
        with pytest.raises(ValidationError) as caught:
            read_log(io.StringIO("party_id,on,on\n"))
        assert "line 1: expected unique column names, got 'on'" == str(caught.value)

    def test_bad_header_quoting(self):
        """A malformed header is refused."""
        with pytest.raises(ValidationError) as caught:
            read_log(io.StringIO('"party_id"x,on\n'))
        assert "line 1" == caught.value.field

    def test_undecodable_header(self, tmp_path: Path):
        """A header that is not text in the encoding is refused."""
        path = tmp_path / "log.csv"
        path.write_bytes(b"\xff\xfeparty_id,on\n")
        with pytest.raises(ValidationError) as caught:
            read_log(path)
        assert "line 1" == caught.value.field

    @pytest.mark.parametrize(
        ("options", "field"),
        [
            ({"on_error": "ignore"}, "$.on_error"),
            ({"columns": {"party": "id"}}, "$.columns"),
            ({"date_format": ""}, "$.date_format"),
        ],
    )
    def test_bad_options(self, options, field):
        """Bad options are refused with the option named."""
        with pytest.raises(ValidationError) as caught:
            read_log(io.StringIO("party_id,on\n"), **options)
        assert field == caught.value.field

    def test_bad_source(self):
        """A source that is neither a path nor a stream is refused."""
        with pytest.raises(ValidationError) as caught:
            read_log(42)  # type: ignore[arg-type]
        assert "$.source: expected a file path or a text stream, got 42" == str(caught.value)

    def test_missing_file_is_an_os_error(self, tmp_path: Path):
        """A missing file raises the usual FileNotFoundError."""
        with pytest.raises(FileNotFoundError):
            read_log(tmp_path / "absent.csv")


class TestLogReader:
    def test_repr(self):
        """The reader has a short repr with its counts."""
        log = read_log(native("ann,2026-03-02,purchase,,,,,,"))
        list(log)
        assert "<clientcustomer.LogReader(rows=1, skipped_blank_party=0, rejects=0)>" == repr(log)

    def test_is_its_own_iterator(self):
        """Iterating the reader twice does not read the file twice."""
        log = read_log(native("ann,2026-03-02,purchase,,,,,,"))
        assert log is iter(log)
        assert (1, 0) == (len(list(log)), len(list(log)))

    def test_closing_a_path_reader_early(self, tmp_path: Path):
        """Closing before the end releases the file."""
        path = tmp_path / "log.csv"
        path.write_text(NATIVE_HEADER + "ann,2026-03-02,purchase,,,,,,\n", encoding="utf-8")
        log = read_log(path)
        log.close()
        log.close()
        assert isinstance(log, LogReader)

    def test_abandoned_reader_closes_its_file(self, tmp_path: Path):
        """A reader dropped before the end closes its file without a warning."""
        path = tmp_path / "log.csv"
        path.write_text(NATIVE_HEADER + "ann,2026-03-02,purchase,,,,,,\n" * 3, encoding="utf-8")
        log = read_log(path)
        next(log)
        del log
