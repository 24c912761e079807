"""Framework-level helpers every app may use: they know Django, and no app of Rapport."""
