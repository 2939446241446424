"""The interface in English or Chinese: every fixed text of the UI by key, and the registry of
components whose labels, placeholders and values follow the language switch.

The switch sits in the header; a user's choice is kept per user (``service.preferences``) and applied
on every page load. Document text, questions and answers are never translated: only the interface
around them (labels, buttons, the fixed texts of refusals, the library's headings)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ui.session import update

UI_LANGUAGES = {"English": "en", "中文": "zh"}  # the switch's choices → language code
DEFAULT_LANGUAGE = "en"

TEXTS: dict[str, dict[str, str]] = {
    # header
    "title": {"en": "Netlaw Helpdesk", "zh": "Netlaw 法规问答"},
    "tagline": {"en": "Chinese internet law, answered with article citations",
                "zh": "中国互联网法律法规问答，每个回答注明所依据的条文"},
    "language": {"en": "Interface language · 界面语言", "zh": "界面语言 · Interface language"},
    "signed_in": {"en": "Signed in as **{user}**", "zh": "已登录：**{user}**"},
    "local_user": {"en": "local user", "zh": "本机用户"},
    "admin": {"en": " (admin)", "zh": "（管理员）"},
    # tabs
    "tab_chat": {"en": "Chat", "zh": "问答"},
    "tab_library": {"en": "Library", "zh": "资料库"},
    "tab_insights": {"en": "Insights", "zh": "使用分析"},
    # chat
    "chat_placeholder": {"en": "Ask about the laws, regulations, plans and white papers in the library.",
                         "zh": "可以询问资料库中的法律、法规、规划和白皮书。"},
    "question_placeholder": {"en": "Ask a question (English or 中文) and press Enter",
                             "zh": "输入问题（中文或 English），按回车键提问"},
    "question_label": {"en": "Your question", "zh": "您的问题"},
    "chat_label": {"en": "Conversation", "zh": "对话"},
    "ask": {"en": "Ask", "zh": "提问"},
    "new_conversation": {"en": "New conversation", "zh": "新对话"},
    "examples": {"en": "Examples", "zh": "示例问题"},
    "viewer_hint": {"en": "### Source viewer\nClick a citation chip such as [1] to read the article.",
                    "zh": "### 原文\n点击 [1] 这样的引用标记，即可阅读所引条文。"},
    "advanced": {"en": "Advanced", "zh": "高级选项"},
    "backend": {"en": "Answer backend", "zh": "回答方式"},
    "sources_k": {"en": "Number of sources", "zh": "检索条文数量"},
    "documents_in": {"en": "Documents in", "zh": "文件语言"},
    "any_language": {"en": "Any", "zh": "不限"},
    "english": {"en": "English", "zh": "英文"},
    "chinese": {"en": "Chinese", "zh": "中文"},
    "only_documents": {"en": "Only these documents", "zh": "仅限以下文件"},
    "library_overview": {"en": "What the library holds", "zh": "资料库收录的文件"},
    "export_for_record": {"en": "Export for the record:", "zh": "导出存档："},
    "last_answer": {"en": "Last answer", "zh": "最后一个回答"},
    "conversation": {"en": "Conversation", "zh": "整个对话"},
    "nothing_to_rate": {"en": "Nothing to rate.", "zh": "没有可以评价的回答。"},
    "rated": {"en": "Thanks — feedback #{row} saved. You can add a comment in the box under the answer.",
              "zh": "谢谢，反馈 #{row} 已保存。可以在回答下方的框中补充意见。"},
    "nothing_to_comment": {"en": "Nothing to comment on.", "zh": "没有可以评论的回答。"},
    "comment_first": {"en": "Write a comment in the box under the answer first.",
                      "zh": "请先在回答下方的框中填写意见。"},
    "comment_saved": {"en": "Comment saved with feedback #{row}.", "zh": "意见已随反馈 #{row} 保存。"},
    "article_gone": {"en": "This article is no longer in the library.", "zh": "资料库中已没有这一条文。"},
    # library
    "library_hint": {"en": "Click a document to see its articles, then an article to read it.",
                     "zh": "点击文件查看条文目录，再点击条文阅读全文。"},
    "pick_from_lists": {"en": "Pick from lists", "zh": "从列表中选择"},
    "document": {"en": "Document", "zh": "文件"},
    "article": {"en": "Article", "zh": "条文"},
    # administrators
    "add_documents": {"en": "### Add documents (administrators)", "zh": "### 添加文件（管理员）"},
    "add_documents_help": {
        "en": "`.txt .md .html .pdf .docx`, one law or several per file. Progress shows below; when done, each "
              "document is listed with a link to it in the library.",
        "zh": "支持 `.txt .md .html .pdf .docx`，每个文件可含一部或多部法规。下方显示进度；完成后列出每份文件，"
              "并附资料库链接。"},
    "upload_files": {"en": "Files to add", "zh": "要添加的文件"},
    "replace": {"en": "Replace documents uploaded earlier under the same file name",
                "zh": "替换以前以相同文件名上传的文件"},
    "ingest": {"en": "Ingest", "zh": "导入"},
    "download_feedback": {"en": "Download feedback (CSV)", "zh": "下载反馈（CSV）"},
    "only_admin_upload": {"en": "Only an administrator can add documents.", "zh": "只有管理员可以添加文件。"},
    "choose_files": {"en": "Choose one or more files first.", "zh": "请先选择一个或多个文件。"},
    # insights
    "insights_refresh": {"en": "Refresh", "zh": "刷新"},
    "insights_download": {"en": "Download flagged questions (CSV)", "zh": "下载需要关注的问题（CSV）"},
    "insights_heading": {"en": "#### Questions the library could not answer well",
                         "zh": "#### 资料库未能很好回答的问题"},
    "insights_plot": {"en": "Questions per day", "zh": "每日提问数"},
    "insights_groups": {"en": "Questions to look at", "zh": "需要关注的问题"},
    "insights_top": {"en": "Most cited documents and articles", "zh": "引用最多的文件和条文"},
    "insights_only_admin": {"en": "Only an administrator can see insights.", "zh": "只有管理员可以查看使用分析。"},
    "insights_summary": {"en": "**{total}** questions in the audit log; **{flagged}** refused, partially answered or "
                               "rated down, in **{groups}** groups of similar wording.",
                         "zh": "审计日志中共有 **{total}** 个问题；其中 **{flagged}** 个被拒答、"
                               "只得到部分回答或被点踩，按相近措辞分为 **{groups}** 组。"},
    "most_cited_document": {"en": "Document: {name}", "zh": "文件：{name}"},
    "most_cited_article": {"en": "Article: {name}", "zh": "条文：{name}"},
}
INSIGHTS_COLUMNS = {"en": ["Question", "Times", "Last asked", "Refused", "Partial", "Rated down"],
                    "zh": ["问题", "次数", "最近一次", "拒答", "部分回答", "点踩"]}
INSIGHTS_TOP_COLUMNS = {"en": ["Most cited", "Citations"], "zh": ["引用最多", "引用次数"]}


def language_code(value: str | None) -> str:
    """"English", "中文", "en" or "zh" → "en" or "zh" (anything else: English)."""
    if value in UI_LANGUAGES.values():
        return str(value)
    return UI_LANGUAGES.get(value or "", DEFAULT_LANGUAGE)


def language_label(code: str | None) -> str:
    """"en" → "English", "zh" → "中文" (the switch's value)."""
    return next((label for label, c in UI_LANGUAGES.items() if c == code), "English")


def t(key: str, language: str | None = "en", **values: Any) -> str:
    """The text ``key`` in ``language`` ("en", "zh", or the switch's label), formatted with ``values``."""
    text = TEXTS[key][language_code(language)]
    return text.format(**values) if values else text


Text = str | Callable[[str], Any]  # a key of TEXTS, or a function of the language code


@dataclass
class Translated:
    """Components whose properties follow the interface language: ``add(component, label="ask")``
    registers them; ``updates(language)`` gives one update per component, in ``components`` order."""

    entries: list[tuple[Any, dict[str, Text]]] = field(default_factory=list)

    def add(self, component: Any, **properties: Text) -> Any:
        self.entries.append((component, properties))
        return component

    @property
    def components(self) -> list[Any]:
        return [component for component, _ in self.entries]

    def updates(self, language: str) -> list[dict[str, Any]]:
        code = language_code(language)
        return [update(**{name: t(text, code) if isinstance(text, str) else text(code)
                          for name, text in properties.items()})
                for _, properties in self.entries]
