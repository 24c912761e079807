"""Demo history: coach@example.org shares their practice indicators with lead@example.org.

coach2@example.org does not, so the coach lead's page shows both cases.
"""

from __future__ import annotations

from rapport.demo.district import DemoDistrict, history_builder
from rapport.privacy.actions import coach_leads_of, set_practice_shares


@history_builder
def practice_shared_with_the_coach_lead(demo: DemoDistrict, years: int) -> None:
    coach = demo.accounts["coach@example.org"]
    set_practice_shares(coach, list(coach_leads_of(coach)))
