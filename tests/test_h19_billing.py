"""Issue 19: clients hiding in billing data.

Absent columns are unknown, not zero; a billing-only log records no contacts; professional
services are customized by nature; a retainer (recurring professional billing over months) is an
ongoing engagement the relationship aspect sees.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings

import clientcustomer as cc
from clientcustomer import testing

BILLING = cc.LogColumns(
    kind=None, customized=None, collaborative=None, item="item", offering="offering"
)
"""A billing export: party, date, item, offering, amount, reference; no kinds, no flags."""

BILLING_HEADER = "party_id,on,item,offering,amount,reference\n"


def _monthly(party: str, months: int, *, item: str, offering: str, amount: str) -> str:
    lines = []
    for index in range(months):
        year, month = divmod(index, 12)
        lines.append(
            f"{party},{2024 + year}-{month + 1:02d}-28,{item},{offering},{amount},{party}-{index}\n"
        )
    return "".join(lines)


def _signals(text: str, columns: cc.LogColumns = BILLING) -> dict[str, cc.Signals]:
    log = list(cc.read_log(io.StringIO(text), columns))
    as_of = max(i.on for i in log) + dt.timedelta(days=1)
    return cc.signals_by_party(log, as_of=as_of)


class TestAbsentColumnsAreUnknown:
    def test_a_declared_absent_customized_column_leaves_customization_unknown(self):
        """A log stated to have no customized column has an unknown customization, not 0."""
        text = BILLING_HEADER + "ann,2026-01-05,shirt,product,40,A1\n"
        assert _signals(text)["ann"].customization is None

    def test_a_billing_only_log_records_no_contacts(self):
        """A log with no kinds and no collaborative flags has an unknown collaborative share."""
        text = BILLING_HEADER + "ann,2026-01-05,shirt,product,40,A1\n"
        assert _signals(text)["ann"].collaborative_share is None

    def test_a_log_that_records_contacts_and_shows_none_is_transactional(self):
        """With a kind column the log records contacts: a party that only bought shares 0."""
        text = (
            "party_id,on,kind,item,offering,amount,reference\n"
            "ann,2026-01-05,purchase,shirt,product,40,A1\n"
            "bob,2026-01-05,meeting,,service,,\n"
        )
        columns = cc.LogColumns(customized=None, collaborative=None)
        signals = _signals(text, columns)
        assert signals["ann"].collaborative_share == 0.0
        assert signals["bob"].collaborative_share == 1.0

    def test_unknown_flags_on_interactions(self):
        """Flags may be None (not recorded); the shares they feed are then unknown."""
        bill = cc.Interaction(
            "ann", dt.date(2026, 1, 5), "purchase", customized=None, collaborative=None
        )
        assert bill.customized is None
        assert bill.collaborative is None
        signals = cc.derive_signals([bill], as_of=dt.date(2026, 2, 1))
        assert signals.customization is None
        assert signals.collaborative_share is None
        assert cc.classify(signals).role is not cc.Role.CLIENT


class TestProfessionalServices:
    def test_professional_is_an_offering_customized_by_default(self):
        """Professional work is customized unless said otherwise; a bill is not collaborative."""
        assert cc.Offering("professional") is cc.Offering.PROFESSIONAL
        advice = cc.Interaction("acme", dt.date(2026, 1, 5), "purchase", offering="professional")
        assert advice.customized is True
        assert advice.collaborative is False  # a purchase is not collaborative by default

    def test_professional_spend_is_service_spend(self):
        """Professional spend counts toward the service share."""
        log = [
            cc.Interaction(
                "acme", dt.date(2026, 1, 5), "purchase", offering="professional", amount=900
            ),
            cc.Interaction("acme", dt.date(2026, 1, 6), "purchase", amount=100),
        ]
        signals = cc.derive_signals(log, as_of=dt.date(2026, 2, 1))
        assert math.isclose(signals.service_share or 0, 0.9)

    def test_items_map_onto_the_professional_category(self):
        """Items named in LogColumns.professional are professional, case-insensitively."""
        text = BILLING_HEADER + "firm|acme,2026-01-05,Lobbying services,service,5000,I1\n"
        columns = attrs_evolve(BILLING, professional=("lobbying services",))
        interaction = next(cc.read_log(io.StringIO(text), columns))
        assert interaction.offering is cc.Offering.PROFESSIONAL
        assert interaction.customized is True

    def test_online_retail_layout_is_unaffected(self):
        """The online-retail layout names no professional items."""
        assert cc.LogColumns.online_retail().professional == ()


class TestRetainers:
    def test_monthly_professional_invoices_expose_a_retainer(self):
        """Monthly professional invoices over a year are a retainer, and a client."""
        text = BILLING_HEADER + _monthly(
            "acme", 14, item="advocacy", offering="professional", amount="12000"
        )
        signals = _signals(text)["acme"]
        assert signals.retainer_months == 12
        verdict = cc.classify(signals)
        assert verdict.role is cc.Role.CLIENT
        assert "retained" in verdict.fired

    def test_the_lobbying_register_case_is_a_client(self):
        """The issue's lobbying register, items mapped onto professional, is a client."""
        # The mapping: a service billed monthly, items naming the professional work.
        text = BILLING_HEADER + _monthly(
            "firm|acme", 13, item="lobbying services", offering="service", amount="8000"
        )
        columns = attrs_evolve(BILLING, professional=("lobbying services",))
        verdict = cc.classify(_signals(text, columns)["firm|acme"])
        assert verdict.role is cc.Role.CLIENT

    def test_a_one_off_professional_engagement_is_not_a_customer(self):
        """One professional bill is not a customer (the rule set says ambiguous)."""
        text = BILLING_HEADER + "acme,2026-01-05,contract review,professional,3000,I1\n"
        signals = _signals(text)["acme"]
        assert signals.retainer_months == 1
        assert cc.classify(signals).role is not cc.Role.CUSTOMER

    def test_a_monthly_subscription_stays_a_customer(self):
        """A standard service billed monthly is no retainer and stays a customer."""
        text = BILLING_HEADER + _monthly(
            "ann", 24, item="gym membership", offering="service", amount="39.90"
        )
        signals = _signals(text)["ann"]
        assert signals.retainer_months == 0
        assert cc.classify(signals).role is cc.Role.CUSTOMER

    def test_retainer_months_is_a_canonical_relationship_signal(self):
        """retainer_months is an integer signal of the relationship aspect, 0 to 12."""
        spec = cc.SIGNALS["retainer_months"]
        assert spec.aspect is cc.Aspect.RELATIONSHIP
        assert spec.type == "integer"
        assert spec.maximum == 12


def test_default_rule_set_has_billing_examples():
    """The default rule set carries the billing scenarios as worked examples."""
    examples = {example.id: example for example in cc.default_ruleset().examples}
    assert examples["professional-retainer"].expect.value == "client"
    assert examples["software-subscription"].expect.value == "customer"
    assert examples["one-off-professional-bill"].expect.value != "customer"


def test_frame_and_sql_paths_agree_on_the_new_signals():
    """signals_frame and classify_sql give the one-record path's signals and roles."""
    pl = pytest.importorskip("polars")
    pytest.importorskip("narwhals")
    duckdb = pytest.importorskip("duckdb")
    text = BILLING_HEADER + _monthly(
        "acme", 14, item="advocacy", offering="professional", amount="12000"
    )
    text += _monthly("ann", 14, item="gym", offering="service", amount="39.90")
    text += "bob,2024-03-02,shirt,product,20,B1\n"
    # Billed January to June 2024: only March to June fall in the year up to the as-of date.
    text += _monthly("lapsed", 6, item="advice", offering="professional", amount="900")
    expected = _signals(text)
    assert expected["lapsed"].retainer_months == 4
    frame = pl.read_csv(io.StringIO(text), try_parse_dates=True)
    as_of = dt.date(2025, 2, 28) + dt.timedelta(days=1)
    table = cc.signals_frame(frame, as_of=as_of, columns=BILLING)
    rows = {row["party_id"]: row for row in table.to_dicts()}
    for party, signals in expected.items():
        for name in ("retainer_months", "customization", "collaborative_share", "service_share"):
            want, got = signals.get(name), rows[party][name]
            assert (want is None and got is None) or want == pytest.approx(got), (party, name)
    con = duckdb.connect()
    con.register("signals", table.to_arrow())
    roles = dict(cc.classify_sql(con, "signals").select("party_id, role").fetchall())
    assert roles == {party: cc.classify(s).role.value for party, s in expected.items()}


def attrs_evolve(columns: cc.LogColumns, **changes: object) -> cc.LogColumns:
    import attrs  # noqa: PLC0415

    return attrs.evolve(columns, **changes)


def test_amounts_are_decimal_in_billing_logs():
    """A professional bill keeps its exact decimal amount."""
    text = BILLING_HEADER + "acme,2026-01-05,advice,professional,12000.50,I1\n"
    assert next(cc.read_log(io.StringIO(text), BILLING)).amount == Decimal("12000.50")


def test_cli_maps_professional_items_and_finds_the_retainer(tmp_path, capsys):
    """--professional maps items on the command line; without it the bills are a service."""
    from clientcustomer.cli import main  # noqa: PLC0415

    path = tmp_path / "export.csv"
    text = BILLING_HEADER + _monthly(
        "firm|acme", 13, item="Lobbying services", offering="service", amount="8000"
    )
    path.write_text(text + "gym|ann,2024-02-01,gym membership,service,39.90,G1\n", "utf-8")
    argv = ["classify", "--log", str(path), "--format", "jsonl"]
    argv += ["--kind-column", "none", "--customized-column", "none"]
    argv += ["--collaborative-column", "none", "--professional", "lobbying services"]
    assert main(argv) == 0
    rows = {row["id"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["firm|acme"]["role"] == "client"
    assert "retained" in rows["firm|acme"]["rules"]
    assert rows["gym|ann"]["role"] == "customer"
    assert main(argv[:-2]) == 0  # without the mapping, the same bills are a service
    rows = {row["id"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["firm|acme"]["role"] == "customer"


def test_a_professional_agreement_is_an_active_engagement():
    """A signed professional agreement is an active engagement; a supply contract is not."""
    signed = cc.Interaction(
        "acme", dt.date(2026, 1, 5), "agreement_signed", offering="professional", reference="R1"
    )
    assert cc.derive_signals([signed], as_of=dt.date(2026, 2, 1)).active_engagement is True
    product = attrs_evolve(signed, offering=cc.Offering.PRODUCT)  # a supply contract
    assert cc.derive_signals([product], as_of=dt.date(2026, 2, 1)).active_engagement is False


@settings(max_examples=30, deadline=None)
@given(testing.retainer_logs())
def test_unrecorded_flags_survive_json(log):
    """Interactions with unrecorded flags round-trip through JSON."""
    for interaction in log:
        assert cc.from_json(cc.Interaction, cc.to_json(interaction)) == interaction
