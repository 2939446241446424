"""Text utilities every layer uses (ingest, retrieval, answering, rendering, evals), kept pure:

- ``script``: is this Chinese? (the one definition of a Chinese character);
- ``numerals``: 12, XII, Six, 十二 as numbers and back;
- ``tokens``: index terms (jieba for Chinese, Snowball stems for English) for keyword matching;
- ``references``: article references in a question ("Article 12", "第十四条");
- ``sentences``: sentence splitting;
- ``claims``: an answer's sentences (abbreviation-aware), their ``[n]`` markers, content terms and how well a
  source supports a claim (the citation check, rendering and evals share it).
"""
