"""Bringing a district's people in: OneRoster and CSV roster imports, and the site administrator's pages.

It sits above people, privacy and relationships because an import creates people, roles and
coaching relationships and writes the administration log. The import's record, ``ImportRun``,
stays a people model (where the data lives); this app is the code that fills it.
"""
