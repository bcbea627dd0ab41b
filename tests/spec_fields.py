"""Field names SPEC.md gives the response bodies, shared by the tests that check them."""

FLAG_KEYS = frozenset(
    {
        "rule_id",
        "category",
        "severity",
        "title",
        "explanation",
        "evidence",
        "entities",
        "source",
        "confidence",
        "regulatory_context",
        "precedents",
    }
)
