"""Resources to suggest for a teacher: from their current goal, subject, grades and readiness.

A goal is free text ("by March, students build on each other's ideas in discussions"), so its
area is read from its words, in memory, after the policy has let the coach read it: nothing about
the teacher is stored or searched in SQL. The library is then ranked on the tags (goal area first,
then subject, grades and readiness), leaving out what this teacher already has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapport.coaching.models import Cycle
from rapport.privacy import policy
from rapport.privacy.models import Purpose
from rapport.relationships.models import ReadinessProfile, Relationship, TeacherProfile
from rapport.resources.library import library_for
from rapport.resources.models import ContentArea, GoalArea, GradeBand, Resource, ResourceShare

SHOWN = 3

# Word stems that point at each goal area (matched at the start of a word, case-insensitively).
GOAL_WORDS: dict[str, tuple[str, ...]] = {
    GoalArea.DISCUSSION: (
        "discuss",
        "talk",
        "conversation",
        "turn-and-talk",
        "partner",
        "debate",
        "build on",
    ),
    GoalArea.QUESTIONING: ("question", "ask", "wonder", "inquir"),
    GoalArea.ENGAGEMENT: ("engag", "participat", "on task", "attention", "volunteer", "hands"),
    GoalArea.COMMUNITY: ("routine", "transition", "community", "belong", "behavio", "norm", "procedure"),
    GoalArea.FEEDBACK: (
        "feedback",
        "exit ticket",
        "check for understanding",
        "checks for understanding",
        "assess",
        "self-assess",
        "rubric",
        "revise",
    ),
    GoalArea.DIFFERENTIATION: (
        "differentiat",
        "small group",
        "scaffold",
        "multilingual",
        "english learner",
        "support",
        "access",
    ),
    GoalArea.READING: ("read", "fluency", "phonics", "comprehen", "text", "book"),
    GoalArea.WRITING: ("writ", "essay", "paragraph", "journal", "draft"),
    GoalArea.MATH_REASONING: ("math", "reason", "problem", "strateg", "fraction", "number", "equation"),
    GoalArea.TECHNOLOGY: ("technolog", "device", "chromebook", "ipad", "digital", "online", "slides"),
}
SUBJECT_WORDS: dict[str, tuple[str, ...]] = {
    ContentArea.ELA: ("english", "ela", "literacy", "reading", "writing", "language arts"),
    ContentArea.MATH: ("math", "algebra", "geometry", "calculus", "statistics"),
    ContentArea.SCIENCE: ("science", "biology", "chemistry", "physics", "stem"),
    ContentArea.SOCIAL_STUDIES: ("social studies", "history", "civics", "geography", "government"),
    ContentArea.ARTS: ("art", "music", "band", "choir", "drama", "theatre", "theater"),
    ContentArea.LANGUAGES: ("spanish", "french", "german", "mandarin", "world language", "latin"),
}


def _mentions(text: str, stems: tuple[str, ...]) -> int:
    return sum(len(re.findall(r"\b" + re.escape(stem), text)) for stem in stems)


def goal_area_of(text: str) -> str | None:
    """The goal area a goal's words point at most, or None if they point nowhere."""
    text = text.lower()
    counts = {area: _mentions(text, stems) for area, stems in GOAL_WORDS.items()}
    best = max(counts, key=lambda area: counts[area])
    return best if counts[best] else None


def content_area_of(text: str) -> str | None:
    text = text.lower()
    counts = {area: _mentions(text, stems) for area, stems in SUBJECT_WORDS.items()}
    best = max(counts, key=lambda area: counts[area])
    return best if counts[best] else None


def grade_band_of(text: str) -> str | None:
    """The band of the first grade named ("4", "Grade 7", "K", "kindergarten")."""
    text = text.lower()
    if re.search(r"\b(k|kindergarten|pre-?k)\b", text):
        return GradeBand.K_2
    match = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", text)
    if not match:
        return None
    grade = int(match.group(1))
    for band, (low, high) in {
        GradeBand.K_2: (0, 2),
        GradeBand.G3_5: (3, 5),
        GradeBand.G6_8: (6, 8),
        GradeBand.G9_12: (9, 12),
    }.items():
        if low <= grade <= high:
            return band
    return None


@dataclass
class Suggestion:
    resource: Resource
    reasons: list[str] = field(default_factory=list)


@dataclass
class Suggestions:
    relationship: Relationship
    goal_area: str | None
    content_area: str | None
    grade_band: str | None
    readiness: int | None
    items: list[Suggestion]

    @property
    def goal_area_label(self) -> str:
        return GoalArea(self.goal_area).label if self.goal_area else ""


def suggest_for(
    user,
    relationship: Relationship,
    cycle: Cycle | None = None,
    profile: TeacherProfile | None = None,
    purpose: str = Purpose.RELATIONSHIP_PAGE,
) -> Suggestions:
    """Up to ``SHOWN`` library resources for this teacher, each with why it was suggested."""
    goal_text = " ".join([cycle.student_goal, cycle.measure, cycle.moves]) if cycle else ""
    subject_text = " ".join([profile.subjects if profile else "", relationship.focus])
    goal_area = goal_area_of(goal_text) or goal_area_of(relationship.focus)
    content_area = content_area_of(subject_text)
    grade_band = grade_band_of(profile.grades) if profile and profile.grades else None
    readiness = policy.read_records(
        user, ReadinessProfile.objects.filter(author=user), purpose, limit=1, relationship=relationship
    )
    comfort = readiness[0] if readiness else None
    already = policy.visible_records(user, ResourceShare.objects.filter(relationship=relationship)).values(
        "resource"
    )
    candidates = library_for(user).exclude(pk__in=already)
    if goal_area:
        candidates = candidates.filter(goal_area=goal_area)
    elif not (content_area or grade_band):
        candidates = candidates.none()
    scored = []
    for resource in candidates[:200]:
        score, reasons = 0, []
        if goal_area:
            score, reasons = 4, [f"goal: {resource.get_goal_area_display().lower()}"]
        if content_area and resource.content_area == content_area:
            score += 2
            reasons.append(resource.get_content_area_display().lower())
        elif resource.content_area == ContentArea.ANY:
            score += 1
        elif content_area:
            score -= 2
        if grade_band and resource.grade_band == grade_band:
            score += 2
            reasons.append(f"grades {resource.get_grade_band_display()}")
        elif resource.grade_band == GradeBand.ANY:
            score += 1
        elif grade_band:
            score -= 2
        wanted = _comfort_for(resource, comfort)
        if wanted and resource.readiness == wanted:
            score += 2
            reasons.append(resource.get_readiness_display().lower())
        elif resource.readiness is None:
            score += 1
        if score > 0:
            scored.append((-score, resource.title.lower(), resource.pk, Suggestion(resource, reasons)))
    items = [entry[-1] for entry in sorted(scored, key=lambda entry: entry[:3])[:SHOWN]]
    return Suggestions(
        relationship=relationship,
        goal_area=goal_area,
        content_area=content_area,
        grade_band=grade_band,
        readiness=comfort.comfort_with_coaching if comfort else None,
        items=items,
    )


def _comfort_for(resource: Resource, comfort: ReadinessProfile | None) -> int | None:
    """The readiness that counts for this resource: with technology for a technology resource."""
    if comfort is None:
        return None
    if resource.goal_area == GoalArea.TECHNOLOGY:
        return comfort.comfort_with_technology
    return comfort.comfort_with_coaching
