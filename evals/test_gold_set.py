"""The gold set itself: big enough, every type covered, every document covered, every gold article
exists in the ingested corpus and every must-include fact appears in its gold articles."""

from collections import Counter

from evals.metrics import contains_fact
from ingest.parse import parse_text
from netlaw import settings as _settings

TYPES = ["fact", "list", "multi", "chinese", "paraphrase", "direct", "followup", "unanswerable", "crosslingual", "typo"]
MINIMUM = {"crosslingual": 24, "paraphrase": 24, "typo": 8, "followup": 16}


def _corpus():
    articles, documents = {}, set()
    for path in sorted(_settings.get_settings().corpus_dir.glob("*.txt")):
        parsed = parse_text(path.read_text(encoding="utf-8"), path.name)
        for doc in parsed.documents:
            documents.add(doc.title)
            for a in parsed.articles[doc.ordinal]:
                articles[(doc.title, a.label)] = a.text
    return articles, documents


def test_size_and_types(gold):
    assert len(gold) >= 80
    counts = Counter(item["type"] for item in gold)
    assert all(counts[t] >= MINIMUM.get(t, 8) for t in TYPES), counts
    assert len({item["id"] for item in gold}) == len(gold)
    splits = Counter((item["type"], item.get("split")) for item in gold)
    # every type has a part to tune on; held-out items are article-disjoint from tune items
    # (tests/test_gold_integrity.py), which on a five-document corpus leaves some types few held-out items
    for t in TYPES:
        assert splits[(t, "tune")] > 0, (t, splits)
    assert sum(n for (_, split), n in splits.items() if split == "heldout") >= 80, splits
    for item in gold:
        for key in ("id", "question", "language", "type", "reference_answer", "must_include", "gold_articles"):
            assert key in item, (item["id"], key)
        assert (item["type"] in ("unanswerable", "near_topic")) == (not item["gold_articles"]), item["id"]
        if item["type"] == "followup":
            assert item["turns"], item["id"]


def test_gold_articles_exist_and_hold_the_facts(gold):
    articles, _ = _corpus()
    problems = []
    for item in gold:
        texts = []
        for g in item["gold_articles"]:
            key = (g["document"], g["article"])
            if key not in articles:
                problems.append(f"{item['id']}: no article {key}")
            else:
                texts.append(articles[key])
        for group in item["must_include"]:
            if not contains_fact("\n".join(texts), group):
                problems.append(f"{item['id']}: fact {group} is not in its gold articles")
    assert not problems, "\n".join(problems)


def test_every_document_is_covered(gold):
    _, documents = _corpus()
    covered = {g["document"] for item in gold for g in item["gold_articles"]}
    assert documents <= covered, sorted(documents - covered)


def test_paraphrases_share_at_most_two_content_words_with_their_article(gold):
    from netlaw.text.tokens import tokenize

    articles, _ = _corpus()
    wide = []
    for item in gold:
        if item["type"] != "paraphrase":
            continue
        text = " ".join(articles[(g["document"], g["article"])] for g in item["gold_articles"])
        shared = set(tokenize(item["question"])) & set(tokenize(text))
        if len(shared) > 2:
            wide.append(f"{item['id']}: {sorted(shared)}")
    assert not wide, "\n".join(wide)
