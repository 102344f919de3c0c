"""Similar requests and round-robins (foidesk.similar.index): pure Python, no database."""

import json
import os
import re
import subprocess
import sys
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foidesk.similar.index import (
    FORMAT_VERSION,
    Match,
    Settings,
    SimilarityError,
    SimilarityIndex,
    features,
    normalise,
    normalising,
    round_robins,
)
from foidesk.text import wrapping

MOSAIC = (
    "IT systems in adults' and children's social care\n\n"
    "Dear Barnet Council,\n\n"
    "Does the council use Mosaic, supplied by Servelec, as its case management system for "
    "adults' and children's social care? If so, when does the contract end, and what does "
    "the licence cost each year?\n\n"
    "Yours faithfully,\n\nSam Patel"
)
# Ordinary requests to the same kind of authority, none of them about case management systems.
OTHERS = {
    "looked-after": "Looked after children placed out of area. How many looked after children "
    "were placed more than 20 miles from home on 31 March 2023, by age and placement type?",
    "agency": "Agency social workers. How many agency social workers did children's services "
    "employ on 1 April 2022, and what was spent on agency staff in 2021/22?",
    "fostering": "Fostering allowances 2023/24. What weekly allowance does the council pay "
    "foster carers for a child aged 11 to 15, and has it risen since 2020?",
    "council-tax": "Council tax exemption for care leavers. Does the council exempt care "
    "leavers aged 18 to 25 from council tax, and how many received the exemption in 2023?",
    "ehcp": "Education, health and care plans. How many requests for an EHC needs assessment "
    "were received in 2022, and how many plans were issued within 20 weeks?",
    "adoption": "Criteria for adoption. What are the council's criteria for approving "
    "adopters, and how many adopters were approved in each of the last three years?",
    "potholes": "Pothole repairs. How many potholes were reported on council roads in 2022, "
    "and how many claims for damage to vehicles were paid?",
    "parking": "Parking fines. How much did the council receive from penalty charge notices "
    "in each of the last three financial years?",
    "libraries": "Library closures. Which libraries have closed since 2015, and how many "
    "visitors did each have in its last year open?",
    "trees": "Street trees. How many street trees did the council fell in 2021, and how many "
    "did it plant?",
}
CAMPAIGN = (
    "Unregulated accommodation for children in care\n\n"
    "I am writing under the Freedom of Information Act 2000 to request the following "
    "information.\n\n"
    "1. How many children aged 16 and 17 in the care of the council were placed in "
    "unregulated or semi-independent accommodation on 31 March in each of the years 2019 to "
    "2023?\n"
    "2. How many of those placements were more than 20 miles from the child's home address?\n"
    "3. What was the highest weekly cost of a single such placement in 2022/23?\n"
    "4. How many of those children were reported missing while placed there?"
)
FOOTER = (
    "\n\n-------------------------------------------------------------------\n\n"
    "Please use this email address for all replies to this request:\n"
    "request-912345-0a1b2c3d@whatdotheyknow.com\n\n"
    "Is foi@leeds.gov.uk the wrong address for Freedom of Information requests to Leeds City "
    "Council? If so, please contact us using this form:\n"
    "https://www.whatdotheyknow.com/change_request/new?body=leeds\n\n"
    "Disclaimer: This message and any reply that you make will be published on the Internet."
    "\n-------------------------------------------------------------------"
)
# The campaign's first two questions, then two others: a different request.
OTHER_QUESTIONS = CAMPAIGN.split("3.")[0] + (
    "3. How many of those children had an allocated social worker?\n"
    "4. How many were visited at least every six weeks?"
)
QUERY = "Which social care case management system do you use?"
UNRELATED = "When will the swimming pool at the leisure centre reopen after its refurbishment?"
HUNDRED_KB = " ".join(f"word{n} {CAMPAIGN}" for n in range(200))[:100_000]
ODD_TEXTS = ["", "   \n\t ", "the and of to it", "😀🎉👍", "----", "\x00\ufeff", HUNDRED_KB]


@pytest.fixture(scope="module", autouse=True)
def frontend_assets():
    """Nothing here renders a page: the suite's session-wide asset build is not needed."""


def letter(body, *, greeting, sign_off, footer=""):
    return f"{greeting}\n\n{body}\n\n{sign_off}{footer}"


def copy_from(requester, *, greeting="Dear Sir or Madam,", footer=""):
    return letter(
        CAMPAIGN, greeting=greeting, sign_off=f"Kind regards,\n\n{requester}", footer=footer
    )


@pytest.fixture(scope="module")
def docs():
    return [("mosaic", MOSAIC), *OTHERS.items(), ("campaign-1", copy_from("Amelia Jones"))]


@pytest.fixture(scope="module")
def index(docs):
    return SimilarityIndex.build(docs)


def fresh(docs):
    """An index of its own, for tests that change it."""
    return SimilarityIndex.build(docs)


def words_of(text):
    """The words the index sees in a text."""
    return set(re.findall(features.WORD_PATTERN, normalise(text)))


# --- normalise() ---------------------------------------------------------------------------


def test_normalise_drops_greeting_sign_off_and_signature():
    text = letter(
        "How many foster carers were approved in 2023?",
        greeting="Dear Leeds City Council,",
        sign_off="Yours faithfully,\n\nPriya Khan\nResearcher, 07700 900123",
    )

    assert normalise(text) == "how many foster carers were approved in 2023?"


@pytest.mark.parametrize(
    "greeting", ["Dear Sir or Madam,", "Dear Sir/Madam", "Hello,", "Hi FOI team,", "Dear FOI Team"]
)
@pytest.mark.parametrize("sign_off", ["Kind regards,", "Many thanks", "Best wishes,", "Regards"])
def test_normalise_drops_common_greetings_and_sign_offs(greeting, sign_off):
    text = f"{greeting}\n\nHow many foster carers were approved in 2023?\n\n{sign_off}\n\nJo Bloggs"

    assert normalise(text) == "how many foster carers were approved in 2023?"


@pytest.mark.parametrize("greeting", sorted(wrapping.GREETINGS))
def test_normalise_drops_every_greeting_question_splitting_drops(greeting):
    text = f"{greeting.title()},\n\nHow many foster carers were approved in 2023?"

    assert normalise(text) == "how many foster carers were approved in 2023?"


@pytest.mark.parametrize("sign_off", sorted(wrapping.SIGN_OFFS | wrapping.SHORT_SIGN_OFFS))
def test_normalise_drops_every_sign_off_question_splitting_drops(sign_off):
    text = f"How many foster carers were approved in 2023?\n\n{sign_off.title()},\nJo Bloggs"

    assert normalise(text) == "how many foster carers were approved in 2023?"


def test_normalise_drops_the_whatdotheyknow_footer():
    assert normalise(CAMPAIGN + FOOTER) == normalise(CAMPAIGN)


@pytest.mark.parametrize(
    "line",
    [
        "Please use this email address for all replies to this request:",
        "Is foi@leeds.gov.uk the wrong address for Freedom of Information requests to Leeds?",
        "Disclaimer: This message and any reply that you make will be published on the Internet.",
        "For more detailed guidance on safely disclosing information, read the latest advice.",
        "If you find this service useful as an FOI officer, please ask your web manager.",
        "Please note that in some cases publication of requests and responses will be delayed.",
    ],
)
def test_normalise_drops_a_footer_from_any_of_its_lines(line):
    # Each line of the footer is enough to find it, whichever WhatDoTheyKnow sent.
    assert normalise(f"{CAMPAIGN}\n\n{line}\nwhatdotheyknow.com") == normalise(CAMPAIGN)


def test_normalise_drops_everything_around_the_request_in_a_whatdotheyknow_letter():
    normalised = normalise(copy_from("Amelia Jones", footer=FOOTER))

    assert normalised == normalise(CAMPAIGN)
    for gone in ("whatdotheyknow", "@", "disclaimer", "wrong address", "amelia", "regards"):
        assert gone not in normalised


def test_normalise_drops_email_and_web_addresses_in_the_text():
    text = "Please reply to jo.bloggs@example.org. The report is at https://example.org/r.pdf now."

    assert normalise(text) == "please reply to the report is at now"


def test_normalise_drops_standard_foi_phrases_but_keeps_numbers():
    text = (
        "I am writing under the Freedom of Information Act 2000 to request the following "
        "information. Please could you provide me with the following information: the "
        "number of children adopted in 2019, aged 0 to 4. Thank you for your help."
    )

    assert normalise(text) == "the number of children adopted in 2019, aged 0 to 4"


def test_normalise_keeps_the_request_after_a_thank_you_in_its_first_half():
    text = (
        "How many children were adopted in 2019? Many thanks. My second question is how many "
        "adoptions broke down within two years of the order, broken down by the age of the "
        "child at placement, the type of placement, the year of the order and whether the "
        "adopters received post-adoption support from the council or its agency partners?"
    )

    normalised = normalise(text)

    assert normalised.startswith("how many children were adopted in 2019? many thanks.")
    assert normalised.endswith("post-adoption support from the council or its agency partners?")


def test_normalise_folds_case_quotes_and_dashes():
    assert normalise("Children\u2019s Services \u2013 \u201cMASH\u201d & Early Help") == (
        'children\'s services - "mash" and early help'
    )


# --- similar() -----------------------------------------------------------------------------


def test_a_word_for_word_round_robin_from_another_requester_scores_highest_and_near_1(index):
    query = copy_from("Owen Hughes", greeting="Dear Leeds City Council,", footer=FOOTER)

    matches = index.similar(query, k=5)

    assert matches[0].key == "campaign-1"
    assert matches[0].score >= 0.99
    assert all(match.score < 0.5 for match in matches[1:])


def test_matches_are_best_first_with_scores_between_0_and_1(index):
    matches = index.similar("How many children in care were placed out of area?", k=20)

    scores = [match.score for match in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)
    assert all(isinstance(match, Match) for match in matches)


def test_the_case_management_question_finds_the_mosaic_request(index):
    matches = index.similar(QUERY, k=3)

    assert matches[0].key == "mosaic"
    assert "case management" in matches[0].shared_terms
    assert "social care" in matches[0].shared_terms


def test_shared_terms_are_words_both_texts_have(index, docs):
    texts = dict(docs)
    query = "How many looked after children in care were placed more than 20 miles from home?"

    matches = index.similar(query, k=5)

    assert any(match.shared_terms for match in matches)
    for match in matches:
        assert len(match.shared_terms) <= 5
        for term in match.shared_terms:
            for word in term.split(" "):
                assert word in words_of(query)
                assert word in words_of(texts[match.key])
                assert word not in features.stop_words()


def test_unrelated_text_scores_low(index):
    matches = index.similar(UNRELATED, k=5, min_score=0.0)

    assert all(match.score < 0.2 for match in matches)
    assert index.similar(UNRELATED, k=5) == [m for m in matches if m.score >= 0.1]


def test_k_limits_the_number_of_matches(index):
    assert len(index.similar("council children care", k=2, min_score=0.0)) == 2
    assert index.similar("council children care", k=0) == []


def test_excluded_keys_are_never_returned(index):
    matches = index.similar(MOSAIC, k=5, exclude=["mosaic"])

    assert "mosaic" not in [match.key for match in matches]


def test_similar_to_key_excludes_itself(index):
    matches = index.similar_to_key("campaign-1", k=20, min_score=0.0)

    assert matches
    assert "campaign-1" not in [match.key for match in matches]


def test_similar_to_key_gives_what_similar_gives_for_the_same_text(index):
    by_key = index.similar_to_key("mosaic", k=5)

    assert by_key == index.similar(MOSAIC, k=5, exclude=["mosaic"])


def test_similar_to_key_of_an_unknown_key_is_a_similarity_error(index):
    with pytest.raises(SimilarityError, match="no document 'nope'"):
        index.similar_to_key("nope")


def test_candidate_search_finds_what_scoring_every_document_finds(docs):
    # The search for candidates that a large index uses, keeping the best three of many.
    settings = Settings(exhaustive_nnz=0, postings_budget=1000, rescore=3)
    index = SimilarityIndex.build(docs, settings)

    for query in (QUERY, CAMPAIGN, "How many children were placed out of area in 2023?"):
        assert index.similar(query, k=3) == index.similar(query, k=3, exact=True)


# Openings that quote the Act at length: shared by many letters, saying nothing of what each asks.
PREAMBLES = [
    "I am writing under the Freedom of Information Act 2000 to request the following "
    "information from {council}. I would be grateful if you could confirm receipt of this "
    "request and respond within the statutory timescale of 20 working days.",
    "Under the provisions of the Freedom of Information Act 2000, I would like to request the "
    "information set out below. If you consider that any of the information is exempt from "
    "disclosure, please explain which exemption applies and release the remainder. If "
    "answering the whole request would exceed the appropriate limit, please contact me so "
    "that I can narrow it, as section 16 of the Act requires you to advise and assist.",
    "This is a request for information under section 1 of the Freedom of Information Act "
    "2000. I am requesting recorded information held by {council}. Where the information is "
    "held electronically I would like to receive it in a re-usable format such as a "
    "spreadsheet, in line with section 11 of the Act.",
]
SHORT_QUESTIONS = [
    "How many foster carers approved by the council resigned in 2023, and what reasons did "
    "they give?",
    "How many children in care were placed more than 20 miles from home on 31 March 2023?",
    "What did the council spend on agency social workers in 2022/23?",
    "How many care leavers aged 18 to 21 were homeless in 2023?",
    "Which case management system does children's social care use?",
]


def wrapped(question, preamble, council, *, subject, greeting, numbering, sign_off):
    return (
        f"{subject}\n\n{greeting}\n\n{PREAMBLES[preamble].format(council=council)}\n\n"
        f"{numbering}{question}\n\n{sign_off}"
    )


def test_round_robin_letters_find_each_other_under_long_shared_openings():
    # One short question in three letters that open with different long quotations of the
    # Act; the other letters ask other questions under the same openings. Scored by their
    # openings, each letter would find those opening the same way first.
    question = SHORT_QUESTIONS[0]
    siblings = {
        "sibling-1": wrapped(
            question,
            0,
            "Leeds City Council",
            subject="Freedom of Information request",
            greeting="Dear Sir/Madam,",
            numbering="1. ",
            sign_off="Yours faithfully,\n\nPriya Khan\n12 Mill Lane\nLeeds LS6 2AB",
        )
        + FOOTER,
        "sibling-2": wrapped(
            question,
            1,
            "Barnet Council",
            subject="FOI request",
            greeting="To whom it may concern,",
            numbering="Q1. ",
            sign_off="Kind regards,\n\nOwen Hughes\nTel: 07700 900123",
        ),
        "sibling-3": wrapped(
            question.replace("2023", "2024"),
            2,
            "Cardiff Council",
            subject="Information request",
            greeting="Dear FOI Team,",
            numbering="- ",
            sign_off="Many thanks,\n\nMorag Kelly\nResearcher, the Fostering Network",
        ),
    }
    others = {
        f"other-{preamble}-{n}": wrapped(
            other, preamble, council, subject="Freedom of Information request",
            greeting="Dear Sir or Madam,", numbering="1. ", sign_off="Regards,\n\nJo Smith",
        )
        for preamble in range(3)
        for n, (other, council) in enumerate(
            zip(SHORT_QUESTIONS[1:], ["Leeds City Council", "Barnet Council", "Cardiff Council",
                                      "Norfolk County Council"], strict=True)
        )
    }  # fmt: skip
    index = SimilarityIndex.build([*siblings.items(), *others.items(), *OTHERS.items()])

    for key in siblings:
        found = {match.key for match in index.similar_to_key(key, k=5)}
        assert set(siblings) - {key} <= found, key


def test_a_long_sentence_before_a_question_is_read_once():
    # Finding the questions must not start again at every character of a long sentence that
    # ends some other way: 100 kB of it took about 20 seconds that way.
    text = "word " * 20_000 + ". Which case management system do you use?"
    started = time.perf_counter()

    index = SimilarityIndex.build([("long", text), *OTHERS.items()])

    assert time.perf_counter() - started < 5
    assert index.similar(QUERY, k=1)[0].key == "long"


def test_keys_are_strings_and_must_be_unique():
    index = SimilarityIndex.build([(1, "adoption panels"), (2, "adoption panel members")])

    assert [match.key for match in index.similar_to_key(1)] == ["2"]
    with pytest.raises(SimilarityError, match="unique"):
        SimilarityIndex.build([("a", "adoption"), ("a", "fostering")])


# --- extend() and remove() -----------------------------------------------------------------


def test_extend_makes_new_documents_findable(docs):
    index = fresh(docs)
    new = "Do social workers use Liquidlogic as the case management system for children?"

    index.extend([("new-1", new)])

    assert "new-1" in index
    assert len(index) == len(docs) + 1
    assert index.similar(new, k=1)[0].key == "new-1"
    assert index.similar_to_key("new-1", k=1)[0].key == "mosaic"
    assert "new-1" in [match.key for match in index.similar_to_key("mosaic", k=3)]


def test_extend_with_a_known_key_replaces_its_text(docs):
    index = fresh(docs)

    index.extend([("potholes", UNRELATED)])

    assert len(index) == len(docs)
    assert index.similar(UNRELATED, k=1)[0].key == "potholes"
    found = [match.key for match in index.similar(OTHERS["potholes"], k=5)]
    assert "potholes" not in found


def test_remove_hides_built_and_added_documents(docs):
    index = fresh(docs)
    index.extend([("new-1", CAMPAIGN)])

    index.remove(["campaign-1", "new-1", "never-there"])

    assert "campaign-1" not in index
    assert "new-1" not in index
    assert len(index) == len(docs) - 1
    assert not {"campaign-1", "new-1"} & set(index.keys())
    assert not {"campaign-1", "new-1"} & {m.key for m in index.similar(CAMPAIGN, k=20)}
    with pytest.raises(SimilarityError):
        index.similar_to_key("campaign-1")


def test_a_removed_document_can_be_added_again(docs):
    index = fresh(docs)
    index.remove(["mosaic"])

    index.extend([("mosaic", MOSAIC)])

    assert index.similar(QUERY, k=1)[0].key == "mosaic"


# --- save() and load() ---------------------------------------------------------------------


def test_save_and_load_give_the_same_answers(docs, tmp_path):
    index = fresh(docs)
    index.extend([("new-1", "Which case management system holds records of care leavers?")])
    index.remove(["potholes"])

    index.save(tmp_path / "index")
    loaded = SimilarityIndex.load(tmp_path / "index")

    assert loaded.keys() == index.keys()
    assert loaded.settings == index.settings
    for query in (QUERY, CAMPAIGN, UNRELATED):
        assert loaded.similar(query, k=5, min_score=0.0) == index.similar(query, k=5, min_score=0)
    assert loaded.similar_to_key("new-1") == index.similar_to_key("new-1")


def test_load_can_map_the_large_arrays_instead_of_reading_them(index, tmp_path):
    index.save(tmp_path / "index")

    loaded = SimilarityIndex.load(tmp_path / "index", mmap=True)

    assert loaded.similar(QUERY) == index.similar(QUERY)


@pytest.fixture
def saved(index, tmp_path):
    directory = tmp_path / "index"
    index.save(directory)
    return directory


def test_load_refuses_a_tampered_file(saved):
    path = saved / "rows_data.npy"
    content = bytearray(path.read_bytes())
    content[-1] ^= 0xFF
    path.write_bytes(bytes(content))

    with pytest.raises(SimilarityError, match="checksum"):
        SimilarityIndex.load(saved)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": FORMAT_VERSION + 1}, "format version"),
        ({"normaliser": 0}, "normalisation version"),
        ({"format": "something-else"}, "does not hold a foidesk similarity index"),
        ({"settings": {"word_weight": 0.7, "colour": "blue"}}, "unknown index settings"),
        ({"settings": {"rescore": "many"}}, "rescore"),
    ],
)
def test_load_refuses_a_manifest_it_does_not_understand(saved, change, message):
    manifest = json.loads((saved / "manifest.json").read_text())
    manifest.update(change)
    (saved / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(SimilarityError, match=message):
        SimilarityIndex.load(saved)


def test_load_refuses_a_missing_file_or_folder(saved, tmp_path):
    (saved / "keys.json").unlink()

    with pytest.raises(SimilarityError, match=r"lacks keys\.json"):
        SimilarityIndex.load(saved)
    with pytest.raises(SimilarityError, match=r"lacks manifest\.json"):
        SimilarityIndex.load(tmp_path / "nothing-here")


def test_load_without_verifying_still_refuses_arrays_of_the_wrong_shape(saved):
    np.save(saved / "rows_indptr.npy", np.array([0, 5, 2], dtype=np.int32))

    with pytest.raises(SimilarityError, match="rows arrays"):
        SimilarityIndex.load(saved, verify=False)


# --- round_robins() ------------------------------------------------------------------------


def round_robin_docs():
    return [
        ("mosaic", MOSAIC),
        ("rr-1", copy_from("Amelia Jones")),
        *OTHERS.items(),
        ("rr-2", copy_from("Owen Hughes", greeting="Dear Leeds City Council,", footer=FOOTER)),
        ("rr-3", letter(CAMPAIGN, greeting="Hello,", sign_off="Many thanks,\n\nMorag Kelly")),
        ("other-questions", OTHER_QUESTIONS),
    ]


def test_round_robins_groups_near_identical_texts_and_leaves_distinct_ones_apart():
    assert round_robins(round_robin_docs()) == [["rr-1", "rr-2", "rr-3"]]


def test_round_robins_links_texts_scoring_at_least_the_threshold():
    docs = [("rr-1", CAMPAIGN), ("other-questions", OTHER_QUESTIONS), *OTHERS.items()]
    index = SimilarityIndex.build(docs)
    score = index.similar_to_key("rr-1", k=1)[0].score
    # The same first questions, then different ones (which weigh more, being questions).
    assert 0.6 < score < 0.85

    assert round_robins(docs, threshold=0.85) == []
    assert round_robins(docs, threshold=0.6) == [["rr-1", "other-questions"]]


def test_round_robins_can_use_an_index_of_the_same_documents():
    index = SimilarityIndex.build(round_robin_docs())

    assert round_robins(round_robin_docs(), index=index) == [["rr-1", "rr-2", "rr-3"]]


def test_round_robins_links_the_same_letter_sent_to_another_authority():
    campaign = CAMPAIGN.replace("the council", "Leeds City Council")
    other = CAMPAIGN.replace("the council", "the Royal Borough of Kensington and Chelsea")
    docs = [("leeds", campaign), ("rbkc", other), *OTHERS.items()]

    assert round_robins(docs) == [["leeds", "rbkc"]]
    assert round_robins(docs, threshold=0.99, fuzzy=None) == []


def test_round_robins_largest_group_first():
    docs = [
        ("a-1", OTHERS["adoption"]),
        ("b-1", CAMPAIGN),
        ("a-2", "Dear Sir or Madam,\n\n" + OTHERS["adoption"]),
        ("b-2", CAMPAIGN + "\n\nYours sincerely,\nJo"),
        ("b-3", "Hello,\n\n" + CAMPAIGN),
    ]

    assert round_robins(docs) == [["b-1", "b-2", "b-3"], ["a-1", "a-2"]]


def test_round_robins_refuses_duplicate_keys():
    with pytest.raises(SimilarityError, match="unique"):
        round_robins([("a", CAMPAIGN), ("a", CAMPAIGN)])


# --- odd input ------------------------------------------------------------------------------


# A request letter of the kind that once broke every index: "..." straight after a standard
# phrase ("Act ..."), which, stripped of its punctuation, is no word at all.
FUNERALS = (
    "Public health funerals\n\nDear Sir or Madam,\n\nUnder the Freedom of Information Act "
    "... please could you tell me - for each year from 2021/22 to 2023/24 - how many public "
    "health funerals (s.46 Public Health (Control of Disease) Act 1984) the council arranged, "
    "what they cost, and whether any estate was referred to the Government Legal Department "
    "\u2013 Bona Vacantia?\n\nMany thanks,\n\nR. Okonjo"
)


def test_a_standard_phrase_followed_by_punctuation_alone_is_cut_without_raising(tmp_path):
    assert normalise("under the foi act ... how many") == "how many"
    assert normalise("freedom of information act 2000 ! - funerals") == "! - funerals"
    text = normalise(FUNERALS)
    assert "public health funerals" in text
    assert "freedom" not in text
    index = SimilarityIndex.build([("funerals", FUNERALS), *OTHERS.items()])
    index.extend([("again", FUNERALS.replace("2023/24", "2024/25"))])
    assert index.similar_to_key("again")[0].key == "funerals"


# Standard phrases cut anywhere, runs of punctuation, and any text at all, in any order.
_PIECES = st.one_of(
    st.sampled_from(sorted(wrapping.STANDARD_PHRASES)).flatmap(
        lambda phrase: st.one_of(
            st.integers(0, len(phrase)).map(lambda cut: phrase[:cut]),
            st.integers(1, len(phrase.split())).map(lambda n: " ".join(phrase.split()[:n])),
        )
    ),
    st.text(alphabet=".,;:!?-\u2013\u2014\u2026'\"()/", min_size=1, max_size=4),
    st.text(max_size=20),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12).map(" ".join))
def test_any_text_normalises_and_indexes_without_raising(text):
    assert isinstance(normalise(text), str)
    index = SimilarityIndex.build([("text", text), ("other", OTHERS["adoption"])])
    index.extend([("again", text)])
    assert isinstance(index.similar(text), list)


def test_a_text_that_cannot_be_read_is_left_out_and_the_rest_indexed(monkeypatch, caplog):
    unreadable = "a text normalise() cannot read"
    real = normalising.normalise

    def normalise_or_fail(text):
        if text == unreadable:
            raise TypeError("argument of type 'bool' is not iterable")
        return real(text)

    monkeypatch.setattr(normalising, "normalise", normalise_or_fail)
    index = SimilarityIndex.build([("bad", unreadable), ("mosaic", MOSAIC), *OTHERS.items()])
    index.extend([("bad-again", unreadable)])
    assert index.similar(unreadable) == []
    assert index.similar(MOSAIC)[0].key == "mosaic"
    assert round_robins([("a", unreadable), ("b", CAMPAIGN), ("c", CAMPAIGN)]) == [["b", "c"]]
    assert "could not be indexed (TypeError)" in caplog.text
    assert unreadable not in caplog.text


@pytest.mark.parametrize("text", ODD_TEXTS, ids=lambda text: repr(text[:12]))
def test_odd_input_never_raises(index, text, tmp_path):
    assert isinstance(normalise(text), str)
    assert isinstance(index.similar(text), list)

    odd = SimilarityIndex.build([("odd", text), ("other", text + " adoption")])
    odd.extend([("new", text)])
    odd.save(tmp_path / "odd")
    odd = SimilarityIndex.load(tmp_path / "odd")
    assert isinstance(odd.similar(text), list)
    assert isinstance(odd.similar_to_key("new"), list)
    assert isinstance(round_robins([("a", text), ("b", text), ("c", "adoption")]), list)


def test_an_index_of_no_documents_answers_nothing(tmp_path):
    index = SimilarityIndex.build([])
    index.save(tmp_path / "empty")

    loaded = SimilarityIndex.load(tmp_path / "empty")

    assert len(loaded) == 0
    assert loaded.similar(QUERY) == []
    assert round_robins([]) == []


def test_building_in_two_processes_gives_the_same_index(docs, monkeypatch):
    monkeypatch.setattr(features, "PARALLEL_MIN_DOCS", 0)

    parallel = SimilarityIndex.build(docs, workers=2)

    single = SimilarityIndex.build(docs)
    assert parallel.keys() == single.keys()
    assert parallel.stats() == single.stats()
    for query in (QUERY, CAMPAIGN, UNRELATED):
        assert parallel.similar(query, min_score=0.0) == single.similar(query, min_score=0.0)


def test_scikit_learn_is_imported_only_when_an_index_is_built_or_read(tmp_path):
    """Every foidesk process sets Django up; few of them build or read an index, and the
    import takes seconds."""
    script = (
        "import sys, django; django.setup(); import foidesk.config.urls\n"
        "assert 'sklearn' not in sys.modules, 'imported at start-up'\n"
        "from foidesk.similar.index import SimilarityIndex\n"
        "SimilarityIndex.build([('a', 'potholes in 2023'), ('b', 'potholes in 2024')])\n"
        "assert 'sklearn' in sys.modules\n"
    )
    env = {
        **os.environ,
        "SECRET_KEY": "test",
        "DJANGO_SETTINGS_MODULE": "foidesk.config.settings",
        "FOIDESK_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_same_questions_show_the_words_they_share():
    """Repeated for their weight, questions run their last word into their first: pairs in
    a ring ("2019 repaired", "repaired potholes", "potholes reported", "reported 2019") each
    bridge two others, and taking every bridge out left nothing to show."""
    asked = "1. How many potholes were reported in 2019?\n2. How many were repaired?"
    index = SimilarityIndex.build([("named", f"Request - A Name\n\n{asked}"), ("again", asked)])
    [match] = index.similar_to_key("again")
    assert match.key == "named"
    assert "potholes reported" in match.shared_terms
