"""Follow-up questions → standalone questions.

The rule (used by the extractive backend, and as the fallback of the model rewrite): a question
is a follow-up when there is history and it leans on it — a pronoun ("they", "it", "其", "他们"),
an opening connective ("And …", "What about …", "那么…") or too few terms of its own to search
with. Its standalone form carries the subject of the conversation: the title of the document the
previous answer cited (or, if it cited none, the previous question), so retrieval looks in the same
document while the new question's own words pick the article. A question that stands on its own
is left alone.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from netlaw.text.claims import mentions_title
from netlaw.text.tokens import tokenize
from qa.documents import with_versions
from qa.records import FocusDocument, Turn, as_turns

log = logging.getLogger(__name__)

_ANAPHORA_EN = re.compile(
    r"\b(they|them|their|theirs|it|its|this|that|these|those|he|she|his|her|such|same|there|the former|the latter)\b",
    re.IGNORECASE)
_CONNECTIVE_EN = re.compile(r"^\s*(and|also|but|so|then|what about|how about|and what|what else|anything else)\b",
                            re.IGNORECASE)
# "本法" / "本办法" (this law) in a follow-up is the law the conversation is about
_ANAPHORA_ZH = re.compile(
    r"(它们|它|他们|她们|其|该|这些|那些|此|上述|这个|那个|这条|那条|本(?:法|条例|办法|规定|细则|决定))")
_CONNECTIVE_ZH = re.compile(r"^\s*(那么|那|还有|另外|而且|并且|此外|那它)")
# turns as records, or in their JSON shape (the API's, the UI's and the gold set's history)
History = Sequence[Turn | Mapping[str, Any]]


def previous_turn(history: History) -> tuple[str | None, str | None]:
    """(previous standalone question, document its answer cited most) from chat history."""
    question, document = None, None
    for turn in reversed(as_turns(history)):
        if turn.role == "assistant" and document is None and turn.cited_documents:
            cited = turn.cited_documents
            document = max(set(cited), key=cited.count)
        if turn.role == "user":
            question = turn.standalone or turn.content or None
            break
    return question, document


def subject_of(turn: Turn) -> str:
    """What a user turn was about, to carry into the next follow-up: the question as asked, or,
    when the chain had rewritten it as "question (subject)", only the subject it was given, so that
    rewrites never nest ("And about X? (What about Y? (…))") however long the conversation."""
    content, standalone = turn.content.strip(), (turn.standalone or "").strip()
    if not standalone or standalone == content:
        return content
    if standalone.startswith(content):
        carried = standalone[len(content):].strip()
        if carried.startswith("(") and carried.endswith(")"):
            carried = carried[1:-1].strip()
        return carried or content
    return standalone  # a model's rewrite: a plain question that stands alone


def _previous_subject(history: History) -> str | None:
    for turn in reversed(as_turns(history)):
        if turn.role == "user":
            return subject_of(turn) or None
    return None


def conversation_focus(history: History, documents: list[dict]) -> list[FocusDocument]:
    """The documents the conversation is about, for a follow-up: those the last answer cited
    (its first citation's document first) and those the earlier questions name, each with its
    version in the other language. ``documents``: the library (``HybridRetriever.documents()``)."""
    titles: list[str] = []
    cited: list[str] = []
    for turn in reversed(as_turns(history)):
        if turn.role == "assistant" and not cited:
            cited = turn.cited_documents[:2]
        if turn.role == "user":
            # a document the asker named outweighs what the last answer happened to cite
            titles += [d["title"] for d in documents
                       for title in (d["title"], d.get("alt_title")) if mentions_title(turn.content, title)]
            if titles or cited:
                break
    titles = titles or cited
    wanted = set(titles)
    focus = [d for d in documents if d["title"] in wanted or (d.get("alt_title") and d["alt_title"] in wanted)]
    focus = with_versions(focus, documents)  # with the other-language version of each
    return [FocusDocument(doc_id=d["doc_id"], document=d["title"]) for d in focus]


def is_follow_up(question: str, history: History) -> bool:
    if not history:
        return False
    return bool(
        _ANAPHORA_EN.search(question) or _CONNECTIVE_EN.search(question)
        or _ANAPHORA_ZH.search(question) or _CONNECTIVE_ZH.search(question)
        or len(set(tokenize(question))) <= 2
    )


def rule_rewrite(question: str, history: History) -> str:
    if not is_follow_up(question, history):
        return question
    _, document = previous_turn(history)
    previous = _previous_subject(history)
    if not previous:
        return question
    # An elliptic question ("In which cities?") needs the last question's words; otherwise the
    # document the last answer cited names the subject best (retrieval also gets it as the focus).
    anaphoric = _ANAPHORA_EN.search(question) or _ANAPHORA_ZH.search(question)
    if (len(set(tokenize(question))) <= 3 and not anaphoric) or not document:
        return f"{question.strip()} ({previous})"
    return f"{question.strip()} ({document})"


REWRITE_PROMPT = (
    "Rewrite the user's last question so that it can be understood without the conversation. "
    "Keep its language. Output only the rewritten question.\n\nConversation:\n{conversation}\n\n"
    "Last question: {question}\nRewritten question:"
)


def model_rewrite(question: str, history: History, chat_model) -> str:
    """Ask the model; keep its answer only when it looks like a question about the same things."""
    rule = rule_rewrite(question, history)
    if rule == question:
        return question  # not a follow-up: nothing to rewrite
    conversation = "\n".join(f"{t.role}: {t.content[:400]}" for t in as_turns(history)[-4:])
    try:
        reply = chat_model.invoke(REWRITE_PROMPT.format(conversation=conversation, question=question))
        text = str(getattr(reply, "content", reply)).strip().splitlines()[0].strip() if reply else ""
    except Exception as exc:  # the model is down or failed: the rule is the fallback
        # the kind of failure only: a message may carry the server's address or the request
        log.warning("the model could not rewrite a follow-up (%s): the rule's rewrite is used", type(exc).__name__)
        return rule
    previous, _ = previous_turn(history)
    shared = set(tokenize(text)) & (set(tokenize(question)) | set(tokenize(previous or "")))
    if not text or len(text) > 400 or "[" in text or not shared:
        return rule
    return text
