"""The public disclosure log: listing, search, filters, entry pages, released files, the
Atom feed and the open data exports. No sign-in; never anything about a requester."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from foidesk import demo
from foidesk.accounts.models import User
from foidesk.casework.models import Request
from foidesk.publication import services, views
from tests.publication.test_search import publish

pytestmark = pytest.mark.django_db

REQUESTER = ["Sam Requester", "sam.requester@example.com"]


@pytest.fixture
def barnet(authority):
    demo.load("pw", generated=0)
    return Request.objects.get(reference=demo.REFERENCE_CASE["reference"])


def text(response):
    assert response.status_code == 200
    body = response.streaming_content if response.streaming else [response.content]
    return b"".join(body).decode()


def test_the_log_lists_the_newest_answers_to_anyone(client, barnet):
    page = text(client.get("/disclosure-log/"))
    assert "IT systems in adults&#39; and children&#39;s social care" in page
    assert "1 answer" in page
    for personal in REQUESTER:
        assert personal not in page


def test_search_ranks_and_highlights_what_matched(client, barnet):
    page = text(client.get("/disclosure-log/", {"q": "Mosaic"}))
    assert "<mark>Mosaic</mark>" in page
    assert "1 answer for “Mosaic”" in page
    assert "0 answers" in text(client.get("/disclosure-log/", {"q": "potholes"}))


def test_filters_narrow_the_log(client, barnet):
    assert "1 answer" in text(client.get("/disclosure-log/", {"regime": "foi"}))
    assert "0 answers" in text(client.get("/disclosure-log/", {"regime": "eir"}))
    assert "1 answer" in text(client.get("/disclosure-log/", {"service_area": "Adults Services"}))


def test_a_mistyped_date_is_explained_not_a_failure(client, barnet):
    page = text(
        client.get(
            "/disclosure-log/",
            {
                "q": "Mosaic",
                "published_from-day": "31",
                "published_from-month": "2",
                "published_from-year": "2024",
            },
        )
    )
    assert "govuk-error-summary" in page
    assert "<mark>Mosaic</mark>" in page


@pytest.mark.parametrize("day", ["99999999999999999999", "١٧", "-17"])
def test_a_date_that_cannot_be_is_explained_and_the_words_still_searched(client, barnet, day):
    query = {"q": "Mosaic", "published_to-day": day}
    page = text(
        client.get(
            "/disclosure-log/", query | {"published_to-month": "1", "published_to-year": "2030"}
        )
    )
    assert "The latest date published must be a real date" in page
    assert 'href="#id_published_to-day"' in page
    assert "<mark>Mosaic</mark>" in page


@pytest.mark.parametrize("number", ["0", "-3", "abc", "99999"])
def test_any_page_number_gives_a_page(client, barnet, number):
    assert client.get("/disclosure-log/", {"page": number}).status_code == 200


@pytest.mark.parametrize("number", ["4", "99999999999999999999"])
def test_a_page_past_the_end_shows_the_last_page(client, barnet, monkeypatch, number):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    publish("Pothole repairs")
    page = text(client.get("/disclosure-log/", {"page": number}))
    # Newest first: Barnet's answer, published by the demo today, is on page 1.
    assert "Pothole repairs" in page
    assert "IT systems in adults&#39; and children&#39;s social care" not in page
    assert "page=1" in page


def test_the_entry_page_shows_request_response_and_released_files(client, barnet):
    page = text(client.get("/disclosure-log/5973764/"))
    assert "Which IT systems are used in the department" in page
    assert "Mosaic" in page
    assert "section 43(2)" in page or "43(2)" in page
    for personal in REQUESTER:
        assert personal not in page
    letter = client.get("/disclosure-log/5973764/files/5973764-response.pdf")
    assert letter["Content-Type"] == "application/pdf"
    assert b"".join(letter.streaming_content).startswith(b"%PDF")
    assert client.get("/disclosure-log/5973764/files/other.pdf").status_code == 404


def test_an_unpublished_or_never_published_request_is_not_found(client, barnet):
    officer = User.objects.get(username="officer")
    assert client.get("/disclosure-log/1234567/").status_code == 404
    services.unpublish(barnet.disclosure, officer, "Withdrawn for checking.")
    assert client.get("/disclosure-log/5973764/").status_code == 404
    assert client.get("/disclosure-log/5973764/files/5973764-response.pdf").status_code == 404
    assert "0 answers" in text(client.get("/disclosure-log/"))


def test_the_feed_is_atom_with_each_entry(client, barnet):
    # Our own feed, read back: not untrusted input.
    feed = ET.fromstring(text(client.get("/disclosure-log/feed.atom")))  # noqa: S314
    atom = "{http://www.w3.org/2005/Atom}"
    [entry] = feed.findall(f"{atom}entry")
    assert entry.find(f"{atom}link").get("href").endswith("/disclosure-log/5973764/")
    assert "Sam" not in ET.tostring(feed, encoding="unicode")


def test_the_exports_are_open_data_without_requesters(client, barnet):
    rows = list(csv.DictReader(io.StringIO(text(client.get("/disclosure-log.csv")))))
    assert [row["reference"] for row in rows] == ["5973764"]
    assert rows[0]["service_areas"] == "Adults Services; Family Services"
    records = json.loads(text(client.get("/disclosure-log.json")))
    assert records[0]["reference"] == "5973764"
    assert records[0]["url"].endswith("/disclosure-log/5973764/")
    exported = json.dumps(records) + json.dumps(rows)
    for personal in REQUESTER:
        assert personal not in exported


def test_open_data_is_data_never_a_formula_or_markup(client, barnet):
    """OWASP's CSV injection: a title a spreadsheet would run (=, +, -, @, a tab) is written
    with an apostrophe in front; JSON and Atom escape it as their formats require."""
    officer = User.objects.get(username="officer")
    title = '=HYPERLINK("http://evil.example","Click") </script> & <b>bold</b>'
    services.publish(barnet, officer, title=title, topic="@SUM(A1)", files=["letter"])
    rows = list(csv.DictReader(io.StringIO(text(client.get("/disclosure-log.csv")))))
    assert rows[0]["title"] == "'" + title
    assert rows[0]["topic"] == "'@SUM(A1)"
    assert all(not value.startswith(("=", "+", "-", "@", "\t")) for value in rows[0].values())
    records = json.loads(text(client.get("/disclosure-log.json")))
    assert records[0]["title"] == title
    feed = text(client.get("/disclosure-log/feed.atom"))
    assert "</script>" not in feed
    parsed = ET.fromstring(feed)  # noqa: S314 (our own feed, read back)
    atom = "{http://www.w3.org/2005/Atom}"
    assert parsed.find(f"{atom}entry/{atom}title").text == title
