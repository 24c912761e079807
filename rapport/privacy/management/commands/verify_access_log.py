"""Walk the access log's MAC chain and report any change, deletion or rewrite, and where."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.privacy import accesslog


class Command(BaseCommand):
    help = "Verify that no access-log entry was changed or deleted."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--expect-head",
            help="The head hash recorded at an earlier check; catches a chain rewritten from scratch.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = accesslog.verify()
        for problem in result.problems:
            self.stderr.write(problem)
        if options["expect_head"] and not accesslog.chain_contains(options["expect_head"]):
            result.problems.append("the head recorded earlier is no longer in the chain")
            self.stderr.write("The head hash recorded earlier is no longer in the chain: it was rewritten.")
        if result.problems:
            raise CommandError(f"The access log has been tampered with ({len(result.problems)} problems).")
        self.stdout.write(
            self.style.SUCCESS(f"The access log is intact: {result.entries} entries.")
            + f"\nHead hash: {result.head_hash} (record it; pass it as --expect-head next time)"
        )
