"""The retrieval benchmark's gold labels point at real articles that hold the evidence."""

from benchmarks.retrieval_bench import load_questions


def test_every_gold_article_exists_and_holds_its_evidence(parsed_corpus):
    articles = {(d.title, a.label): a.text for p in parsed_corpus.values() for d in p.documents
                for a in p.articles[d.ordinal]}
    questions = load_questions()
    assert len(questions) >= 40
    assert {q["kind"] for q in questions} >= {"fact", "paraphrase", "chinese", "direct"}
    for q in questions:
        for gold in q["gold"]:
            key = (gold["document"], gold["article"])
            assert key in articles, (q["id"], key)
            assert q["evidence"].lower() in articles[key].lower(), q["id"]
    doc_types = {d.doc_type for p in parsed_corpus.values() for d in p.documents
                 if any(g["document"] == d.title for q in questions for g in q["gold"])}
    assert doc_types == {"regulation", "departmental rule", "plan", "opinion", "white paper", "notice", "speech",
                         "news", "commentary"}
