"""Distractor corpus: N distinct documents made by recombining the bundled corpus's sentences.

    python -m benchmarks.distractors OUT_DIR --articles 2000 [--seed 7]

Deterministic for a seed. Each document is one ``.txt`` file in one of the corpus's own
formats — an English regulation (``Article N``), a Chinese regulation (``第N条``), a plan with
parts and numbered items, a news story in paragraphs — with a distinct title and date. Its
articles are sentences recombined from the bundled corpus (same language): each sentence
joins the first half of one real sentence to the second half of another (split at a comma or
the middle), so term statistics are realistic while no real sentence — and so no gold answer —
is copied whole into a distractor. Used by
``benchmarks.scale_bench`` to hide the bundled corpus among thousands of similar articles.
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.parse import parse_text
from netlaw import settings as _settings
from netlaw.text.sentences import split_sentences

ZH_NUMERALS = "零一二三四五六七八九"
EN_SUBJECTS = ["Internet", "Online", "Cyberspace", "Network", "Mobile", "Digital", "Information", "Data",
               "Platform", "Public Account", "Live-Streaming", "News", "Search", "App Store", "Cloud",
               "Comment Thread", "Short Video", "Instant Messaging", "E-commerce", "Domain Name"]
EN_OBJECTS = ["Information Services", "Content Management", "User Registration", "Security Review",
              "Account Management", "Data Protection", "Service Providers", "Real-Name Verification",
              "Complaint Handling", "Industry Self-Discipline", "Minor Protection", "Advertising",
              "Algorithm Recommendation", "Credit Evaluation", "Emergency Response", "Rumour Control"]
EN_FORMS = ["Provisions on the Administration of", "Measures for", "Regulations on", "Interim Provisions on",
            "Rules for"]
ZH_SUBJECTS = ["互联网", "网络", "移动", "数字", "信息", "数据", "平台", "公众账号", "直播", "新闻", "搜索",
               "应用程序", "云计算", "跟帖评论", "短视频", "即时通信", "电子商务", "域名"]
ZH_OBJECTS = ["信息服务", "内容管理", "用户注册", "安全评估", "账号管理", "数据保护", "服务提供者", "实名认证",
              "投诉处理", "行业自律", "未成年人保护", "广告", "算法推荐", "信用评价", "应急处置", "谣言治理"]
ZH_FORMS = ["管理规定", "管理办法", "暂行规定", "实施细则", "工作规定"]
PLAN_FORMS = ["Plan for", "Outline for", "Work Programme for", "Action Plan on"]
NEWS_FORMS = ["Conference on {} held in {}", "Officials discuss {} at forum in {}", "{}: new guidance issued in {}"]
CITIES = ["Beijing", "Shanghai", "Guangzhou", "Shenzhen", "Hangzhou", "Tianjin", "Chengdu", "Wuhan", "Xi'an",
          "Nanjing", "Chongqing", "Suzhou", "Qingdao", "Xiamen", "Kunming", "Harbin"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


@dataclass
class Pools:
    en: list[str]
    zh: list[str]


def sentence_pools(corpus_dir: Path | None = None) -> Pools:
    """Every sentence of the bundled corpus's articles, by language (headings and short lines left out)."""
    corpus_dir = corpus_dir or _settings.get_settings().corpus_dir
    en, zh = [], []
    for path in sorted(corpus_dir.glob("*.txt")):
        parsed = parse_text(path.read_text(encoding="utf-8"), path.name)
        for doc in parsed.documents:
            for article in parsed.articles[doc.ordinal]:
                for sentence in split_sentences(article.text):
                    sentence = re.sub(r"\s+", " ", sentence).strip()
                    if doc.language == "zh" and len(sentence) >= 12:
                        zh.append(sentence)
                    elif doc.language == "en" and len(sentence.split()) >= 8:
                        en.append(sentence)
    return Pools(sorted(set(en)), sorted(set(zh)))


def zh_number(n: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五 (articles stay under 100)."""
    tens, ones = divmod(n, 10)
    out = ("" if tens == 1 else ZH_NUMERALS[tens]) + "十" if tens else ""
    return out + (ZH_NUMERALS[ones] if ones else "")


def _halves(sentence: str, zh: bool) -> tuple[str, str]:
    """A sentence cut in two at the comma nearest its middle (or at the middle word)."""
    marks = [m.end() for m in re.finditer(r"[，,；;]\s*" if zh else r"[,;]\s+", sentence)]
    if marks:
        cut = min(marks, key=lambda i: abs(i - len(sentence) / 2))
        return sentence[:cut], sentence[cut:]
    if zh:
        return sentence[: len(sentence) // 2], sentence[len(sentence) // 2 :]
    words = sentence.split()
    return " ".join(words[: len(words) // 2]) + " ", " ".join(words[len(words) // 2 :])


def _sentence(rng: random.Random, pool: list[str], zh: bool) -> str:
    first, second = rng.sample(pool, 2)
    return _halves(first, zh)[0] + _halves(second, zh)[1]


def _body(rng: random.Random, pool: list[str], n: int, joiner: str) -> str:
    return joiner.join(_sentence(rng, pool, joiner == "") for _ in range(n))


def _regulation(title: str, issued: str, articles: int, heading, body, closing: str) -> list[str]:
    """Lines of a regulation: title, date, numbered articles, a last article with the effective date."""
    lines = [title, issued, ""]
    for n in range(1, articles + 1):
        lines += [heading(n) + body(), ""]
    return lines + [heading(articles + 1) + closing]


def make_document(i: int, rng: random.Random, pools: Pools, articles: int) -> tuple[str, str]:
    """(file name, text) of distractor document number ``i`` with ``articles`` articles."""
    year = rng.randint(2000, 2024)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    kind = rng.choices(["en_reg", "zh_reg", "plan", "news"], weights=[4, 3, 2, 1])[0]
    serial = f"({year}) No. {i}"
    if kind == "en_reg":
        title = f"{rng.choice(EN_FORMS)} {rng.choice(EN_SUBJECTS)} {rng.choice(EN_OBJECTS)} {serial}"
        date = f"{day} {MONTHS[month - 1]}"
        lines = _regulation(title, f"Issued on {date} {year}", articles, lambda n: f"Article {n}: ",
                            lambda: _body(rng, pools.en, rng.randint(1, 4), " "),
                            f"These Provisions take effect on {date} {year + 1}.")
    elif kind == "zh_reg":
        title = f"{rng.choice(ZH_SUBJECTS)}{rng.choice(ZH_OBJECTS)}{rng.choice(ZH_FORMS)}（{year}年第{i}号）"
        lines = _regulation(title, f"{year}年{month}月{day}日发布", articles, lambda n: f"第{zh_number(n)}条　",
                            lambda: _body(rng, pools.zh, rng.randint(1, 3), ""),
                            f"本规定自{year + 1}年{month}月{day}日起施行。")
    elif kind == "plan":
        subject = f"{rng.choice(EN_SUBJECTS)} {rng.choice(EN_OBJECTS)}"
        title = f"{rng.choice(PLAN_FORMS)} {subject} {year}-{year + 5} {serial}"
        lines = [title, f"{MONTHS[month - 1]} {day}, {year}", ""]
        parts = max(1, articles // 3)
        item = 0
        for p in range(1, parts + 1):
            lines += [f"{['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'][(p - 1) % 10]}. "
                      f"{rng.choice(EN_OBJECTS)}", ""]
            for _ in range(articles // parts):
                item += 1
                lines += [f"({item}) {rng.choice(EN_OBJECTS)}. {_body(rng, pools.en, rng.randint(2, 4), ' ')}", ""]
    else:
        topic = f"{rng.choice(EN_SUBJECTS)} {rng.choice(EN_OBJECTS)}"
        title = rng.choice(NEWS_FORMS).format(topic, rng.choice(CITIES)) + f" {serial}"
        lines = [title, f"Posted on {MONTHS[month - 1]} {day}, {year}", ""]
        for _ in range(articles):
            lines += [_body(rng, pools.en, rng.randint(2, 4), " "), ""]
    return f"distractor_{i:06d}.txt", "\n".join(lines) + "\n"


def generate(out_dir: Path, n_articles: int, seed: int = 7, pools: Pools | None = None) -> int:
    """Write documents into ``out_dir`` until they hold about ``n_articles`` articles; returns the
    number of documents. Each document has 4–16 articles."""
    rng = random.Random(seed)
    pools = pools or sentence_pools()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = total = 0
    while total < n_articles:
        articles = min(rng.randint(4, 16), max(1, n_articles - total))
        name, text = make_document(written, rng, pools, articles)
        (out_dir / name).write_text(text, encoding="utf-8")
        written += 1
        total += articles
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--articles", type=int, default=2000, help="about how many articles to write")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    n = generate(args.out_dir, args.articles, args.seed)
    print(f"wrote {n} documents (~{args.articles} articles) to {args.out_dir}")


if __name__ == "__main__":
    main()
