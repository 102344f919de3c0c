"""The exemptions catalogue: FOIA Part II, the EIR, FOISA and the EISR
(docs/law/refusals-and-exemptions.md)."""

import dataclasses
import tomllib

import pytest

from foidesk.law import Exemption, Regime, catalogue, exemption, for_regime
from foidesk.law.exemptions import DATA, KINDS, TESTS


def keys(regime=None):
    return [e.key for e in catalogue(regime)]


def test_every_key_is_unique_and_names_its_act():
    every = keys()
    assert len(every) == len(set(every))
    prefixes = {"foi": "foia-", "eir": "eir-", "foisa": "foisa-", "eisr": "eisr-"}
    for e in catalogue():
        assert e.key.startswith(prefixes[e.regime]), e.key


def test_the_data_file_has_no_key_twice():
    """TOML refuses a table defined twice, so the file itself guarantees unique keys."""
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(DATA.read_text() + "\n[foia-43-2]\nregime = 'foi'\n")


def test_every_entry_is_complete():
    for e in catalogue():
        assert e.kind in KINDS, e.key
        assert e.test in TESTS, e.key
        assert e.citation.startswith(("section ", "regulation ")), e.key
        assert e.title, e.key
        assert e.act, e.key
        assert e.wording.strip().endswith("."), e.key
        assert "  " not in e.wording, e.key
        assert "\n" not in e.wording, e.key


def test_every_qualified_exemption_and_only_those_need_a_public_interest_test():
    """Absolute = no public interest test; qualified = the test decides (FOIA s.2;
    docs/law/refusals-and-exemptions.md)."""
    for e in catalogue():
        assert e.public_interest_test == (e.kind == "qualified"), e.key


def test_procedural_refusals_have_no_harm_test():
    """FOIA s.12 and s.14, FOISA s.12 and s.14 refuse the request, not the information."""
    procedural = {e.key for e in catalogue() if e.kind == "procedural"}
    assert procedural == {
        "foia-12-1",
        "foia-14-1",
        "foia-14-2",
        "foisa-12-1",
        "foisa-14-1",
        "foisa-14-2",
    }
    assert all(exemption(key).test == "—" for key in procedural)


def test_cost_refusals_need_advice_on_narrowing():
    """docs/law/refusals-and-exemptions.md; FOIA s.12 with s.16, FOISA s.12 with s.15."""
    assert exemption("foia-12-1").advice_needed == "narrowing"
    assert exemption("foia-12-1").ncnd == "12(2)"
    assert exemption("foisa-12-1").advice_needed == "narrowing"
    assert exemption("foia-14-1").advice_needed == ""


def test_foia_part_ii_is_complete():
    """Every section of FOIA Part II, ss.21-44, as the catalogue in
    docs/law/refusals-and-exemptions.md lists them."""
    sections = {e.citation.split()[1].split("(")[0] for e in catalogue("foi")}
    assert sections == {
        "12",
        "14",
        *(str(n) for n in range(21, 45) if n != 25),
        "22A",
    }


def test_section_43_is_a_class_and_a_prejudice_exemption():
    """FOIA s.43(1) trade secrets (class); s.43(2) prejudice, NCND under 43(3) only."""
    trade_secrets, commercial = exemption("foia-43-1"), exemption("foia-43-2")
    assert (trade_secrets.citation, trade_secrets.test, trade_secrets.ncnd) == (
        "section 43(1)",
        "class",
        "",
    )
    assert (commercial.citation, commercial.title, commercial.kind) == (
        "section 43(2)",
        "Commercial interests",
        "qualified",
    )
    assert (commercial.test, commercial.ncnd) == ("prejudice", "43(3)")
    assert commercial.act == "Freedom of Information Act 2000"
    assert "commercial interests" in commercial.wording


def test_section_40_2_is_absolute_under_the_first_condition_only():
    """FOIA s.2(3)(fa): s.40(2) is absolute where the first condition (s.40(3A)) applies."""
    first = exemption("foia-40-2-first-condition")
    other = exemption("foia-40-2-other-conditions")
    assert first.citation == other.citation == "section 40(2)"
    assert (first.kind, other.kind) == ("absolute", "qualified")
    assert first.ncnd == other.ncnd == "40(5B)"
    assert exemption("foia-40-1").kind == "absolute"


def test_the_absolute_exemptions_are_those_of_section_2_3():
    """FOIA s.2(3) lists the absolute exemptions; s.36 is absolute only for Parliament."""
    absolute = {e.citation for e in catalogue("foi") if e.kind == "absolute"}
    assert absolute == {
        "section 21(1)",
        "section 23(1)",
        "section 32(1)",
        "section 32(2)",
        "section 34(1)",
        "section 37(1)(a)",
        "section 37(1)(aa)",
        "section 37(1)(ab)",
        "section 40(1)",
        "section 40(2)",
        "section 41(1)",
        "section 44(1)",
    }
    assert exemption("foia-37-1-ac").kind == "qualified"
    assert exemption("foia-36-2").test == "qualified person's opinion"


def test_section_21_has_no_ncnd_provision_because_it_must_say_where():
    """FOIA s.21: the information is reasonably accessible, so the letter says where."""
    assert exemption("foia-21-1").ncnd == ""


def test_the_catalogue_is_in_citation_order():
    foi = keys("foi")
    assert foi.index("foia-22-1") < foi.index("foia-22a-1") < foi.index("foia-23-1")
    assert foi[foi.index("foia-37-1-a") :][:6] == [
        "foia-37-1-a",
        "foia-37-1-aa",
        "foia-37-1-ab",
        "foia-37-1-ac",
        "foia-37-1-ad",
        "foia-37-1-b",
    ]
    assert foi.index("foia-40-2-other-conditions") < foi.index("foia-41-1")
    regimes = [e.regime for e in catalogue()]
    assert regimes == sorted(regimes, key=["foi", "eir", "foisa", "eisr"].index)


def test_every_eir_exception_is_qualified_except_personal_data_under_the_first_condition():
    """EIR reg 12(1)(b): every reg 12 exception is qualified; reg 13(1)(a) is not."""
    absolute = [e.key for e in catalogue("eir") if e.kind != "qualified"]
    assert absolute == ["eir-13-first-condition"]
    assert exemption("eir-13-other-conditions").kind == "qualified"


def test_the_eir_presumption_in_favour_of_disclosure_covers_regulation_12():
    """EIR reg 12(2); personal data is weighed under reg 13, outside that presumption."""
    for e in catalogue("eir"):
        assert e.presumption_of_disclosure == e.key.startswith("eir-12-"), e.key


def test_eir_12_4_and_12_5_are_all_there():
    """EIR reg 12(4)(a)-(e) and 12(5)(a)-(g) (docs/law/refusals-and-exemptions.md)."""
    citations = {e.citation for e in catalogue("eir")}
    for paragraph in "abcde":
        assert f"regulation 12(4)({paragraph})" in citations
    for paragraph in "abcdefg":
        assert f"regulation 12(5)({paragraph})" in citations


def test_12_5_d_to_g_may_not_withhold_information_on_emissions():
    """EIR reg 12(9); EISR reg 10(6)."""
    barred = [e.key for e in catalogue() if e.not_for_emissions]
    assert barred == [
        "eir-12-5-d",
        "eir-12-5-e",
        "eir-12-5-f",
        "eir-12-5-g",
        "eisr-10-5-d",
        "eisr-10-5-e",
        "eisr-10-5-f",
        "eisr-10-5-g",
    ]


def test_eir_ncnd_and_advice():
    """EIR reg 12(6): NCND for 12(5)(a); reg 12(4)(c) needs advice under reg 9."""
    assert exemption("eir-12-5-a").ncnd == "12(6)"
    assert exemption("eir-12-5-e").ncnd == ""
    assert exemption("eir-12-4-c").advice_needed == "regulation 9"


def test_foisa_has_its_own_numbering():
    """FOISA s.33 commercial interests, s.38 personal, s.25 accessible
    (docs/law/refusals-and-exemptions.md, FOISA and EISR numbering)."""
    commercial = exemption("foisa-33-1-b")
    assert (commercial.citation, commercial.title, commercial.kind, commercial.test) == (
        "section 33(1)(b)",
        "Commercial interests",
        "qualified",
        "prejudice",
    )
    assert commercial.act == "Freedom of Information (Scotland) Act 2002"
    assert "prejudice substantially" in commercial.wording
    assert exemption("foisa-25-1").title == "Information otherwise accessible"
    assert exemption("foisa-25-1").kind == "absolute"
    assert exemption("foisa-38-1-b-first-condition").kind == "absolute"
    assert exemption("foisa-38-1-b-other-conditions").kind == "qualified"
    assert exemption("foisa-36-2").kind == "absolute"
    assert exemption("foisa-12-1").title == "Excessive cost of compliance"
    for key in ("foisa-14-1", "foisa-27-1", "foisa-30-c", "foisa-35-1", "foisa-39-1"):
        assert exemption(key).regime == "foisa"


def test_foisa_absolute_exemptions_are_those_of_section_2_2():
    """FOISA s.2(2): ss.25, 26, 36(2), 37 and parts of 38 are absolute."""
    absolute = {e.citation for e in catalogue("foisa") if e.kind == "absolute"}
    assert absolute == {
        "section 25(1)",
        "section 26",
        "section 36(2)",
        "section 37(1)",
        "section 38(1)(a)",
        "section 38(1)(b)",
        "section 38(1)(c)",
        "section 38(1)(d)",
    }


def test_eisr_mirrors_the_eir_under_regulations_10_and_11():
    """EISR reg 10(4)(a)-(e), 10(5)(a)-(g), reg 11 personal data."""
    citations = [e.citation for e in catalogue("eisr")]
    assert citations[:12] == [
        *(f"regulation 10(4)({p})" for p in "abcde"),
        *(f"regulation 10(5)({p})" for p in "abcdefg"),
    ]
    absolute = [e.key for e in catalogue("eisr") if e.kind != "qualified"]
    assert absolute == ["eisr-11-2-first-condition"]
    assert exemption("eisr-10-4-c").advice_needed == "regulation 9"


def test_a_review_uses_the_exemptions_of_the_request_it_reviews():
    assert for_regime("review") == for_regime("foi")
    assert for_regime(Regime.EIR_REVIEW) == for_regime("eir")
    assert for_regime("foisa-review") == for_regime("foisa")
    assert list(for_regime("eisr-review")) == keys("eisr")
    assert "foia-43-2" in for_regime("foi")
    assert "foia-43-2" not in for_regime("eir")
    assert keys("review") == keys("foi")


def test_subject_access_is_not_in_this_catalogue():
    with pytest.raises(ValueError, match="Data Protection Act 2018"):
        for_regime("sar")
    with pytest.raises(ValueError, match="'sir'"):
        for_regime("sir")


def test_an_unknown_key_says_what_was_meant():
    with pytest.raises(KeyError, match=r"foia-43-1, foia-43-2"):
        exemption("foia-43")
    with pytest.raises(KeyError, match="keys look like 'foia-43-2'"):
        exemption("section 43")


def test_an_authority_may_replace_the_wording():
    local = dataclasses.replace(exemption("foia-43-2"), wording="Our own words.")
    assert local.wording == "Our own words."
    assert local.public_interest_test
    assert exemption("foia-43-2").wording != "Our own words."


def test_the_public_interest_flag_follows_the_kind_even_when_replaced():
    absolute = dataclasses.replace(exemption("foia-43-2"), kind="absolute")
    assert not absolute.public_interest_test
    with pytest.raises(ValueError, match="kind must be one of"):
        dataclasses.replace(exemption("foia-43-2"), kind="sometimes")


def test_an_exemption_can_be_made_by_hand():
    made = Exemption(
        key="foia-43-2",
        regime="foi",
        citation="section 43(2)",
        act="Freedom of Information Act 2000",
        title="Commercial interests",
        kind="qualified",
        test="prejudice",
        ncnd="43(3)",
        wording=exemption("foia-43-2").wording,
    )
    assert made == exemption("foia-43-2")
    assert made.regime is Regime.FOI
    assert made.full_citation == "section 43(2) of the Freedom of Information Act 2000"
