"""The starter bank of relationship-building questions, so it exists on a fresh install.

Written in our own words. Coaches add their own questions beside these.
"""

from django.db import migrations

STARTER_QUESTIONS = {
    "first-meeting": [
        "What brought you to teaching, and what keeps you here?",
        "What is something outside school that you love spending time on?",
        "Who do you share your life with at home — people, pets, anyone we should know about?",
        "What does a good Monday morning look like for you?",
        "What is one thing you wish every new colleague knew about you?",
    ],
    "values": [
        "What do you most want your students to carry with them when they leave your room?",
        "When you feel proud at the end of a day, what usually happened?",
        "What do you hold on to, even when the week gets hard?",
    ],
    "strengths": [
        "What do students or families tell you that you do well?",
        "Which part of your teaching feels most like you?",
        "Tell me about a lesson that went even better than you hoped. What made it work?",
    ],
    "vision": [
        "Imagine walking into your classroom a year from now. What do you hope to see students doing?",
        "If you had one extra hour a week for your own growth, what would you spend it on?",
        "What would make this year feel like a good year for you?",
    ],
    "feedback": [
        "How do you like to hear feedback: in writing first, in person, or both?",
        "When is a good time to talk, and when do you usually need to wrap up?",
        "Think of feedback that really helped you. What made it land?",
        "Is there anything that makes a classroom visit feel uncomfortable that I can avoid?",
    ],
}


def add_starter_questions(apps, schema_editor):
    Question = apps.get_model("relationships", "Question")
    Question.objects.bulk_create(
        Question(text=text, theme=theme, position=position)
        for theme, texts in STARTER_QUESTIONS.items()
        for position, text in enumerate(texts)
    )


def remove_starter_questions(apps, schema_editor):
    apps.get_model("relationships", "Question").objects.filter(owner__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("relationships", "0002_memory_presence_noticing")]

    operations = [migrations.RunPython(add_starter_questions, remove_starter_questions)]
