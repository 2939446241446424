"""Counts of generated test cases (hypothesis, schemathesis), printed at the end of the run."""

GENERATED_CASES: dict[str, int] = {}


def count_case(kind: str) -> None:
    GENERATED_CASES[kind] = GENERATED_CASES.get(kind, 0) + 1
