"""Amounts as Python numbers: `amount=3`, `1.5`, a Decimal or a string give the same result, read
exactly (the claim goes to the engine as JSON; santei reads JSON numbers digit for digit), and a
bad amount is a ClaimError naming the field. Runs on the embedded demo data."""

import decimal

import pytest

import santei


def claim(amount):
    return {
        "format": "santei.claim/1",
        "patient": {"birth_date": "1970-01-01", "sex": "male"},
        "visits": [
            {
                "date": "2024-06-03",
                "items": [
                    {"type": "procedure", "code": "112007410"},
                    {
                        "type": "rx",
                        "form": "internal",
                        "days": 5,
                        "drugs": [{"code": "620002023", "amount": amount}],
                    },
                ],
            }
        ],
    }


@pytest.fixture(scope="module")
def engine():
    return santei.Engine.demo()


@pytest.mark.parametrize("amount", [3, 3.0, "3", decimal.Decimal("3")])
def test_numbers_and_strings_agree(engine, amount):
    assert engine.calculate(claim(amount))["total_points"] == engine.calculate(claim("3"))["total_points"]


def test_a_fraction_is_exact(engine):
    line = [l for l in engine.calculate(claim(1.5))["lines"] if l["record"] == "IY"][0]
    assert line["quantity"] == "1.5"


def test_a_bad_amount_names_the_field(engine):
    with pytest.raises(santei.ClaimError) as e:
        engine.calculate(claim("three"))
    assert e.value.path == "visits[0].items[1].drugs[0].amount"


def test_a_date_is_iso(engine):
    c = claim(3)
    c["visits"][0]["date"] = "20240603"
    with pytest.raises(santei.ClaimError) as e:
        engine.calculate(c)
    assert e.value.path == "visits[0].date"
