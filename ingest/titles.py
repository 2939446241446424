"""Document titles in the other language.

A document's title in its other language comes, in this order, from the page itself (a Chinese
original under an English post title, or the English and Chinese versions of one regulation on
one page) or from this table of official titles of documents that the library holds only in
English. A Chinese compliance team names documents by their Chinese titles, so retrieval and
citations use both.

Only titles whose official Chinese form is known are listed; the key is the English title as the
corpus spells it, compared without case, punctuation or quotation marks.
"""

from __future__ import annotations

import re

KNOWN_TITLES = {
    "The Eighth Five-Year Plan for Publicity and Education of the Rule of Law in the Cyberspace and "
    "Information System (2021-2025)":
        "网信系统法治宣传教育第八个五年规划（2021－2025年）",
    "Implementation Outline for the Construction of a Rule of Law Society (2020-2025)":
        "法治社会建设实施纲要（2020－2025年）",
    "Microblog Information Service Management Regulations": "微博客信息服务管理规定",
    "Internet User Public Account Information Service Management Regulations": "互联网用户公众账号信息服务管理规定",
    "Provisions on the Management of Internet Forum Community Services": "互联网论坛社区服务管理规定",
    "Implementing Rules for the Management of Internet News Information Service Licences":
        "互联网新闻信息服务许可管理实施细则",
    "Opinions concerning Stimulating the Healthy and Orderly Development of the Mobile Internet":
        "关于促进移动互联网健康有序发展的意见",
    "National Cyberspace Security Strategy": "国家网络空间安全战略",
    "Provisions on Admonishment Meetings with Internet News Information Services": "互联网新闻信息服务单位约谈工作规定",
    "Internet User Account Name Management Regulations": "互联网用户账号名称管理规定",
    "Letter of Commitment on Self-Discipline Management of Posts and Comments": "跟帖评论自律管理承诺书",
    "Speech at the Forum on Literature and Art": "在文艺工作座谈会上的讲话",
    "Supreme People's Court Regulations concerning Some Questions of Applicable Law in Handing Civil Dispute Cases "
    "involving the Use of Information Networks to Harm Personal Rights and Interests":
        "最高人民法院关于审理利用信息网络侵害人身权益民事纠纷案件适用法律若干问题的规定",
    "Notice concerning Empowering the Cyberspace Administration of China to Be Responsible for Internet Information "
    "Content Management Work": "国务院关于授权国家互联网信息办公室负责互联网信息内容管理工作的通知",
    "Provisional Regulations for the Development and Management of Instant Messaging Tools and Public Information "
    "Services": "即时通信工具公众信息服务发展管理暂行规定",
    "Explaining the Telecommunication and Internet User Personal Data Protection Regulations":
        "解读《电信和互联网用户个人信息保护规定》",
    "Explaining the Telephone User Real Identity Information Registration Regulations":
        "解读《电话用户真实身份信息登记规定》",
    "Telephone User Real Identity Information Registration Regulations": "电话用户真实身份信息登记规定",
    "Telecommunications and Internet Personal User Data Protection Regulations": "电信和互联网用户个人信息保护规定",
    "The General Office of the Central Committee of the Communist Party of China and the General Office of the State "
    "Council issued the Opinions on Strengthening the Construction of Network Civilization":
        "关于加强网络文明建设的意见",
    "The Construction of China's Internet Rule of Law in the New Era": "新时代的中国网络法治建设",
}


def _norm(title: str) -> str:
    title = re.sub(r"\[[^\]]*\]", " ", title)  # "[Excerpts]"
    return re.sub(r"[^0-9a-z]+", " ", title.lower().replace("’", "'").replace("'", "")).strip()


_BY_NORM = {_norm(en): zh for en, zh in KNOWN_TITLES.items()}
_BY_ZH = {zh: en for en, zh in KNOWN_TITLES.items()}


def other_language_title(title: str, language: str) -> str | None:
    """The known title of the same document in the other language, or None."""
    if language == "zh":
        return _BY_ZH.get(title)
    return _BY_NORM.get(_norm(title))
