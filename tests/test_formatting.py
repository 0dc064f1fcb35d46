from sim.results.formatting import indian_grouping, kpi_value


def test_indian_grouping():
    assert indian_grouping(4571209) == "45,71,209"
    assert indian_grouping(16455094) == "1,64,55,094"
    assert indian_grouping(999) == "999"
    assert indian_grouping(-1234567) == "-12,34,567"
    assert kpi_value(0.716) == "0.716"
    assert kpi_value(0.00431) == "0.00431"
    assert kpi_value(4.617) == "4.62"
