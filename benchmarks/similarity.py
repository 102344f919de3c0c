"""Similar requests and round-robins (foidesk.similar.index): quality and speed.

(a) Quality on real titles: the 5,462 requests about children's social care sent to UK
    authorities through WhatDoTheyKnow (benchmarks/README.md). Each title is a document (key = row
    number). Two rows are "the same request" when their normalised titles are equal and both
    went to more than one authority ("LAs with same Request" > 1): one round-robin. For every
    row with at least one partner, its top 5 (itself excluded) give precision@5, raw and
    normalised by min(5, partners); round_robins() is compared with the true groups.
(b) Speed on synthetic requests: titles recombined with request bodies of 50-300 words
    (numbered questions, varied wording, made-up names drawn by Zipf's law, greetings,
    sign-offs, WhatDoTheyKnow footers), 30% of them round-robins. Build time, memory,
    size on disk, load time, p50/p95 of 200 similar() and 200 similar_to_key() queries
    (also: 50 matches as the app asks, short titles, queries with no known word, and the
    index memory-mapped as the app loads it), agreement with exhaustive scoring,
    round_robins() time and recovery of the generated round-robins. Each size runs in a
    process of its own, so that memory figures are its own.

Run: uv run python benchmarks/similarity.py [--sizes 100000 1000000] [--csv PATH]
     (writes benchmarks/results/similarity.json; indexes go to a temporary folder)
"""

import argparse
import csv
import gc
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from percentiles import percentile

from foidesk.similar.index import SimilarityIndex, normalise, round_robins

HERE = Path(__file__).parent
RESULTS = HERE / "results" / "similarity.json"
LETTERS_RESULTS = HERE / "results" / "similarity-letters.json"
TITLES = HERE / "data" / "request-titles.txt"
CSV = Path("/work/shared/data/wdtk-childrens-social-care-requests.csv")
QUERY = "Which social care case management system do you use, and who supplies it?"


# --- (a) quality on real titles ------------------------------------------------------------


def title_key(title):
    """The ground truth's normalisation: case, apostrophes and punctuation do not count."""
    text = unicodedata.normalize("NFKC", title).replace("\u2019", "'").casefold()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def true_groups(rows):
    """Row numbers grouped by normalised title, among rows sent to more than one authority."""
    groups = defaultdict(list)
    for number, row in enumerate(rows):
        if float(row["LAs with same Request"] or 0) > 1:
            groups[title_key(row["Request Title"])].append(str(number))
    return [members for members in groups.values() if len(members) > 1]


def quality(path, thresholds=(0.7, 0.8, 0.85, 0.9, 0.95)):
    rows = read_rows(path)
    docs = [(str(number), row["Request Title"]) for number, row in enumerate(rows)]
    started = time.perf_counter()
    index = SimilarityIndex.build(docs)
    build_s = time.perf_counter() - started
    groups = true_groups(rows)
    partners = {key: set(group) - {key} for group in groups for key in group}

    raw, normalised, timings, first_right = [], [], [], 0
    same_title_elsewhere = 0  # top-5 places taken by an equal title not in a round-robin
    keys_by_title = defaultdict(set)
    for key, title in docs:
        keys_by_title[title_key(title)].add(key)
    for key in sorted(partners, key=int):
        began = time.perf_counter()
        matches = index.similar_to_key(key, k=5, min_score=0.0)
        timings.append(time.perf_counter() - began)
        found = [m.key for m in matches]
        right = sum(1 for other in found if other in partners[key])
        raw.append(right / 5)
        normalised.append(right / min(5, len(partners[key])))
        first_right += bool(found) and found[0] in partners[key]
        same = keys_by_title[title_key(docs[int(key)][1])]
        same_title_elsewhere += sum(1 for o in found if o in same and o not in partners[key])

    grouping = {}
    for threshold in thresholds:
        began = time.perf_counter()
        found = round_robins(docs, threshold, index=index)
        grouping[f"threshold {threshold}, index's vocabulary"] = {
            "seconds": round(time.perf_counter() - began, 3),
            **compare_groups(groups, found),
        }
    began = time.perf_counter()
    fitted_on_docs = round_robins(docs, 0.85)
    grouping["threshold 0.85, vocabulary fitted on the docs"] = {
        "seconds": round(time.perf_counter() - began, 3),
        **compare_groups(groups, fitted_on_docs),
    }

    # The officer's question, and the ten best different titles it brings up.
    distinct, seen = [], set()
    for match in index.similar(QUERY, k=500):
        title = title_key(docs[int(match.key)][1])
        if title not in seen:
            seen.add(title)
            distinct.append(match)
        if len(distinct) == 10:
            break
    about_systems = [
        m for m in distinct if re.search(r"system|case management", docs[int(m.key)][1], re.I)
    ]
    return {
        "documents": len(docs),
        "build_s": round(build_s, 3),
        "index": index.stats(),
        "rows_with_partners": len(partners),
        "true_groups": len(groups),
        "precision_at_5_raw": round(statistics.mean(raw), 4),
        "precision_at_5_normalised": round(statistics.mean(normalised), 4),
        "first_result_a_partner": round(first_right / len(partners), 4),
        "top5_places_taken_by_equal_title_outside_round_robins": same_title_elsewhere,
        "similar_to_key_ms": summary(timings),
        "round_robins": grouping,
        "query": {
            "text": QUERY,
            "top10_distinct_titles_about_systems_or_case_management": len(about_systems),
            "top10_distinct_titles": [
                {"title": docs[int(m.key)][1], "score": m.score, "shared": m.shared_terms}
                for m in distinct
            ],
        },
    }


def compare_groups(truth, found):
    """How many true groups come back exactly, or mostly (80%+ of them, 80%+ pure)."""
    group_of = {}
    for number, group in enumerate(found):
        for key in group:
            group_of[key] = number
    in_truth = {key for group in truth for key in group}
    exact = exact_within_truth = mostly = 0
    for group in truth:
        counts = Counter(group_of.get(key) for key in group)
        best, overlap = counts.most_common(1)[0]
        if best is None:
            continue
        predicted = set(found[best])
        members = set(group)
        exact += predicted == members
        exact_within_truth += (predicted & in_truth) == members
        mostly += overlap >= 0.8 * len(members) and overlap >= 0.8 * len(predicted)
    # Pairs: of the pairs put together, how many belong together; of those that belong, how many.
    true_pairs = sum(len(g) * (len(g) - 1) // 2 for g in truth)
    found_pairs = sum(len(g) * (len(g) - 1) // 2 for g in found)
    truth_of = {key: n for n, group in enumerate(truth) for key in group}
    right_pairs = 0
    for group in found:
        counts = Counter(truth_of.get(key) for key in group)
        right_pairs += sum(c * (c - 1) // 2 for t, c in counts.items() if t is not None)
    return {
        "groups_found": len(found),
        "groups_found_outside_truth": sum(1 for group in found if not set(group) & in_truth),
        "true_groups_exact": exact,
        "true_groups_exact_ignoring_rows_in_no_true_group": exact_within_truth,
        "true_groups_mostly": mostly,
        "true_groups": len(truth),
        "pair_precision": round(right_pairs / found_pairs, 4) if found_pairs else None,
        "pair_recall": round(right_pairs / true_pairs, 4) if true_pairs else None,
    }


# --- (b) synthetic requests ----------------------------------------------------------------

GROUPS = [
    "looked after children", "children in need", "care leavers", "children on a child "
    "protection plan", "unaccompanied asylum-seeking children", "young carers", "children "
    "with an education, health and care plan", "children missing from care", "foster carers",
    "approved adopters", "special guardians", "children placed for adoption", "children in "
    "secure accommodation", "children electively home educated", "children with disabilities",
    "young people in supported accommodation", "care-experienced young people aged 18 to 25",
    "children subject to a supervision order", "children in kinship care", "families with no "
    "recourse to public funds", "children in residential care", "privately fostered children",
]  # fmt: skip
ITEMS = [
    "residential placements", "independent fostering agency placements", "agency social "
    "workers", "legal fees in care proceedings", "home to school transport", "short breaks",
    "direct payments", "interpreting and translation", "semi-independent accommodation",
    "secure welfare placements", "family support services", "parenting assessments",
    "expert witness reports", "staff training", "advocacy services", "the leaving care grant",
    "setting-up-home allowances", "council tax exemptions for care leavers", "mileage and "
    "travel", "special guardianship allowances", "fostering allowances", "respite care",
    "therapeutic services", "psychology assessments", "out-of-area placements",
]  # fmt: skip
SERVICES = [
    "children's social care", "adult social care", "the SEND team", "early help", "the leaving "
    "care team", "the fostering service", "the adoption service", "the MASH", "the youth "
    "offending service", "the virtual school", "family hubs", "the disabled children's team",
]  # fmt: skip
SYSTEMS = [
    "Mosaic", "Liquidlogic LCS", "Liquidlogic EHM", "Eclipse", "ContrOCC", "Capita One",
    "Synergy", "CareFirst", "Azeus", "Paris", "Frameworki", "Servelec Rio", "Wisdom",
]  # fmt: skip
STAFF = [
    "qualified social workers", "agency social workers", "team managers", "family support "
    "workers", "independent reviewing officers", "personal advisers", "educational "
    "psychologists", "occupational therapists", "business support staff", "foster carer "
    "supervising social workers",
]  # fmt: skip
BREAKDOWNS = [
    "age", "gender", "ethnicity", "placement type", "ward", "month", "primary need",
    "legal status", "disability", "provider", "length of stay", "distance from home",
]  # fmt: skip
STATUS = [
    "placed more than 20 miles from home", "reported missing", "placed in unregulated "
    "accommodation", "moved placement three or more times", "subject to a deprivation of "
    "liberty order", "excluded from school", "not in education, employment or training",
    "returned home", "adopted", "made subject to a special guardianship order",
]  # fmt: skip
QUESTIONS = [
    "{how} {group} were {status} on 31 March {year}?",
    "{how} {group} in the care of {council} were {status} on 31 March {year}?",
    "{how} {group} were there in each of the years {year} to {year2}?",
    "What was the total spent by the council on {item} in {fy}?",
    "What was the council's spend on {item} in each of the last {n} financial years?",
    "Please break down the number of {group} by {breakdown} and by {breakdown2}.",
    "Which case management system does {service} use, who supplies it, and when does the "
    "contract end?",
    "Does {service} use {system}? If not, which system holds records about {group}?",
    "{how} full-time equivalent {staff} were employed in {service} on 1 April {year}?",
    "{how} {staff} left {service} in {fy}, and what was the vacancy rate?",
    "Does the council have a written policy on {topic}? If so, please send me a copy.",
    "{how} complaints about {topic} were received in each of the last {n} years, and how "
    "many were upheld?",
    "What is the weekly rate paid for {item}, broken down by {breakdown}?",
    "{how} {group} received {item} in {fy}?",
    "What is the average caseload of {staff} in {service}?",
    "Has the council commissioned a review of {topic} since {year}? If so, please provide "
    "a copy of the report and its recommendations.",
    "Which providers supply {item}, and what is the value of each contract?",
    "{how} {group} were referred to {service} in {fy}, and how many of those referrals led "
    "to an assessment?",
    "What is the longest time a child has waited for {item}, in weeks?",
    "Please provide the minutes of any meeting in {year} at which {topic} was discussed.",
    "{how} of the {group} known to {service} are {status}?",
    "What budget has been set for {item} in {fy}, and what was actually spent?",
    "Who is the officer responsible for {topic}? A job title is enough.",
    "{how} applications concerning {topic} were made in {year}, and how many were granted?",
    "What training on {topic} has been given to {staff} since {year}?",
]  # fmt: skip
HOW = [
    "How many", "What number of", "Please state how many", "Could you tell me how many",
    "Can you confirm how many",
]  # fmt: skip
OPENINGS = [
    "I am writing under the Freedom of Information Act 2000 to request the following "
    "information about {topic}.",
    "Please could you provide the following information regarding {topic}.",
    "Under the FOI Act, I would like to know about {topic} in your area.",
    "I am researching {topic} across England and would be grateful for answers to the "
    "questions below.",
    "This is a request for information about {topic}.",
    "I would like to request the following information relating to {topic}.",
    "As part of a study of {topic}, I would like to ask:",
]  # fmt: skip
CONTEXT = [
    "For clarity, by {group} I mean those for whom the council had parental responsibility "
    "or provided accommodation at the time.",
    "If the information is held in a different format, please provide it in the format in "
    "which it is held.",
    "If answering all of these questions would exceed the cost limit, please tell me how I "
    "might narrow the request, giving priority to questions {a} and {b}.",
    "Please provide the information as a spreadsheet (Excel or CSV) if possible.",
    "Where numbers are below five, please give them as 'fewer than five' rather than "
    "withholding the whole answer.",
    "I understand that some of this information may be published already; if so, a link "
    "to where it is published would be enough.",
    "The figures are for a report on {topic} which will be shared with local charities and "
    "councillors.",
    "Please include children placed by {service} with providers outside the council's area.",
    "I am happy to receive figures for financial years rather than calendar years if that "
    "is how they are kept.",
]  # fmt: skip
GREETINGS = [
    "Dear {council},", "Dear Sir or Madam,", "Dear FOI Team,", "Hello,", "Dear {council} FOI team,"
]  # fmt: skip
SIGN_OFFS = ["Yours faithfully,", "Kind regards,", "Many thanks,", "Best wishes,", "Regards,"]
FIRST = [
    "Amelia", "Olivia", "Isla", "Ava", "Mia", "Grace", "Oliver", "George", "Harry", "Noah",
    "Jack", "Leo", "Priya", "Aisha", "Rhys", "Owen", "Siobhan", "Ciaran", "Morag", "Callum",
]  # fmt: skip
LAST = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Patel", "Khan",
    "Ahmed", "Begum", "Campbell", "Stewart", "Murray", "Kelly", "Hughes", "Green", "Hall", "Lewis",
]  # fmt: skip
FOOTER = (
    "\n\n-------------------------------------------------------------------\n\n"
    "Please use this email address for all replies to this request:\n"
    "request-{n}-{h}@whatdotheyknow.com\n\n"
    "Is foi@{slug}.gov.uk the wrong address for Freedom of Information requests to "
    "{council}? If so, please contact us using this form:\n"
    "https://www.whatdotheyknow.com/change_request/new?body={slug}\n\n"
    "Disclaimer: This message and any reply that you make will be published on the "
    "Internet. Our privacy and copyright policies:\nhttps://www.whatdotheyknow.com/help/officers\n"
    "-------------------------------------------------------------------"
)


ONSETS = [
    "b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "pr", "r",
    "s", "sh", "st", "t", "th", "tr", "v", "w", "y",
]  # fmt: skip
NUCLEI = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oo", "ou"]
CODAS = ["", "n", "r", "l", "m", "s", "t", "nd", "rk", "st", "ll", "x"]
KINDS = [
    "children's home", "academy", "project", "framework", "partnership", "panel", "fund",
    "unit", "contract", "hub", "trust", "scheme", "software", "review", "estate", "ward",
]  # fmt: skip
DETAILS = [
    "Please include the {w1} {kind} in your answer.",
    "This should cover the {w1} and {w2} {kind}s.",
    "I am particularly interested in the {w1} {kind}, which I understand is run by {w2}.",
    "For example, the {w1} {kind} mentioned in the report of {year}.",
]  # fmt: skip
DISTINCT_WORDS = 3_000_000  # made-up names, drawn with Zipf's law (rank r with chance ~1/r)


def topic_of(title):
    """A title as words inside a sentence: no end stop, lower case unless an acronym."""
    topic = title.rstrip(" .?!")
    if len(topic) > 1 and not topic[1].isupper():
        topic = topic[0].lower() + topic[1:]
    return topic


def template_slots(rng, topic, year, council):
    """What the question and paragraph templates are filled with (drawn in this order)."""
    return {
        "topic": topic,
        "group": rng.choice(GROUPS),
        "item": rng.choice(ITEMS),
        "service": rng.choice(SERVICES),
        "system": rng.choice(SYSTEMS),
        "staff": rng.choice(STAFF),
        "status": rng.choice(STATUS),
        "breakdown": rng.choice(BREAKDOWNS),
        "breakdown2": rng.choice(BREAKDOWNS),
        "year": year,
        "year2": year + rng.randint(1, 5),
        "fy": f"{year}/{(year + 1) % 100:02d}",
        "n": rng.choice([3, 5, 10, "three", "five"]),
        "how": rng.choice(HOW),
        "a": 1,
        "b": 2,
        "council": council,
    }


def made_up_word(rank):
    """A pronounceable name for each rank: a long tail of rare words, as real requests have."""
    syllables = []
    while True:
        rank, onset = divmod(rank, len(ONSETS))
        rank, nucleus = divmod(rank, len(NUCLEI))
        rank, coda = divmod(rank, len(CODAS))
        syllables.append(ONSETS[onset] + NUCLEI[nucleus] + CODAS[coda])
        if rank == 0:
            return "".join(syllables).capitalize()


class Requests:
    """Synthetic FOI requests: a real title, then a body written from varied parts."""

    def __init__(self, seed, titles, councils):
        self.rng = random.Random(seed)
        self.titles = titles
        self.councils = councils

    def rare_word(self):
        return made_up_word(int(DISTINCT_WORDS ** self.rng.random()) - 1)

    def body(self, title, length, council="{council}"):
        rng = self.rng
        topic = topic_of(title)
        year = rng.randint(2008, 2024)
        slots = template_slots(rng, topic, year, council)
        parts = [rng.choice(OPENINGS).format(**slots)]
        numbering = rng.choice(["{n}. ", "Q{n}. ", "{n}) ", "({n}) ", "- "])
        questions = rng.sample(QUESTIONS, len(QUESTIONS))
        words = len(parts[0].split())
        number = 0
        while words < length and questions:
            if number >= 2 and rng.random() < 0.15:
                paragraph = rng.choice(CONTEXT).format(**slots)
            elif number >= 1 and rng.random() < 0.2:
                paragraph = rng.choice(DETAILS).format(
                    w1=self.rare_word(), w2=self.rare_word(), kind=rng.choice(KINDS), year=year
                )
            else:
                number += 1
                # Each question gets its own choice of group, item, etc.
                slots.update(
                    group=rng.choice(GROUPS),
                    item=rng.choice(ITEMS),
                    staff=rng.choice(STAFF),
                    status=rng.choice(STATUS),
                    breakdown=rng.choice(BREAKDOWNS),
                    breakdown2=rng.choice(BREAKDOWNS),
                    how=rng.choice(HOW),
                    service=rng.choice(SERVICES) if rng.random() < 0.3 else slots["service"],
                )
                paragraph = numbering.format(n=number) + questions.pop().format(**slots)
            parts.append(paragraph)
            words += len(paragraph.split())
        return "\n\n".join(parts)

    def letter(self, title, body, council, serial):
        rng = self.rng
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        greeting = rng.choice(GREETINGS).format(council=council)
        text = f"{title}\n\n{greeting}\n\n{body.replace('{council}', council)}\n\n"
        text += f"{rng.choice(SIGN_OFFS)}\n\n{name}"
        if rng.random() < 0.35:
            slug = re.sub(r"[^a-z]+", "", council.casefold())[:20]
            text += FOOTER.format(
                n=serial, h=f"{rng.getrandbits(32):08x}", slug=slug, council=council
            )
        return text

    def generate(self, count, round_robin_share=0.3, sizes=None):
        """``count`` (key, text) pairs and the round-robins among them (lists of keys)."""
        rng = self.rng
        sizes = sizes or [2, 2, 3, 3, 5, 8, 10, 20, 31, 90, 105, 145, 164, 175, 314, 349]
        docs, campaigns, in_campaigns = [], [], 0
        while len(docs) < count:
            title = rng.choice(self.titles)
            length = rng.randint(50, 300)
            if in_campaigns < round_robin_share * len(docs):
                size = min(rng.choice(sizes), count - len(docs))
                body = self.body(title, length)
                members = []
                for _ in range(size):
                    council = rng.choice(self.councils)
                    this = body
                    if rng.random() < 0.2:  # one copy in five edited a little
                        this = this.replace("Please", "Could you please", 1) + (
                            "\n\nThank you for your help."
                        )
                    key = str(len(docs))
                    docs.append((key, self.letter(title, this, council, len(docs))))
                    members.append(key)
                in_campaigns += len(members)
                if len(members) > 1:
                    campaigns.append(members)
            else:
                council = rng.choice(self.councils)
                body = self.body(title, length, council)
                docs.append((str(len(docs)), self.letter(title, body, council, len(docs))))
        return docs, campaigns


# --- (c) round-robin letters against a plain baseline --------------------------------------

# The wrapping councils see around a round-robin's questions. Every sibling of a campaign
# gets its own draw of these; the background letters draw from the same lists, so the
# boilerplate is as common in the distractors as in the siblings.
LETTER_SUBJECTS = [
    "{title}", "{title}", "{title}", "FOI request: {title}", "Freedom of Information request - "
    "{title}", "Freedom of Information request", "FOI request", "Information request",
]  # fmt: skip
LETTER_GREETINGS = [
    "Dear Sir/Madam,", "Dear Sir or Madam,", "Dear FOI Team,", "To whom it may concern,",
    "Dear {council},", "Hello,", "Good morning,", "Dear Information Governance Team,",
    "Dear Freedom of Information Officer,",
]  # fmt: skip
LONG_PREAMBLES = [
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
    "I hope you are well. I am a researcher looking at services across England and I am "
    "sending the same request to every local authority so that the answers can be compared. "
    "I would be very grateful for your help with the questions below.",
    "Please treat this email as a request under the Freedom of Information Act 2000. I "
    "understand that you are required to respond within 20 working days of receipt. I am not "
    "asking for any personal information, and any figures below five may be suppressed to "
    "protect the individuals concerned.",
    "I am making this request as a member of the public under the Freedom of Information Act "
    "2000 and, where relevant, the Environmental Information Regulations 2004. Please provide "
    "the information in electronic form by email. If you are unable to provide some of it, "
    "please provide the rest and tell me why the remainder is withheld.",
]  # fmt: skip
SHORT_PREAMBLES = [
    "", "Please could you provide the following information.", "I would like to request the "
    "following information:", "Under the Freedom of Information Act 2000, please provide:",
    "I am writing to request information about {topic}.",
]  # fmt: skip
CLOSINGS = [
    "", "I look forward to hearing from you.", "If you need any clarification, please do not "
    "hesitate to contact me.", "Thank you in advance for your time.", "If any of this "
    "information is already published, a link to it would be sufficient. Thank you for your "
    "help with this request.",
]  # fmt: skip
LETTER_SIGN_OFFS = [
    "Yours faithfully,",
    "Kind regards,",
    "Many thanks,",
    "Best wishes,",
    "Regards,",
]
STREETS = [
    "High Street",
    "Church Road",
    "Station Road",
    "Victoria Road",
    "Mill Lane",
    "Park Avenue",
]
TOWNS = ["Leeds LS6 2AB", "Bristol BS3 4QT", "Cardiff CF10 3NB", "Norwich NR2 1RT", "York YO1 7HH"]
ORGANISATIONS = [
    "Children's Rights Alliance", "University of Nottingham", "the Fostering Network",
    "Become", "a local newspaper", "Article 39",
]  # fmt: skip
NUMBERINGS = ["{n}. ", "Q{n}. ", "{n}) ", "({l}) ", "- ", "• ", "Question {n}: ", ""]


def signature(rng):
    """A requester's sign-off and signature: a name, perhaps an address, phone or employer."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    lines = [rng.choice(LETTER_SIGN_OFFS), "", f"{first} {last}"]
    if rng.random() < 0.4:
        lines.append(f"{rng.choice(['Researcher', 'Policy officer', 'Journalist'])}, "
                     f"{rng.choice(ORGANISATIONS)}")  # fmt: skip
    if rng.random() < 0.4:
        lines += [f"{rng.randint(1, 120)} {rng.choice(STREETS)}", rng.choice(TOWNS)]
    if rng.random() < 0.4:
        lines.append(f"Tel: 07700 900{rng.randint(0, 999):03d}")
    if rng.random() < 0.3:
        lines.append(f"{first.lower()}.{last.lower()}@example.org")
    return "\n".join(lines)


def questions_for(rng, title, count):
    """``count`` questions (unnumbered) about ``title``, from the synthetic templates."""
    topic = topic_of(title)
    year = rng.randint(2015, 2024)
    questions = []
    for template in rng.sample(QUESTIONS, count):
        # "{council}" stays: each letter names its own authority.
        slots = template_slots(rng, topic, year, "{council}")
        questions.append(template.format(**slots))
    return topic, questions


def edited(rng, questions):
    """The same questions with a small edit one requester made: a year moved on, a word."""
    questions = list(questions)
    i = rng.randrange(len(questions))
    years = re.findall(r"\b20[12]\d\b", questions[i])
    if years and rng.random() < 0.6:
        year = rng.choice(years)
        questions[i] = questions[i].replace(year, str(int(year) + 1), 1)
    elif "Please" in questions[i]:
        questions[i] = questions[i].replace("Please", "Could you please", 1)
    else:
        questions[i] = questions[i].rstrip("?.") + ", if that information is held?"
    return questions


def wrapped_letter(rng, title, topic, questions, council, *, long_preamble):
    """One letter as a council receives it: a subject, then the letter with its wrapping."""
    subject = rng.choice(LETTER_SUBJECTS).format(title=title)
    parts = [rng.choice(LETTER_GREETINGS).format(council=council)]
    if long_preamble:
        parts += rng.sample(LONG_PREAMBLES, rng.choice([1, 2, 2, 3]))
    elif rng.random() < 0.5:
        parts.append(rng.choice(LONG_PREAMBLES))
    else:
        parts.append(rng.choice(SHORT_PREAMBLES))
    numbering = rng.choice(NUMBERINGS)
    for n, question in enumerate(questions, 1):
        line = numbering.format(n=n, l="abcdefghij"[n - 1]) + question.format(council=council)
        parts.append(line)
    if rng.random() < 0.6:
        parts.append(rng.choice(CLOSINGS))
    parts.append(signature(rng))
    text = "\n\n".join(p.format(council=council, topic=topic) for p in parts if p)
    if rng.random() < 0.4:
        slug = re.sub(r"[^a-z]+", "", council.casefold())[:20]
        text += FOOTER.format(n=rng.randint(10**5, 10**6), h=f"{rng.getrandbits(32):08x}",
                              slug=slug, council=council)  # fmt: skip
    return f"{subject}\n\n{text}"


def round_robin_letters(path, seed=7, background=4000, hard_share=0.3, kind="letters"):
    """(docs, campaigns, hard campaigns): siblings of each real round-robin, and others.

    Each round-robin in the WhatDoTheyKnow data (a title sent to more than one authority)
    becomes 2-4 sibling letters with the same questions, each wrapped its own way; in a
    ``hard_share`` of them the questions are one or two short ones under long preambles.
    Background letters take the other real titles, with invented questions and the same
    wrapping, so that the boilerplate is as common as in real mail (``kind="letters"``); or
    they are (b)'s synthetic requests (``kind="generated"``), as when real letters are
    logged into the demo beside its generated requests.
    """
    rng = random.Random(seed)
    rows = read_rows(path)
    councils = sorted({row["Authority Name"] for row in rows})
    groups = true_groups(rows)
    in_groups = {key for group in groups for key in group}
    campaign_titles = [rows[int(group[0])]["Request Title"] for group in groups]
    other_titles = sorted(
        {row["Request Title"] for n, row in enumerate(rows) if str(n) not in in_groups}
        - set(campaign_titles)
    )
    docs, campaigns, hard = [], [], []
    for title in campaign_titles:
        is_hard = rng.random() < hard_share
        count = rng.choice([1, 2]) if is_hard else rng.randint(2, 6)
        topic, questions = questions_for(rng, title, count)
        members = []
        for _ in range(rng.randint(2, 4)):
            these = edited(rng, questions) if rng.random() < 0.3 else questions
            text = wrapped_letter(
                rng, title, topic, these, rng.choice(councils), long_preamble=is_hard
            )
            members.append(f"rr{len(campaigns)}-{len(members)}")
            docs.append((members[-1], text))
        campaigns.append(members)
        if is_hard:
            hard.append(members)
    if kind == "generated":
        generator = Requests(seed, TITLES.read_text(encoding="utf-8").splitlines(), councils)
        for n in range(background):
            title = generator.rng.choice(generator.titles)
            council = generator.rng.choice(councils)
            body = generator.body(title, generator.rng.randint(50, 300), council)
            docs.append((f"bg{n}", generator.letter(title, body, council, n)))
    for n in range(background if kind == "letters" else 0):
        title = rng.choice(other_titles)
        is_hard = rng.random() < hard_share
        topic, questions = questions_for(
            rng, title, rng.choice([1, 2]) if is_hard else rng.randint(2, 6)
        )
        text = wrapped_letter(
            rng, title, topic, questions, rng.choice(councils), long_preamble=is_hard
        )
        docs.append((f"bg{n}", text))
    rng.shuffle(docs)
    return docs, campaigns, hard


def baseline_top(docs, wanted, k=5):
    """A plain scikit-learn baseline on the raw texts: word (1,2)-gram and char_wb (3,5)-gram
    TF-IDF (scikit-learn's defaults otherwise), each L2-normalised, put side by side scaled
    by sqrt(1/2), so that one dot product gives the mean of the two cosines."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [text for _, text in docs]
    word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2)).fit_transform(texts)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform(texts)
    matrix = sp.hstack([word, char], format="csr") * np.sqrt(0.5)
    row_of = {key: row for row, (key, _) in enumerate(docs)}
    rows = [row_of[key] for key in wanted]
    scores = (matrix[rows] @ matrix.T).toarray()
    scores[np.arange(len(rows)), rows] = -np.inf  # never itself
    best = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return {key: [docs[j][0] for j in best[i]] for i, key in enumerate(wanted)}


def letters_quality(path, seed=7, background=4000):
    """foidesk's index against the plain baseline on round-robin letters (top 5), among
    background letters wrapped the same way, and among (b)'s generated requests."""
    return {
        kind: letters_quality_among(path, seed, background, kind)
        for kind in ("letters", "generated")
    }


def letters_quality_among(path, seed, background, kind):
    from foidesk.similar.index import Settings

    docs, campaigns, hard = round_robin_letters(path, seed, background, kind=kind)
    sibling_of = {key: set(group) - {key} for group in campaigns for key in group}
    hard_keys = {key for group in hard for key in group}
    wanted = sorted(sibling_of)
    result = {
        "background": kind,
        "seed": seed,
        "documents": len(docs),
        "campaigns": len(campaigns),
        "hard_campaigns_short_questions_long_preambles": len(hard),
        "sibling_letters": len(wanted),
        "sibling_letters_in_hard_campaigns": len(hard_keys),
        "words_per_letter_mean": round(statistics.mean(len(t.split()) for _, t in docs)),
    }
    tops = {}
    started = time.perf_counter()
    tops["baseline"] = baseline_top(docs, wanted)
    result["baseline_s"] = round(time.perf_counter() - started, 2)
    for label, settings in [
        ("foidesk", Settings()),
        # As a large index searches: candidates from the posting lists, not every document.
        ("foidesk_candidate_search", Settings(exhaustive_nnz=0)),
    ]:
        started = time.perf_counter()
        index = SimilarityIndex.build(docs, settings)
        tops[label] = {key: [m.key for m in index.similar_to_key(key, k=5)] for key in wanted}
        result[f"{label}_s"] = round(time.perf_counter() - started, 2)
    for label, top in tops.items():
        found = {key: [o for o in top[key] if o in sibling_of[key]] for key in wanted}
        result[label] = {
            "sibling_in_top5": sum(1 for key in wanted if found[key]),
            "sibling_in_top5_hard": sum(1 for key in hard_keys if found[key]),
            "sibling_first": sum(
                1 for key in wanted if top[key][:1] and top[key][0] in sibling_of[key]
            ),
            "precision_at_5_raw": round(statistics.mean(len(found[k]) / 5 for k in wanted), 4),
            "precision_at_5_normalised": round(
                statistics.mean(len(found[k]) / min(5, len(sibling_of[k])) for k in wanted), 4
            ),
            "missed": sorted(key for key in wanted if not found[key])[:40],
        }
    return result


def summary(timings):
    ordered = sorted(timings)
    return {
        "runs": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(percentile(ordered, 0.95) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def rss_mb():
    return _status("VmRSS")


def peak_mb():
    return _status("VmHWM")


def _status(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def speed(count, csv_path, workdir, queries=200, check_exact=50):
    """One size, in this process: build, save, load, query, group."""
    titles = TITLES.read_text(encoding="utf-8").splitlines()
    councils = sorted({row["Authority Name"] for row in read_rows(csv_path)})
    # Other work on the machine slows the timings: the load (1, 5, 15 minutes) is recorded.
    result = {"documents": count, "load_average": os.getloadavg(), "rss_at_start_mb": rss_mb()}
    started = time.perf_counter()
    generator = Requests(1, titles, councils)
    docs, campaigns = generator.generate(count)
    result["generate_s"] = round(time.perf_counter() - started, 1)
    words = [len(text.split()) for _, text in docs[:20000]]
    result["words_per_text"] = {"mean": round(statistics.mean(words)), "max": max(words)}
    result["texts_in_round_robins"] = sum(map(len, campaigns))
    result["rss_with_texts_mb"] = rss_mb()

    workers = os.cpu_count() or 1
    started = time.perf_counter()
    index = SimilarityIndex.build(docs, workers=workers)
    result["build_s"] = round(time.perf_counter() - started, 1)
    result["build_workers"] = workers
    result["peak_rss_during_build_mb"] = peak_mb()
    result["index"] = index.stats()

    directory = Path(workdir) / f"index-{count}"
    shutil.rmtree(directory, ignore_errors=True)
    started = time.perf_counter()
    index.save(directory)
    result["save_s"] = round(time.perf_counter() - started, 1)
    result["size_on_disk_mb"] = round(sum(f.stat().st_size for f in directory.iterdir()) / 2**20, 1)
    result["files_mb"] = {
        f.name: round(f.stat().st_size / 2**20, 1) for f in sorted(directory.iterdir())
    }

    # New requests: half copies of a round-robin already indexed, half new requests.
    query_gen = Requests(2, titles, councils)
    query_texts = []
    for n in range(queries):
        if n % 2 == 0 and campaigns:
            members = campaigns[n % len(campaigns)]
            text = docs[int(members[0])][1]
            query_texts.append(text.replace("Dear", "Hello", 1))
        else:
            title = query_gen.rng.choice(titles)
            council = query_gen.rng.choice(councils)
            body = query_gen.body(title, query_gen.rng.randint(50, 300), council)
            query_texts.append(query_gen.letter(title, body, council, n))
    rng = random.Random(3)
    query_keys = [str(rng.randrange(count)) for _ in range(queries)]
    del index
    gc.collect()

    timings = {}
    # Load in a clean process for the memory an app process would hold; here for the times.
    for label, options in [
        ("load_verified_s", {"verify": True}),
        ("load_unverified_s", {"verify": False}),
        ("load_mmap_unverified_s", {"verify": False, "mmap": True}),
    ]:
        started = time.perf_counter()
        loaded = SimilarityIndex.load(directory, **options)
        timings[label] = round(time.perf_counter() - started, 2)
        del loaded
        gc.collect()
    result.update(timings)
    result["loaded_process"] = loaded_memory(directory)

    index = SimilarityIndex.load(directory, verify=False)
    for text in query_texts[:10]:  # warm-up
        index.similar(text)
    text_times, key_times, round_robin_first = [], [], 0
    for n, text in enumerate(query_texts):
        began = time.perf_counter()
        matches = index.similar(text, k=5)
        text_times.append(time.perf_counter() - began)
        if n % 2 == 0 and campaigns and matches:
            round_robin_first += matches[0].key in set(campaigns[n % len(campaigns)])
    for key in query_keys:
        began = time.perf_counter()
        index.similar_to_key(key, k=5)
        key_times.append(time.perf_counter() - began)
    result["similar_ms"] = summary(text_times)
    result["similar_to_key_ms"] = summary(key_times)
    result["round_robin_copy_first"] = f"{round_robin_first}/{(queries + 1) // 2}"
    # What the app asks: 50 matches (it then drops those the user may not see), and
    # short texts typed into a search box (real titles).
    result["similar_to_key_k50_ms"] = timed(index.similar_to_key, query_keys, k=50)
    result["similar_title_ms"] = timed(index.similar, rng.sample(titles, queries))
    # A query none of whose words the index knows (stop words, or words in more than half
    # the documents) has no posting lists to follow: every document is scored.
    result["similar_no_known_word_ms"] = timed(index.similar, NO_KNOWN_WORD * 5)

    # The candidate search against exhaustive scoring of every document. Equal scores are
    # common (copies of one round-robin), so the same top 5 as a set undercounts: the
    # scores of the fifth match and the sum of the five scores are compared too.
    same, gaps, ratios, exhaustive_times = [], [], [], []
    for text in query_texts[:check_exact] + [docs[int(k)][1] for k in query_keys[:check_exact]]:
        fast = index.similar(text, k=5)
        began = time.perf_counter()
        full = index.similar(text, k=5, exact=True)
        exhaustive_times.append(time.perf_counter() - began)
        if full:
            same.append(len({m.key for m in fast} & {m.key for m in full}) / len(full))
            gaps.append(full[-1].score - (fast[-1].score if len(fast) == len(full) else 0))
            ratios.append(sum(m.score for m in fast) / sum(m.score for m in full))
    result["candidate_search_vs_exhaustive"] = {
        "queries": len(same),
        "same_top5_keys": round(statistics.mean(same), 4),
        "fifth_score_gap_mean": round(statistics.mean(gaps), 5),
        "fifth_score_gap_max": round(max(gaps), 4),
        "top5_score_sum_ratio_mean": round(statistics.mean(ratios), 5),
        "top5_score_sum_ratio_min": round(min(ratios), 4),
    }
    result["exhaustive_similar_ms"] = summary(exhaustive_times)

    # The app maps the arrays (mmap=True) so that its processes share one copy.
    del index
    gc.collect()
    index = SimilarityIndex.load(directory, verify=False, mmap=True)
    for text in query_texts[:10]:  # warm-up
        index.similar(text)
    result["mmap_similar_ms"] = timed(index.similar, query_texts)
    result["mmap_similar_to_key_ms"] = timed(index.similar_to_key, query_keys)

    # extend(): today's cases, found without a rebuild.
    new = [(f"new-{n}", text) for n, text in enumerate(query_texts[1:51:2])]
    started = time.perf_counter()
    index.extend(new)
    result["extend_25_s"] = round(time.perf_counter() - started, 3)
    found = sum(index.similar(text, k=1)[0].key == key for key, text in new)
    result["extended_found_first"] = f"{found}/{len(new)}"

    # round_robins(): on the whole index at 10^5, on the first 10^5 documents at 10^6.
    sample = min(count, 100_000)
    sample_campaigns = [[k for k in c if int(k) < sample] for c in campaigns]
    sample_campaigns = [c for c in sample_campaigns if len(c) > 1]
    result["round_robins"] = {"documents": sample}
    for label, threshold, options in [
        ("threshold 0.85, with rapidfuzz", 0.85, {}),
        ("threshold 0.9, with rapidfuzz", 0.9, {}),
        ("threshold 0.85, scores only", 0.85, {"fuzzy": None}),
    ]:
        started = time.perf_counter()
        groups = round_robins(docs[:sample], threshold, index=index, workers=workers, **options)
        result["round_robins"][label] = {
            "seconds": round(time.perf_counter() - started, 1),
            **compare_groups(sample_campaigns, groups),
        }
    result["peak_rss_mb"] = peak_mb()
    result["load_average_at_end"] = os.getloadavg()
    return result


NO_KNOWN_WORD = [
    "How many are there?",
    "What is it, and who has it?",
    "Could you tell me about them all, please?",
    "Zyxxqv plorbt",
]


def timed(search, queries, **options):
    """p50/p95 of ``search(query, **options)`` over the queries, after 10 to warm up."""
    for query in queries[:10]:
        search(query, **options)
    timings = []
    for query in queries:
        began = time.perf_counter()
        search(query, **options)
        timings.append(time.perf_counter() - began)
    return summary(timings)


def loaded_memory(directory):
    """RSS of a fresh process before and after load(), plain and memory-mapped."""
    code = (
        "import gc, json, sys, time\n"
        "from foidesk.similar.index import SimilarityIndex\n"
        "def rss_mb():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmRSS:'):\n"
        "            return round(int(line.split()[1]) / 1024, 1)\n"
        "gc.collect(); before = rss_mb()\n"
        "index = SimilarityIndex.load(sys.argv[1], verify=False, mmap=sys.argv[2] == 'mmap')\n"
        "gc.collect(); after = rss_mb()\n"
        "index.similar('How many looked after children were placed out of area?')\n"
        "print(json.dumps({'rss_before_mb': before, 'rss_after_load_mb': after,"
        " 'index_mb': round(after - before, 1), 'rss_after_one_query_mb': rss_mb()}))\n"
    )
    memory = {}
    for mode in ("read", "mmap"):
        done = subprocess.run(
            [sys.executable, "-c", code, str(directory), mode],
            check=True,
            capture_output=True,
            text=True,
            cwd=HERE.parent,
        )
        memory[mode] = json.loads(done.stdout)
    return memory


def machine():
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    import scipy
    import sklearn

    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(int(memory) / 2**20, 1),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit_learn": sklearn.__version__,
        "load_average_at_start": os.getloadavg(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--csv", type=Path, default=CSV)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--letters-only",
        action="store_true",
        help="only (c), round-robin letters against the baseline (writes "
        "results/similarity-letters.json)",
    )
    arguments = parser.parse_args()
    if arguments.letters_only:
        results = {"machine": machine()}
        results["letters"] = letters_quality(arguments.csv)
        print(json.dumps(results["letters"], indent=1), flush=True)
        out = arguments.out or LETTERS_RESULTS
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out}")
        return
    arguments.out = arguments.out or RESULTS
    workdir = arguments.workdir or Path(tempfile.mkdtemp(prefix="foidesk-similarity-"))
    if arguments.one:
        result = speed(arguments.one, arguments.csv, workdir)
        print(json.dumps(result))
        return
    results = {"machine": machine(), "normalise_example": normalise(EXAMPLE)}
    print("quality on WhatDoTheyKnow titles ...", flush=True)
    results["quality"] = quality(arguments.csv)
    print(json.dumps(results["quality"], indent=1)[:3000], flush=True)
    print("round-robin letters against the baseline ...", flush=True)
    results["letters"] = letters_quality(arguments.csv)
    print(json.dumps(results["letters"], indent=1), flush=True)
    results["speed"] = {}
    for size in arguments.sizes:
        print(f"speed at {size:,} ...", flush=True)
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(size),
                "--csv",
                str(arguments.csv),
                "--workdir",
                str(workdir),
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=HERE.parent,
        )
        results["speed"][str(size)] = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps(results["speed"][str(size)], indent=1), flush=True)
    if arguments.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {arguments.out}")


EXAMPLE = (
    "Dear Barnet Council,\n\nI am writing under the Freedom of Information Act 2000 to request "
    "the following information.\n\nQ1. Which case management system (e.g. Mosaic) do you use "
    "for children's social care? See https://example.org/x.\n\nYours faithfully,\n\nJane Doe"
    "\n\n----------\n\nPlease use this email address for all replies to this request:\n"
    "request-1-abc@whatdotheyknow.com"
)

if __name__ == "__main__":
    main()
