"""Evaluation suite: a gold set of questions and answers, metrics, floors and a readable report."""
