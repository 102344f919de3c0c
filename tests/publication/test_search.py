"""The disclosure log's search: the same behaviour on SQLite (FTS5) and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from foidesk.casework import services
from foidesk.publication import search
from foidesk.publication.models import DisclosureEntry, DisclosureVersion
from foidesk.publication.search import postgresql, sqlite

RECEIVED = datetime(2020, 1, 17, 10, 30, tzinfo=UTC)
PUBLISHED = datetime(2020, 3, 2, 12, 0, tzinfo=UTC)

# The reference case (5973764) as the log would publish it: the response names Mosaic.
BARNET_TITLE = "IT systems in adults' and children's social care"
BARNET_REQUEST = (
    "Which IT systems are used in the department specifically to provide core case "
    "management systems and any other supporting software holding information on "
    "individuals supported by your adults/children care services?"
)
BARNET_RESPONSE = (
    "Adults: Mosaic (Servelec), the core case management system, with 1,150 users, "
    "implemented in 2016. Children's: Liquidlogic LCS. Contract costs are withheld under "
    "section 43(2) of the Act (commercial interests) after a public interest test."
)


def publish(
    title,
    request_text="Please provide the information described in the title.",
    response_text="The information is attached.",
    *,
    published_at=PUBLISHED,
    regime="foi",
    outcome="granted_in_full",
    topic="",
    service_areas=(),
    index=True,
):
    """A live disclosure log entry of one version, built directly with the models."""
    case = services.log_request(
        None,
        regime=regime,
        received_at=RECEIVED,
        subject=title,
        body=request_text,
        requester={"name": "A Requester", "email": "requester@example.com"},
    )
    entry = DisclosureEntry.objects.create(request=case, published_at=published_at)
    version = DisclosureVersion.objects.create(
        entry=entry,
        number=1,
        title=title,
        request_text=request_text,
        response_text=response_text,
        regime=regime,
        outcome=outcome,
        topic=topic,
        service_areas=list(service_areas),
        received_on=RECEIVED.date(),
        responded_on=date(2020, 2, 14),
    )
    entry.current = version
    entry.save(update_fields=["current"])
    if index:
        search.index(entry)
    return entry


def ids(results):
    return [hit.entry_id for hit in results.hits]


def snippet(query, entry, **kwargs):
    hits = search.search(query, **kwargs).hits
    return next(h.snippet_html for h in hits if h.entry_id == entry.pk)


@pytest.fixture
def barnet(authority):
    return publish(
        BARNET_TITLE,
        BARNET_REQUEST,
        BARNET_RESPONSE,
        outcome="partially_withheld",
        topic="Information technology",
        service_areas=["Adults Services", "Family Services"],
    )


@pytest.fixture
def potholes(authority):
    return publish(
        "Pothole repairs and compensation claims",
        "How many pothole compensation claims were paid in 2019?",
        "312 claims were paid, at a total cost of £41,200.",
        published_at=PUBLISHED + timedelta(days=30),
        regime="eir",
        topic="Highways",
        service_areas=["Highways"],
    )


# --- Finding --------------------------------------------------------------------------


def test_a_system_named_only_in_the_response_is_found(barnet, potholes):
    results = search.search("Mosaic")
    assert ids(results) == [barnet.pk]
    assert results.total == 1
    assert not results.capped


def test_words_from_the_request_find_it_with_stemming(barnet, potholes):
    assert ids(search.search("case management system")) == [barnet.pk]
    assert ids(search.search("Case Management Systems")) == [barnet.pk]
    assert ids(search.search("social care IT systems")) == [barnet.pk]


def test_every_word_must_match(barnet, potholes):
    assert ids(search.search("Mosaic potholes")) == []
    assert search.search("Mosaic potholes").total == 0


@pytest.fixture(params=["by index", "by scratch table"])
def title_check(request, monkeypatch):
    """SQLite finds which matches hold a word in their title two ways, chosen by how long
    the search took: both are run here, and must rank alike."""
    if request.param == "by scratch table":
        monkeypatch.setattr(sqlite, "BY_INDEX_SECONDS", -1)


def test_a_title_match_ranks_above_a_match_in_the_text(authority, title_check):
    in_text = publish(
        "Council tax arrears",
        "How many households were in arrears?",
        "Figures by ward are attached. Adoption of the new system is not relevant here.",
    )
    in_title = publish("Adoption allowances", "What allowances are paid?", "See attached.")
    results = search.search("adoption")
    assert ids(results) == [in_title.pk, in_text.pk]
    assert results.hits[0].rank > results.hits[1].rank > 0


def test_the_best_matches_come_first(authority, title_check):
    once = publish("Fostering", "Carers.", "One carer was approved in fostering.")
    often = publish("Fostering allowances for foster carers", "Fostering costs.", "Fostering.")
    assert ids(search.search("fostering")) == [often.pk, once.pk]


# --- Snippets -------------------------------------------------------------------------


def test_the_snippet_marks_the_matches(barnet):
    html = snippet("Mosaic", barnet)
    assert "<mark>Mosaic</mark> (Servelec)" in html


def test_the_snippet_comes_from_the_part_that_matched(barnet):
    assert "<mark>" in snippet("supporting software", barnet)
    assert "supporting" in snippet("supporting software", barnet)


def test_html_in_the_text_stays_text(authority):
    entry = publish(
        "Website code",
        "Which code runs on the council's website?",
        'The page loads <script>alert("x")</script> & <b>bold</b> text.',
    )
    html = snippet("loads", entry)
    assert "<mark>loads</mark>" in html
    assert "alert(&quot;x&quot;)" in html
    assert "&amp;" in html
    # Only <mark> elements are made: everything else in the text is escaped.
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    if connection.vendor == "sqlite":
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    else:  # PostgreSQL's parser reads <...> as tags, and ts_headline leaves them out
        assert "script" not in html


def test_control_characters_in_the_text_cannot_forge_marks(authority):
    entry = publish("Markers", "Plain words.", "A \x02forged\x03 mark and a real Mosaic.")
    html = snippet("Mosaic", entry)
    assert html.count("<mark>") == html.count("</mark>") == 1
    assert "<mark>Mosaic</mark>" in html


def test_a_listing_snippet_is_the_start_of_the_request(barnet):
    html = snippet("", barnet)
    assert html.startswith("Which IT systems are used")
    assert "<mark>" not in html


# --- Filters ---------------------------------------------------------------------------


def test_filters_by_outcome_regime_topic_and_service_area(barnet, potholes):
    assert ids(search.search("", filters={"outcome": "partially_withheld"})) == [barnet.pk]
    assert ids(search.search("", filters={"regime": "eir"})) == [potholes.pk]
    assert ids(search.search("", filters={"topic": "Highways"})) == [potholes.pk]
    assert ids(search.search("", filters={"service_area": "Family Services"})) == [barnet.pk]
    assert ids(search.search("", filters={"service_area": "Family"})) == []
    assert ids(search.search("Mosaic", filters={"regime": "eir"})) == []
    assert ids(search.search("Mosaic", filters={"regime": "foi", "outcome": ""})) == [barnet.pk]


def test_filters_by_published_date_inclusive(barnet, potholes):
    # barnet published 2 Mar 2020, potholes 1 Apr 2020 (UK dates)
    def between(start, end):
        filters = search.Filters(published_from=start, published_to=end)
        return ids(search.search("", filters=filters))

    assert between(date(2020, 3, 2), date(2020, 3, 2)) == [barnet.pk]
    assert between(date(2020, 3, 3), None) == [potholes.pk]
    assert between(None, date(2020, 3, 1)) == []
    assert between(date(2020, 1, 1), date(2020, 12, 31)) == [potholes.pk, barnet.pk]
    assert ids(search.search("claims", filters={"published_from": "2020-04-01"})) == [potholes.pk]


def test_the_published_day_is_the_uk_day(authority):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST)
    entry = publish("Late night", published_at=datetime(2020, 6, 30, 23, 30, tzinfo=UTC))
    assert ids(search.search("", filters={"published_from": date(2020, 7, 1)})) == [entry.pk]
    assert ids(search.search("", filters={"published_to": date(2020, 6, 30)})) == []


def test_unknown_filters_are_a_programming_error(barnet):
    with pytest.raises(TypeError, match="unknown filters"):
        search.search("Mosaic", filters={"colour": "red"})


# --- Phrases, exclusions, OR -----------------------------------------------------------


@pytest.fixture
def children(authority):
    looked_after = publish(
        "Looked after children placements", "Placements of looked after children.", "12."
    )
    scattered = publish(
        "Children's centres", "After the review, were the centres looked at again?", "No."
    )
    return looked_after, scattered


def test_a_quoted_phrase_needs_its_words_together(children):
    looked_after, scattered = children
    assert set(ids(search.search("looked after children"))) == {looked_after.pk, scattered.pk}
    assert ids(search.search('"looked after children"')) == [looked_after.pk]
    assert ids(search.search('"looked after children')) == [looked_after.pk]  # unclosed


def test_a_phrase_of_three_words_needs_them_in_order(authority, monkeypatch):
    # On PostgreSQL each pair of adjacent words is a key: these pairs are all in the
    # second entry, but apart.
    together = publish("Places", "Places in residential care homes.")
    apart = publish("Residential care, and care homes", "Residential care is rare; care homes.")
    assert set(ids(search.search("residential care homes"))) == {together.pk, apart.pk}
    assert ids(search.search('"residential care homes"')) == [together.pk]
    assert ids(search.search('"residential care homes"', limit=1)) == [together.pk]
    assert ids(search.search('-"residential care homes" care')) == [apart.pk]
    # PostgreSQL checks the whole phrase only in the matches it ranks or shows, so its
    # count includes the entries holding each pair apart.
    expected_total = 2 if connection.vendor == "postgresql" else 1
    assert search.search('"residential care homes"').total == expected_total
    monkeypatch.setattr(search, "RANKED", 0)  # shown newest first, unranked: still checked
    assert ids(search.search('"residential care homes"')) == [together.pk]


def test_a_stop_word_in_a_phrase_keeps_its_place(authority):
    in_care = publish("Children in care", "Numbers of children in care.")
    publish("Fostering", "Children; care leavers.")
    assert ids(search.search('"children in care"')) == [in_care.pk]


def test_excluded_words_and_phrases(children):
    _looked_after, scattered = children
    assert ids(search.search("children -placements")) == [scattered.pk]
    assert ids(search.search('children -"looked after children"')) == [scattered.pk]
    assert ids(search.search("children NOT placements")) == [scattered.pk]
    # Exclusions alone: the newest entries without them.
    assert ids(search.search("-placements")) == [scattered.pk]


def test_or_between_two_terms(barnet, potholes, children):
    assert set(ids(search.search("Mosaic OR pothole"))) == {barnet.pk, potholes.pk}
    assert set(ids(search.search("mosaic or pothole"))) == {barnet.pk, potholes.pk}
    # OR binds the terms beside it: (Mosaic or pothole) and claims
    assert ids(search.search("Mosaic OR pothole claims")) == [potholes.pk]


@pytest.mark.parametrize("scans", [8, 1], ids=["a scan for each", "checked in the document"])
def test_or_between_phrases(children, barnet, potholes, monkeypatch, scans):
    # PostgreSQL looks up each phrase of an OR in its own scan, up to MAX_BRANCHES scans,
    # and checks the document for the rest: the same entries either way.
    monkeypatch.setattr(search.PostgreSQL, "MAX_BRANCHES", scans)
    looked_after, scattered = children
    found = search.search('"looked after children placements" OR "core case management" OR pothole')
    assert set(ids(found)) == {looked_after.pk, barnet.pk, potholes.pk}
    found = search.search('"looked after children placements" OR "children\'s centres" -placements')
    assert ids(found) == [scattered.pk]
    assert ids(search.search("children -placements -review")) == [barnet.pk]
    assert ids(search.search('children -placements -"after the review"')) == [barnet.pk]


def test_reading_a_query():
    query = search.parse('adoption OR fostering costs -"agency staff" AND -x NOT y "')
    assert query.groups == (("adoption", "fostering"), ("costs",))
    assert query.excluded == ("agency staff", "x", "y")
    assert search.parse("OR and OR").groups == (("and",),)
    assert search.parse('*** "" - -- "!"').groups == ()


# --- Keeping the index -----------------------------------------------------------------


def test_an_unpublished_entry_is_not_found(barnet):
    barnet.unpublished_at = timezone.now()
    barnet.save()
    search.remove(barnet)
    assert search.search("Mosaic").total == 0
    assert search.search("").total == 0


def test_indexing_an_entry_that_is_not_live_takes_it_out(barnet):
    barnet.unpublished_at = timezone.now()
    barnet.save()
    search.index(barnet)
    assert search.search("Mosaic").total == 0
    barnet.unpublished_at = None
    barnet.save()
    search.index(barnet)
    assert ids(search.search("Mosaic")) == [barnet.pk]


def test_a_new_version_replaces_the_old_text(barnet):
    version = DisclosureVersion.objects.create(
        entry=barnet,
        number=2,
        title=BARNET_TITLE,
        request_text=BARNET_REQUEST,
        response_text="Adults: Eclipse (OLM).",
        regime="foi",
        received_on=RECEIVED.date(),
    )
    barnet.current = version
    barnet.save()
    search.index(barnet)
    search.index(barnet)  # again: still one row
    assert search.search("Mosaic").total == 0
    assert ids(search.search("Eclipse")) == [barnet.pk]
    assert search.search("").total == 1


def test_a_deleted_entry_leaves_the_index(barnet, potholes):
    barnet.delete()
    assert search.search("Mosaic").total == 0
    assert ids(search.search("")) == [potholes.pk]


def test_rebuild_restores_an_emptied_index(barnet, potholes):
    unpublished = publish("Withdrawn from the log", "Mosaic again.", published_at=None)
    for entry in (barnet, potholes):
        search.remove(entry)
    assert search.search("Mosaic").total == 0
    assert search.search("").total == 0
    assert search.rebuild() == 2
    assert ids(search.search("Mosaic")) == [barnet.pk]
    assert ids(search.search("")) == [potholes.pk, barnet.pk]
    assert unpublished.pk not in ids(search.search("Mosaic"))
    assert search.rebuild() == 2  # and again, from a full index
    # The rebuilt index is kept in step as before: each entry once.
    search.index(barnet)
    search.index(potholes)
    assert search.search("").total == 2


def test_a_rebuilt_postgresql_table_is_made_as_the_migrations_made_it(barnet):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL puts a new table in the old one's place")

    def shape():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisprimary "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = 'publication_search'::regclass ORDER BY 1"
            )
            indexes = cursor.fetchall()
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'publication_search'")
            options = cursor.fetchone()
            cursor.execute(
                "SELECT attname, attstorage, attnotnull FROM pg_attribute "
                "WHERE attrelid = 'publication_search'::regclass AND attnum > 0 "
                "AND NOT attisdropped ORDER BY attnum"
            )
            return indexes, options, cursor.fetchall()

    before = shape()
    search.rebuild()
    assert shape() == before
    assert [name for name, _, primary in before[0] if primary] == ["publication_search_pkey"]
    assert before[1] == (["toast_tuple_target=128"],)


def test_the_rebuild_command_says_how_many(barnet, potholes, capsys):
    search.remove(barnet)
    call_command("rebuild_search")
    assert "Indexed 2 disclosure log entries" in capsys.readouterr().out
    assert ids(search.search("Mosaic")) == [barnet.pk]


@pytest.mark.django_db(transaction=True)
def test_the_index_does_not_stop_the_database_being_flushed(authority):
    # Transactional tests (and `manage flush`) empty every table afterwards; on
    # PostgreSQL a foreign key into the entries would make that fail.
    publish("Flushed afterwards", "Mosaic.")
    assert search.search("Mosaic").total == 1


# --- Listing, paging, large results ----------------------------------------------------


def test_an_empty_query_lists_the_newest_first(barnet, potholes):
    newest = publish("Newest", published_at=PUBLISHED + timedelta(days=90))
    results = search.search("")
    assert ids(results) == [newest.pk, potholes.pk, barnet.pk]
    assert results.total == 3
    assert {hit.rank for hit in results.hits} == {0.0}
    assert ids(search.search("   ")) == ids(results)


def test_paging(authority):
    entries = [
        publish(f"Adoption report {n}", published_at=PUBLISHED + timedelta(days=n))
        for n in range(5)
    ]
    first = search.search("adoption", limit=2)
    second = search.search("adoption", limit=2, offset=2)
    third = search.search("adoption", limit=2, offset=4)
    assert first.total == second.total == 5
    assert len(first.hits) == len(second.hits) == 2
    assert len(third.hits) == 1
    assert {h.entry_id for r in (first, second, third) for h in r.hits} == {e.pk for e in entries}
    assert search.search("adoption", offset=10).hits == []
    assert ids(search.search("", limit=2, offset=1)) == [entries[3].pk, entries[2].pk]


def test_very_many_matches_are_counted_and_ranked_among_the_newest(authority, monkeypatch):
    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    monkeypatch.setattr(search, "RANKED", 2)

    def on_day(day, title, text="About adoption."):
        return publish(title, text, published_at=PUBLISHED + timedelta(days=day))

    oldest_title_match = on_day(1, "Adoption")
    older_text_match = on_day(2, "Report two")
    title_match = on_day(3, "Adoption allowances")
    newest_text_match = on_day(4, "Report four")
    results = search.search("adoption")
    assert results.total == 3
    assert results.capped
    # The newest two ranked (the title first), then the next newest; the oldest not at all.
    assert ids(results) == [title_match.pk, newest_text_match.pk, older_text_match.pk]
    assert results.hits[0].rank > results.hits[1].rank > 0 == results.hits[2].rank
    assert "<mark>adoption</mark>" in results.hits[2].snippet_html
    assert ids(search.search("adoption", offset=1, limit=1)) == [newest_text_match.pk]
    assert ids(search.search("adoption", offset=2)) == [older_text_match.pk]
    # A narrower search counts them all.
    narrower = search.search("adoption", filters={"published_to": date(2020, 3, 3)})
    assert ids(narrower) == [oldest_title_match.pk]
    assert not narrower.capped


def test_matches_years_apart_are_all_found_newest_first(authority, monkeypatch):
    # PostgreSQL reads the newest months first, then spans twice as long each time,
    # a calendar year at a time where it can: every month must be read once, in order.
    moments = [
        datetime(2006, 12, 1, 20, 40, tzinfo=UTC),
        datetime(2015, 6, 30, 23, 59, tzinfo=UTC),
        datetime(2019, 1, 1, 0, 0, tzinfo=UTC),
        datetime(2019, 12, 31, 23, 59, tzinfo=UTC),
        datetime(2020, 1, 31, 23, 30, tzinfo=UTC),
        datetime(2020, 2, 1, 0, 30, tzinfo=UTC),
        datetime(2020, 3, 2, 12, 0, tzinfo=UTC),
    ]
    entries = [
        publish(f"Adoption report {n}", published_at=moment, topic="Children")
        for n, moment in enumerate(moments)
    ]
    publish("Highways", "Potholes.", published_at=datetime(2020, 3, 3, tzinfo=UTC))
    newest_first = [entry.pk for entry in reversed(entries)]
    assert ids(search.search("adoption")) == newest_first
    assert ids(search.search("", filters={"topic": "Children"})) == newest_first
    assert ids(search.search('"adoption report"')) == newest_first
    assert ids(search.search("adoption -potholes")) == newest_first
    within = {"published_from": date(2019, 1, 1), "published_to": date(2020, 1, 31)}
    assert ids(search.search("adoption", filters=within)) == newest_first[2:5]
    monkeypatch.setattr(search, "COUNT_LIMIT", 4)
    capped = search.search("report")
    assert (capped.total, capped.capped) == (4, True)
    assert ids(capped) == newest_first[:4]


def test_postgresql_reads_every_month_once_newest_first():
    newest = postgresql._month(datetime(2026, 11, 25, tzinfo=UTC))
    oldest = postgresql._month(datetime(2006, 12, 1, tzinfo=UTC))
    windows = list(postgresql._windows(newest, oldest))
    read = [month for first, last in windows for month in range(last, first - 1, -1)]
    assert read == list(range(newest, oldest - 1, -1))
    assert [last - first + 1 for first, last in windows][:5] == [1, 2, 4, 8, 16]
    keys = postgresql._window_keys(postgresql._month(datetime(2018, 11, 5, tzinfo=UTC)), newest)
    assert keys[:4] == [
        "\x1fmonth\x1f2018-11",
        "\x1fmonth\x1f2018-12",
        "\x1fyear\x1f2019",
        "\x1fyear\x1f2020",
    ]
    assert keys[-1] == "\x1fmonth\x1f2026-11"
    assert len(keys) == 2 + 7 + 11


# --- Odd input -------------------------------------------------------------------------


ODD = [
    '"',
    '""',
    '"""',
    "AND OR NOT",
    "OR",
    "NOT",
    "-",
    "*",
    "mosaic*",
    "^mosaic",
    "NEAR(mosaic care)",
    "title:mosaic",
    "{title}: mosaic",
    "'; drop table x; --",
    "Robert'); DROP TABLE publication_search;--",
    "%s %% %(x)s ? :name $1",
    "\\",
    "()",
    "mosaic)",
    "((mosaic",
    "!mosaic & care | ",
    "<script>alert(1)</script>",
    "s.40(2)",
    "\x00\x02\x03",
    "\ud800 lone surrogate",
    "😀",
    "mosaic 😀 🏳️‍🌈",
    "Ünïcödé ñ 日本語 العربية",
    "x" * 10_000,
    "mosaic " * 2_000,
    " ".join(f'"{n}" -{n} OR' for n in range(2_000)),
    None,
    12345,
]


@pytest.mark.parametrize("query", ODD, ids=range(len(ODD)))
def test_odd_input_never_raises(barnet, query):
    results = search.search(query)
    assert results.total >= 0
    for hit in results.hits:
        assert "<script>" not in hit.snippet_html
    # The database connection is still usable.
    assert ids(search.search("Mosaic")) == [barnet.pk]


@pytest.mark.parametrize("query", ["mosaic*", "Mosaic)", "(Mosaic", "MOSAIC!", "-- mosaic"])
def test_punctuation_around_a_word_still_finds_it(barnet, query):
    assert ids(search.search(query)) == [barnet.pk]


def test_a_section_number_is_found_as_written(barnet):
    assert ids(search.search("section 43(2)")) == [barnet.pk]
    assert ids(search.search('"43(2)"')) == [barnet.pk]
