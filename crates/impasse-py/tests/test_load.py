"""Loading scenarios: overrides, diagnostics as exceptions, bad arguments."""

import pytest

import impasse
from conftest import DATA, GENIUS, SCENARIOS


def test_load_native_and_genius():
    scenario = impasse.load(DATA / "oracle.toml")
    assert scenario.name == "Oracle price"
    assert scenario.parties == ["seller", "buyer"]
    assert scenario.issues == ["price"]
    assert scenario.n_outcomes == 5
    assert scenario.reservation == {"seller": 0.0, "buyer": 0.0}
    assert scenario.outcomes() == [{"price": p} for p in range(5)]
    assert scenario.utility("seller", {"price": 3}) == 0.75
    assert scenario.utility("buyer", 3) == 0.25
    camera = impasse.load(GENIUS / "y2012" / "CameraB")
    assert camera.n_outcomes == 3600
    assert len(SCENARIOS) >= 4


def test_overrides_as_dict_and_list():
    path = DATA / "oracle.toml"
    assert impasse.load(path, set={"preferences.buyer.reservation": 0.5}).reservation["buyer"] == 0.5
    assert impasse.load(path, set=["preferences.buyer.reservation=0.25"]).reservation["buyer"] == 0.25
    result = impasse.analyze(path, set={"preferences.seller.reservation": 0.75})
    assert result.agreement_zone["size"] == 2


def test_scenario_error_carries_every_diagnostic():
    with pytest.raises(impasse.ScenarioError) as caught:
        impasse.load(DATA / "broken.toml")
    err = caught.value
    assert isinstance(err, Exception)
    where = [(d.line, d.column, d.message) for d in err.diagnostics]
    assert where == [
        (15, 7, "`issues.price.min` has the wrong type"),
        (18, 2, "missing preferences for party 'b'"),
        (19, 15, "`preferences.a.reservation` has the wrong value"),
    ]
    assert all(d.file.endswith("broken.toml") for d in err.diagnostics)
    first = err.diagnostics[0].to_dict()
    assert first["expected"] == "an integer" and first["found"] == '"zero"'
    assert "3 problems" in str(err)


def test_override_errors_are_scenario_errors():
    with pytest.raises(impasse.ScenarioError) as caught:
        impasse.load(DATA / "oracle.toml", set={"preferences.nobody.reservation": 1})
    assert caught.value.diagnostics[0].file == "--set"


def test_missing_file_is_a_scenario_error():
    with pytest.raises(impasse.ScenarioError):
        impasse.load(DATA / "no-such-file.toml")


def test_bad_arguments_are_value_errors():
    with pytest.raises(ValueError):
        impasse.load(DATA / "oracle.toml", genius_semantics="java")
    with pytest.raises(ValueError):
        impasse.load(DATA / "oracle.toml", set=["no equals sign"])
    scenario = impasse.load(DATA / "oracle.toml")
    with pytest.raises(ValueError):
        scenario.utility("nobody", {"price": 1})
    with pytest.raises(ValueError):
        scenario.utility("seller", {"price": 9})
    with pytest.raises(ValueError):
        scenario.utility("seller", {"colour": 1})
    with pytest.raises(ValueError):
        impasse.negotiate(scenario, agents=["boulware"])
    with pytest.raises(ValueError):
        impasse.negotiate(scenario, agents=["boulware", "no-such-agent"])
    with pytest.raises(ValueError):
        impasse.negotiate(scenario, agents=["boulware", "linear"], steps=0)
    with pytest.raises(ValueError):
        impasse.negotiate(scenario, agents=["boulware", "linear"], protocol="auction")
    with pytest.raises(ValueError):
        impasse.analyze(scenario, set={"preferences.buyer.reservation": 1})
    with pytest.raises(TypeError):
        impasse.negotiate(scenario, agents=["boulware", 42])
