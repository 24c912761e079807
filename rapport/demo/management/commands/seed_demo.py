from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rapport.demo import district


class Command(BaseCommand):
    help = "Build the demo district (deterministic) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=3)
        parser.add_argument("--coaches", type=int, default=4)
        parser.add_argument("--teachers", type=int, default=40)
        parser.add_argument("--years", type=int, default=1, help="Years of coaching history.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing (but print the logins) if the demo exists."
        )
        parser.add_argument(
            "--this-is-a-demo",
            action="store_true",
            help="Build it even with RAPPORT_ENV=production (make serve, the benchmark): the demo "
            "accounts have a published password.",
        )

    def handle(self, *args, **options):
        if settings.RAPPORT_ENV == "production" and not options["this_is_a_demo"]:
            # Before anything touches the database: the demo's leader and administrator accounts,
            # with the password printed below and in the README, must never reach a district's data.
            raise CommandError(
                "Refused: RAPPORT_ENV is production. The demo district comes with accounts "
                "(administrator and leaders among them) whose password is published, so it is never "
                "built in a production database. Nothing was changed. On a demonstration "
                "installation only, run it again with --this-is-a-demo."
            )
        if district.demo_exists():
            if not options["if_empty"]:
                self.stderr.write(
                    "The demo district is already here. Use a fresh database to build it again."
                )
                raise SystemExit(1)
        else:
            demo = district.build(
                schools=options["schools"],
                coaches=options["coaches"],
                teachers=options["teachers"],
                years=options["years"],
                seed=options["seed"],
            )
            self.stdout.write(
                f"Built {demo.district.name}: {len(demo.schools)} schools, {len(demo.coaches)} coaches, "
                f"{len(demo.teachers)} teachers, {len(demo.relationships)} coaching relationships."
            )
        self.stdout.write(f"\nDemo logins (password for all: {district.DEMO_PASSWORD}):")
        for email, name, what in district.DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<24} {name} — {what}")
