"""The relational-trust checklist, in our own words: statements a coach ticks when they are true."""

from __future__ import annotations

CHECKLIST = {
    "communicative": (
        "Communicative trust",
        [
            ("said-what-stays", "I told this teacher what stays between us, and I have kept to it."),
            ("sent-summary", "After our last meeting I sent a short summary of what we decided."),
            ("listened-more", "In our last conversation I listened more than I talked."),
        ],
    ),
    "relational": (
        "Relational trust",
        [
            ("know-their-life", "I know something that matters to this teacher outside the classroom."),
            ("opened-with-good", "I opened our last meeting with something that went well."),
            ("checked-in", "I checked in informally in the last two weeks, with no agenda."),
        ],
    ),
    "competence": (
        "Competence-based trust",
        [
            ("kept-word", "I did what I said I would, when I said I would."),
            ("came-prepared", "I came to our last meeting prepared, with their goal in mind."),
            ("asked-first", "I asked before offering advice, and the teacher chose what to try."),
        ],
    ),
}

STATEMENTS = {key: text for _, items in CHECKLIST.values() for key, text in items}
